"""End to end: the real server (uvicorn, SQLite, demo data) driven by Debian's Chromium.

Set SAMPLEHUB_SCREENSHOT=docs/screenshot.png to keep the main page's screenshot for the README.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.web.app import create_app

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str, str], None]


@dataclass(frozen=True)
class Running:
    url: str
    made: dict[str, str]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    serve_module: Callable[[object], str],
    demo_settings: Callable[[Path], Settings],
) -> Iterator[Running]:
    settings = demo_settings(tmp_path_factory.mktemp("e2e-data"))
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    app = create_app(services, settings)
    app.state.samplehub = dataclasses.replace(app.state.samplehub, live_poll_seconds=0.2)
    yield Running(serve_module(app), made)
    services.close()


def test_server_answers_health_and_openapi(server: Running) -> None:
    assert httpx.get(f"{server.url}/healthz").json()["status"] == "ok"
    assert "/api/samples/{number}" in httpx.get(f"{server.url}/openapi.json").json()["paths"]


def test_customer_reads_a_samples_timeline(server: Running, page: Page, log_in: LogIn) -> None:
    log_in(page, server.url, "cust-a")
    assert page.url.endswith("/orders")
    assert page.locator("h1").first.inner_text() == "我的委托单"
    number = server.made["sample_a5"]
    page.click(f"summary:has-text('{number}')")
    page.click(f"a[href='/samples/{number}']")
    page.wait_for_url(f"**/samples/{number}")
    assert page.get_by_test_id("sample-state").inner_text() == "待取件"
    moves = "[data-testid=timeline] .tl-item:not(.tl-task) .tl-state"  # task steps aside
    states = page.locator(moves).evaluate_all("nodes => nodes.map(n => n.dataset.state)")
    assert states == [
        "staged", "in_transit", "stored", "in_transit", "calibrated", "in_lab",
        "in_transit", "stored", "in_transit", "received", "registered",
    ]  # fmt: skip
    assert "取件柜格口 L1-07" in page.locator("[data-testid=timeline]").inner_text()
    # its put-away task, made at receive and withdrawn when the demo moved it by hand
    assert "入库上架" in page.locator("[data-testid=timeline] .tl-task").first.inner_text()


def test_other_customer_gets_the_not_found_page(server: Running, page: Page, log_in: LogIn) -> None:
    log_in(page, server.url, "cust-b")
    answer = page.goto(f"{server.url}/samples/{server.made['sample_a1']}")
    assert answer is not None
    assert answer.status == 404
    assert page.get_by_test_id("error-page").is_visible()
    assert "不存在" in page.get_by_test_id("error-page").inner_text()
    assert "2024-0815" not in page.content()


def test_sample_page_updates_itself_when_the_sample_moves(
    server: Running, page: Page, log_in: LogIn
) -> None:
    log_in(page, server.url, "cust-a")
    number = server.made["sample_a2"]  # received at the intake platform
    page.goto(f"{server.url}/samples/{number}")
    assert page.get_by_test_id("sample-state").inner_text() == "已收样"
    login = {"username": "warehouse", "password": DEMO_PASSWORD}
    token = httpx.post(f"{server.url}/api/auth/token", json=login).json()["access_token"]
    moved = httpx.post(
        f"{server.url}/api/samples/{number}/transitions",
        json={"transition": "start_transport", "location": "robot:AMR-05"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert moved.status_code == 200
    expect(page.get_by_test_id("sample-state")).to_have_text("运送中", timeout=60_000)
    assert "搬运机器人 AMR-05" in page.locator("[data-testid=timeline]").inner_text()


def test_english_switch_and_main_page_screenshot(
    server: Running, page: Page, log_in: LogIn, tmp_path: Path
) -> None:
    log_in(page, server.url, "cust-a")
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == "My orders"
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    page.click(f"summary:has-text('{server.made['sample_a4']}')")
    shot = tmp_path / "screenshot.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("SAMPLEHUB_SCREENSHOT")
    if keep:
        Path(keep).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, keep)


def test_a_person_changes_their_password_from_the_top_bar(
    server: Running, page: Page, log_in: LogIn
) -> None:
    log_in(page, server.url, "lab2")
    page.click("[data-testid=nav-account]")
    expect(page.locator("h1")).to_have_text("我的账户")
    form = page.locator("[data-testid=password-form]")
    form.locator("input[name=current_password]").fill(DEMO_PASSWORD)
    form.locator("input[name=password]").fill("lab2-new-pass")
    form.locator("input[name=repeat]").fill("lab2-new-pass")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=password-changed]")).to_contain_text("密码已修改")
    page.goto(f"{server.url}/samples")
    page.wait_for_url("**/login")  # the login that changed it has ended too
    page.fill("input[name=username]", "lab2")
    page.fill("input[name=password]", "lab2-new-pass")
    page.click("button[type=submit]")
    page.wait_for_url("**/samples")  # signed in with the new password
