"""The security tier: each finding reproduced against the real app, now refused."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from laneguard.access.service.users import UserService
from laneguard.alerting.adapters.crypto import StationSealer, generate_private_key
from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.adapters.memory import InMemoryEnrolmentCodes, InMemoryTerminalRepository
from laneguard.alerting.domain.enrolment import fingerprint
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import ManualClock
from laneguard.detection.adapters.config import CameraConfig
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.detection.adapters.zone_layouts import JsonZoneLayoutStore, config_layout
from laneguard.detection.service.zone_editor import ZoneEditorService
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.records.service.records import RecordsService
from laneguard.records.service.statistics import StatisticsService
from laneguard.simulation.source import SimulatedIncidentSource, SimulatedZone
from laneguard.web.app import WebContext, create_app

CAMERA = CameraConfig.model_validate(
    {
        "camera": "cam-1",
        "source": "demo.avi",
        "zones": [{"name": "lane-1", "lane": "1", "polygon": [[0, 0], [100, 0], [100, 100]]}],
    }
)
MAX_BODY = 4096


@dataclasses.dataclass
class Station:
    """LaneGuard's web app over in-memory services, as `laneguard run` wires it."""

    app_ctx: WebContext
    sealer: StationSealer
    clock: ManualClock
    incidents: InMemoryIncidentRepository
    zones: JsonZoneLayoutStore

    def client(self, base_url: str = "http://testserver") -> TestClient:
        return TestClient(create_app(self.app_ctx), base_url=base_url, follow_redirects=False)

    def login(self, name: str, password: str) -> tuple[TestClient, str]:
        """A client signed in through the login form; and the session's CSRF token."""
        client = self.client()
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        signed_in = client.post(
            "/login", data={"name": name, "password": password, "csrf": csrf[1], "next": "/"}
        )
        assert signed_in.status_code == 303, signed_in.text
        page = client.get("/").text
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
        assert token is not None
        return client, token[1]


@pytest.fixture
def station(tmp_path: Path, lg_users: UserService) -> Iterator[Station]:
    clock = ManualClock(datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    incidents, terminals = InMemoryIncidentRepository(), InMemoryTerminalRepository()
    sealer = StationSealer(generate_private_key())
    hub, frames = WebSocketHub(), FrameHub()
    frames.publish("cam-1", b"\xff\xd8frame\xff\xd9")
    store = JsonZoneLayoutStore(tmp_path / "zones")
    simulator = SimulatedIncidentSource([SimulatedZone("cam-1", "lane-1", "1")], clock)
    ctx = WebContext(
        station="S1",
        default_locale="en",
        alerts=AlertService("S1", incidents, terminals, sealer, [hub], clock),
        terminals=TerminalService(terminals, clock, InMemoryEnrolmentCodes()),
        stats=StatisticsService(incidents, UTC),
        records=RecordsService(incidents),
        ws_hub=hub,
        frames=frames,
        station_public_key=sealer.station_public_key,
        mqtt=None,
        simulator=simulator,
        cameras=["cam-1"],
        zones=ZoneEditorService(store, {"cam-1": config_layout(CAMERA)}),
        users=lg_users,
        max_body_bytes=MAX_BODY,
        station_key_fingerprint=fingerprint(sealer.station_public_key),
    )
    yield Station(ctx, sealer, clock, incidents, store)
    simulator.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def sh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SampleHub's database for a security test: SQLite, then PostgreSQL."""
    from tests.security.samplehub_site import database

    with database(request.param, tmp_path) as url:
        yield url
