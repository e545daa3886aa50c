"""The live map inside the main app, in Chromium: staff log in, open /fleet, and the robots
`serve` runs move (carrying the demo samples waiting at intake into storage).

The main app sends a strict Content-Security-Policy (no inline script or style), so this also
proves the map's script and style load as files under it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.web.app import create_app

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'samplehub.db'}",
        secret_key="e2e-secret-0123456789",
        default_locale="zh-CN",
        mqtt_url=None,
        fleet={"robots": 2, "speed": 5.0},  # two put-aways wait: both robots drive
    )
    bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    seed_demo(services)
    fleet = fleet_wiring.fleet_supervisor(settings, services)
    assert fleet is not None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(services, settings, fleet)
    web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=web.run, daemon=True)
    fleet.start()
    thread.start()
    while not web.started:
        assert thread.is_alive(), "the server thread died"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=10)
    fleet.stop()
    services.close()


def test_staff_open_the_fleet_map_from_the_main_app_and_robots_move(server: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
        page.goto(f"{server}/fleet")
        assert page.url.endswith("/login")
        page.fill("input[name=username]", "warehouse")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{server}/fleet")
        page.wait_for_selector("#robot-R01")
        first = page.get_attribute("#robot-R01", "transform")
        page.wait_for_function(
            "(t) => document.querySelector('#robot-R01').getAttribute('transform') !== t",
            arg=first,
            timeout=60_000,  # a loaded CI machine moves the simulation slowly
        )
        assert page.inner_text("h1") == "样品机器人车队 · 实时地图"
        assert blocked == [], blocked
        browser.close()
