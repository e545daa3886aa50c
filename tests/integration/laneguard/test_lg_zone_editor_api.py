"""The zone editor's JSON API over the real file store: reads the config's layout, refuses bad
layouts naming field, value and what is allowed, writes the file atomically, and the pipeline's
camera config picks the saved layout up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from laneguard.access.service.users import UserService
from laneguard.alerting.adapters.crypto import StationSealer, generate_private_key
from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.adapters.memory import InMemoryEnrolmentCodes, InMemoryTerminalRepository
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import SystemClock
from laneguard.core.errors import LaneGuardError
from laneguard.detection.adapters.config import CameraConfig
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.detection.adapters.zone_layouts import JsonZoneLayoutStore, config_layout
from laneguard.detection.service.zone_editor import ZoneEditorService
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.records.service.records import RecordsService
from laneguard.records.service.statistics import StatisticsService
from laneguard.web.app import WebContext, create_app

CAMERA = CameraConfig.model_validate(
    {
        "camera": "cam-1",
        "source": "demo.avi",
        "zones": [{"name": "lane-1", "lane": "1", "polygon": [[0, 0], [100, 0], [100, 100]]}],
        "class_rules": {"pedestrian": {"min_score": 0.5}},
    }
)
GOOD: dict[str, Any] = {
    "zones": [
        {"name": "lane-2", "lane": "2", "polygon": [[10, 10], [200, 10], [200, 300], [10, 300]]},
        {"name": "lane-3", "polygon": [[300, 10], [400, 10], [400, 300]], "inertia": 5},
    ],
    "masks": [[[0, 0], [50, 0], [50, 50]]],
    "homography": {
        "image": [[100, 500], [600, 500], [500, 200], [200, 200]],
        "ground": [[0, 0], [7, 0], [7, 30], [0, 30]],
    },
}


class Editor:
    def __init__(self, client: TestClient, store: JsonZoneLayoutStore, frames: FrameHub) -> None:
        self.client = client
        self.store = store
        self.frames = frames


@pytest.fixture
def editor(tmp_path: Path, lg_users: UserService, lg_operator: tuple[str, str]) -> Iterator[Editor]:
    clock, incidents, terminals = (
        SystemClock(),
        InMemoryIncidentRepository(),
        InMemoryTerminalRepository(),
    )
    sealer = StationSealer(generate_private_key())
    hub, frames = WebSocketHub(), FrameHub()
    store = JsonZoneLayoutStore(tmp_path / "zones")
    ctx = WebContext(
        station="S1",
        default_locale="zh-CN",
        alerts=AlertService("S1", incidents, terminals, sealer, [hub], clock),
        terminals=TerminalService(terminals, clock, InMemoryEnrolmentCodes()),
        stats=StatisticsService(incidents, UTC),
        records=RecordsService(incidents),
        ws_hub=hub,
        frames=frames,
        station_public_key=sealer.station_public_key,
        mqtt=None,
        simulator=None,
        cameras=["cam-1"],
        zones=ZoneEditorService(store, {"cam-1": config_layout(CAMERA)}),
        users=lg_users,
    )
    with TestClient(create_app(ctx)) as client:
        client.auth = lg_operator
        yield Editor(client, store, frames)


def test_layout_comes_from_config_until_saved_then_from_the_file(editor: Editor) -> None:
    got = editor.client.get("/api/cameras/cam-1/zones").json()
    assert got["origin"] == "config"
    assert got["layout"]["zones"][0]["name"] == "lane-1"
    assert got["layout"]["masks"] == []
    saved = editor.client.put("/api/cameras/cam-1/zones", json=GOOD)
    assert saved.status_code == 200
    assert saved.json()["applies"] == "next_start"
    path = Path(saved.json()["saved"])
    assert path == editor.store.folder / "cam-1.json"
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["camera"] == "cam-1"
    assert [z["name"] for z in on_disk["zones"]] == ["lane-2", "lane-3"]
    assert on_disk["zones"][1]["inertia"] == 5
    assert [p.name for p in path.parent.iterdir()] == ["cam-1.json"]  # no temporary left over
    again = editor.client.get("/api/cameras/cam-1/zones").json()
    assert again["origin"] == "saved"
    assert again["layout"]["homography"]["ground"][2] == [7.0, 30.0]


def test_pipeline_config_takes_the_saved_layout_and_keeps_the_rest(editor: Editor) -> None:
    assert editor.store.apply(CAMERA) is CAMERA
    editor.client.put("/api/cameras/cam-1/zones", json=GOOD)
    cam = editor.store.apply(CAMERA)
    rules = cam.to_rules()
    assert [z.name for z in rules.zones] == ["lane-2", "lane-3"]
    assert len(rules.masks) == 1
    assert rules.rider.homography is not None
    assert cam.source == "demo.avi"
    assert cam.class_rules == CAMERA.class_rules


@pytest.mark.parametrize(
    ("change", "field", "value", "allowed"),
    [
        ({"zones": []}, "zones", [], "at least 1"),
        (
            {"zones": [{"name": "z", "polygon": [[0, 0], [1, 1]]}]},
            "zones[0].polygon",
            [[0, 0], [1, 1]],
            "at least 3",
        ),
        (
            {"zones": [{"name": "z", "polygon": [[0, 0], [9, 0], [9, 9]], "classes": ["cow"]}]},
            "zones[0].classes[0]",
            "cow",
            "pedestrian",
        ),
        (
            {"homography": {"image": [[0, 0]] * 3, "ground": [[0, 0]] * 4}},
            "homography.image",
            None,
            "at least 4",
        ),
        (
            {
                "homography": {
                    "image": [[0, 0], [1, 1], [2, 2], [3, 3]],
                    "ground": [[0, 0], [1, 1], [2, 2], [3, 3]],
                }
            },
            "homography",
            None,
            "degenerate",
        ),
        ({"colour": "red"}, "colour", "red", "not permitted"),
        ({"masks": [[[0, 0], [5, 5]]]}, "masks[0]", None, "at least 3"),
    ],
)
def test_bad_layouts_name_field_value_and_allowed(
    editor: Editor, change: dict[str, Any], field: str, value: object, allowed: str
) -> None:
    response = editor.client.put("/api/cameras/cam-1/zones", json={**GOOD, **change})
    assert response.status_code == 422
    problems = response.json()["detail"]
    match = [p for p in problems if p["field"] == field]
    assert match, problems
    if value is not None:
        assert match[0]["value"] == value
    assert allowed in match[0]["allowed"]
    assert not (editor.store.folder / "cam-1.json").exists()


def test_unknown_camera_and_non_object_body(editor: Editor) -> None:
    missing = editor.client.put("/api/cameras/cam-9/zones", json=GOOD)
    assert missing.status_code == 404
    assert "cam-9" in missing.json()["detail"]
    assert editor.client.get("/api/cameras/cam-9/zones").status_code == 404
    listed = editor.client.put("/api/cameras/cam-1/zones", json=[1, 2])
    assert listed.status_code == 422
    assert listed.json()["detail"][0]["field"] == "body"


def test_snapshot_and_page_in_both_languages(editor: Editor) -> None:
    assert editor.client.get("/api/cameras/cam-1/snapshot.jpg").status_code == 404
    editor.frames.publish("cam-1", b"\xff\xd8frame\xff\xd9")
    shot = editor.client.get("/api/cameras/cam-1/snapshot.jpg")
    assert shot.content == b"\xff\xd8frame\xff\xd9"
    zh = editor.client.get("/zones").text
    assert "区域编辑" in zh
    assert 'data-camera="cam-1"' in zh
    assert "/static/zones.js" in zh
    assert "Zone editor" in editor.client.get("/zones?lang=en").text
    assert "http" not in editor.client.get("/static/zones.js").text  # no CDN, nothing remote


def test_unwritable_store_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = JsonZoneLayoutStore(blocker / "zones")
    with pytest.raises(LaneGuardError, match="not written"):
        store.save("cam-1", GOOD)
