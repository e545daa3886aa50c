"""The zone editor in Chromium: draw a zone, a mask and the four homography points on a camera
snapshot, save, and find exactly that in the file the pipeline reads; a bad layout shows the
server's field-by-field answer; the page switches to English."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import cv2
import numpy as np
import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from laneguard.access.service.users import UserService
from laneguard.alerting.adapters.crypto import StationSealer, generate_private_key
from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.adapters.memory import InMemoryEnrolmentCodes, InMemoryTerminalRepository
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import SystemClock
from laneguard.detection.adapters.config import CameraConfig
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.detection.adapters.zone_layouts import JsonZoneLayoutStore, config_layout
from laneguard.detection.service.zone_editor import ZoneEditorService
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.records.service.records import RecordsService
from laneguard.records.service.statistics import StatisticsService
from laneguard.simulation.broker import free_port
from laneguard.web.app import WebContext, create_app

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CAMERA = CameraConfig.model_validate(
    {
        "camera": "cam-1",
        "source": "demo.avi",
        "zones": [{"name": "lane-1", "lane": "1", "polygon": [[0, 0], [100, 0], [100, 100]]}],
    }
)


@pytest.fixture
def server(tmp_path: Path, lg_users: UserService) -> Iterator[tuple[str, Path]]:
    clock, incidents, terminals = (
        SystemClock(),
        InMemoryIncidentRepository(),
        InMemoryTerminalRepository(),
    )
    sealer = StationSealer(generate_private_key())
    frames = FrameHub()
    image = np.full((480, 640, 3), 90, dtype=np.uint8)
    cv2.rectangle(image, (200, 100), (440, 470), (200, 200, 200), -1)
    ok, jpeg = cv2.imencode(".jpg", image)
    assert ok
    frames.publish("cam-1", bytes(jpeg.tobytes()))
    folder = tmp_path / "zones"
    ctx = WebContext(
        station="S1",
        default_locale="zh-CN",
        alerts=AlertService("S1", incidents, terminals, sealer, [WebSocketHub()], clock),
        terminals=TerminalService(terminals, clock, InMemoryEnrolmentCodes()),
        stats=StatisticsService(incidents, UTC),
        records=RecordsService(incidents),
        ws_hub=WebSocketHub(),
        frames=frames,
        station_public_key=sealer.station_public_key,
        mqtt=None,
        simulator=None,
        cameras=["cam-1"],
        zones=ZoneEditorService(JsonZoneLayoutStore(folder), {"cam-1": config_layout(CAMERA)}),
        users=lg_users,
    )
    port = free_port()
    uv = uvicorn.Server(
        uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder / "cam-1.json"
    uv.should_exit = True
    thread.join(timeout=10)


def near(got: list[list[float]], want: list[tuple[int, int]]) -> bool:
    """Within a pixel: the page's layout may put the canvas at a fractional offset."""
    return len(got) == len(want) and all(
        abs(g[0] - w[0]) <= 1 and abs(g[1] - w[1]) <= 1 for g, w in zip(got, want, strict=True)
    )


def click(page: Page, points: list[tuple[int, int]]) -> None:
    for x, y in points:
        page.locator("#zone-canvas").click(position={"x": x, "y": y})


def test_draw_zone_mask_and_homography_then_save(
    server: tuple[str, Path], lg_operator: tuple[str, str]
) -> None:
    base, saved = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/zones")  # sent to the login page, and back after signing in
        page.fill("#login-name", lg_operator[0])
        page.fill("#login-password", lg_operator[1])
        page.click("#login-button")
        expect(page.locator("h1")).to_have_text("区域编辑")
        expect(page.locator("#zone-canvas")).to_have_attribute("data-ready", "snapshot")
        assert page.eval_on_selector("#zone-canvas", "c => [c.width, c.height]") == [640, 480]
        expect(page.locator("#zone-list li")).to_have_count(1)

        page.fill("#zone-name", "lane-2")
        page.fill("#zone-lane", "2")
        zone = [(200, 100), (440, 100), (440, 470), (200, 470)]
        click(page, zone)
        page.click("#finish-shape")
        expect(page.locator("#zone-list")).to_contain_text("lane-2")

        page.check("#mode-mask")
        click(page, [(10, 10), (80, 10), (80, 80), (10, 80)])
        page.click("#undo-point")
        page.click("#finish-shape")
        expect(page.locator("#mask-list li")).to_have_count(1)

        page.check("#mode-homography")
        click(page, [(210, 460), (430, 460), (400, 120), (240, 120)])
        ground = [(0, 0), (3.5, 0), (3.5, 20), (0, 20)]
        for i, (gx, gy) in enumerate(ground):
            page.locator(".ground-x").nth(i).fill(str(gx))
            page.locator(".ground-y").nth(i).fill(str(gy))
        expect(page.locator(".image-xy").nth(3)).to_contain_text("240, 1")
        page.click("#save")
        expect(page.locator("#status")).to_contain_text("已保存")

        layout = json.loads(saved.read_text(encoding="utf-8"))
        assert [z["name"] for z in layout["zones"]] == ["lane-1", "lane-2"]
        assert layout["zones"][1]["lane"] == "2"
        assert near(layout["zones"][1]["polygon"], zone)
        assert len(layout["masks"]) == 1
        assert near(layout["masks"][0], [(10, 10), (80, 10), (80, 80)])
        assert near(layout["homography"]["image"], [(210, 460), (430, 460), (400, 120), (240, 120)])
        assert layout["homography"]["ground"] == [[float(x), float(y)] for x, y in ground]

        page.locator("#zone-list li button").nth(1).click()
        page.locator("#zone-list li button").nth(0).click()
        page.click("#save")
        expect(page.locator("#status")).to_contain_text("未保存")
        expect(page.locator("#errors li[data-field='zones']")).to_contain_text("at least 1")
        assert len(json.loads(saved.read_text(encoding="utf-8"))["zones"]) == 2  # kept

        page.goto(f"{base}/zones?lang=en")
        expect(page.locator("h1")).to_have_text("Zone editor")
        expect(page.locator("#save")).to_have_text("Save")
        expect(page.locator("#zone-list li")).to_have_count(2)  # reloaded from the saved file
        browser.close()
