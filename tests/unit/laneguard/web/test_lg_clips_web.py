"""The incident list links each incident's clip, and the clip downloads as AVI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from laneguard.access.service.users import UserService
from laneguard.alerting.adapters.crypto import StationSealer, generate_private_key
from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.adapters.memory import InMemoryEnrolmentCodes, InMemoryTerminalRepository
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import SystemClock
from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.domain.records import IncidentRecord
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.records.service.records import RecordsService
from laneguard.records.service.statistics import StatisticsService
from laneguard.web.app import WebContext, create_app


def client_with(
    incidents: InMemoryIncidentRepository, users: UserService, login: tuple[str, str]
) -> TestClient:
    clock, terminals = SystemClock(), InMemoryTerminalRepository()
    sealer = StationSealer(generate_private_key())
    hub = WebSocketHub()
    ctx = WebContext(
        station="S1",
        default_locale="zh-CN",
        alerts=AlertService("S1", incidents, terminals, sealer, [hub], clock),
        terminals=TerminalService(terminals, clock, InMemoryEnrolmentCodes()),
        stats=StatisticsService(incidents, UTC),
        records=RecordsService(incidents),
        ws_hub=hub,
        frames=FrameHub(),
        station_public_key=sealer.station_public_key,
        mqtt=None,
        simulator=None,
        cameras=["cam-1"],
        users=users,
    )
    client = TestClient(create_app(ctx))
    client.auth = login
    return client


def test_clip_is_linked_in_both_languages_and_downloads(
    tmp_path: Path, lg_users: UserService, lg_operator: tuple[str, str]
) -> None:
    incidents = InMemoryIncidentRepository()
    at = datetime.now(UTC)
    for n in (1, 2):
        incidents.add(
            IncidentRecord(f"inc-{n}", "S1", "cam-1", "z", "3", ObjectClass.PEDESTRIAN, n, 0.8, at)
        )
    clip = tmp_path / "inc-1.avi"
    clip.write_bytes(b"RIFF....AVI ")
    incidents.set_clip("inc-1", str(clip))
    with client_with(incidents, lg_users, lg_operator) as client:
        zh = client.get("/").text
        assert 'href="/incidents/inc-1/clip.avi"' in zh
        assert "下载 (AVI)" in zh
        assert "/incidents/inc-2/clip.avi" not in zh
        assert "Download (AVI)" in client.get("/?lang=en").text
        got = client.get("/incidents/inc-1/clip.avi")
        assert got.status_code == 200
        assert got.content == b"RIFF....AVI "
        assert got.headers["content-type"] == "video/x-msvideo"
        listed = {i["incident_id"]: i["clip"] for i in client.get("/api/incidents").json()}
        assert listed == {"inc-1": "/incidents/inc-1/clip.avi", "inc-2": None}
        missing = client.get("/incidents/inc-2/clip.avi")
        assert missing.status_code == 404
        assert "inc-2" in missing.json()["detail"]
        clip.unlink()
        assert client.get("/incidents/inc-1/clip.avi").status_code == 404
