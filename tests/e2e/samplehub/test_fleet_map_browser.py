"""The live map in Chromium: robots appear on the SVG, move by SSE, and a click shows details."""

from __future__ import annotations

import dataclasses
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import sync_playwright

from samplehub.fleet.api import make_router
from samplehub.simulation.live import LiveFleet
from samplehub.simulation.runner import FleetSimulation
from samplehub.simulation.scenario import load_scenario

PEAK = Path(__file__).resolve().parents[3] / "scenarios" / "peak-hour.yaml"
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
def server() -> Iterator[str]:
    scenario = dataclasses.replace(load_scenario(PEAK), robot_count=3)
    fleet = LiveFleet(FleetSimulation(scenario, "optimal", 4), speed=20)
    app = FastAPI()
    app.include_router(make_router(fleet, interval_s=0.2))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    fleet.start()
    thread.start()
    while not web.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=10)
    fleet.stop()


def test_robots_move_on_the_map_and_click_shows_details(server: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.goto(f"{server}/fleet/map?lang=en")
        page.wait_for_selector("#robot-R01")
        assert page.locator("#rack-RA1").count() == 1
        first = page.get_attribute("#robot-R01", "transform")
        page.wait_for_function(
            "(t) => document.querySelector('#robot-R01').getAttribute('transform') !== t",
            arg=first,
            timeout=60_000,  # a loaded CI machine moves the simulation slowly
        )
        page.click("#robot-R01")
        page.wait_for_selector("#detail-title")
        assert page.inner_text("#detail-title") == "R01"
        state = page.inner_text("#detail tr:first-child td:last-child")
        assert state in ("idle", "on a task", "going to charge", "charging", "going to park"), state
        page.click("#rack-RA1")
        page.wait_for_function("document.querySelector('#detail-title').textContent === 'RA1'")
        assert "Sample robot fleet" in page.inner_text("h1")
        page.goto(f"{server}/fleet/map")  # zh-CN: the robot's state and history in Chinese
        page.wait_for_selector("#robot-R01")
        page.click("#robot-R01")
        page.wait_for_selector("#detail-title")
        state = page.inner_text("#detail tr:first-child td:last-child")
        assert state in ("空闲", "执行任务", "前往充电", "充电中", "前往停靠点"), state
        history = page.inner_text("#detail ul").splitlines()
        assert history
        assert all(re.search(r"[\u4e00-\u9fff]", line) for line in history), history
        browser.close()
