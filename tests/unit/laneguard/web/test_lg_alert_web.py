"""The web app over HTTP with in-memory adapters: pages, enrolment, acknowledgements, WebSocket."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from laneguard.access.service.users import UserService
from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.adapters.memory import InMemoryEnrolmentCodes, InMemoryTerminalRepository
from laneguard.alerting.domain.alerts import Acknowledgement, SealedMessage
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import SystemClock
from laneguard.core.domain.incidents import IncidentOpened, ObjectClass, Outcome
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.records.adapters.memory import InMemoryAccessLog, InMemoryIncidentRepository
from laneguard.records.service.records import RecordsService
from laneguard.records.service.statistics import StatisticsService
from laneguard.simulation.source import SimulatedIncidentSource, SimulatedZone
from laneguard.web.app import WebContext, create_app


@dataclasses.dataclass
class Web:
    client: TestClient
    alerts: AlertService
    sealer: StationSealer
    hub: WebSocketHub
    simulator: SimulatedIncidentSource
    terminals: TerminalService
    ctx: WebContext

    def enrol(self, name: str = "王五") -> TerminalIdentity:
        key = generate_private_key()
        public = TerminalIdentity("?", name, key, b"").public_key
        code = self.terminals.issue_code(name, "test").code
        r = self.client.post(
            "/api/terminals",
            json={"name": name, "code": code, "public_key": base64.b64encode(public).decode()},
        )
        assert r.status_code == 201, r.text
        body = r.json()
        return TerminalIdentity(
            body["terminal_id"], name, key, base64.b64decode(body["station_public_key"])
        )

    def incident(self, n: int = 1) -> IncidentOpened:
        event = IncidentOpened(
            f"inc-{n}",
            "cam-1",
            "z",
            "3",
            ObjectClass.BICYCLE,
            n,
            0.8,
            datetime.now(UTC),
            b"\xff\xd8web\xff\xd9",
        )
        self.alerts.opened(event)
        return event


@pytest.fixture
def web(lg_users: UserService, lg_operator: tuple[str, str]) -> Iterator[Web]:
    clock = SystemClock()
    incidents, terminals = InMemoryIncidentRepository(), InMemoryTerminalRepository()
    sealer = StationSealer(generate_private_key())
    hub = WebSocketHub()
    alerts = AlertService("S1", incidents, terminals, sealer, [hub], clock)
    simulator = SimulatedIncidentSource([SimulatedZone("cam-1", "z", "3")], clock)
    terminal_service = TerminalService(terminals, clock, InMemoryEnrolmentCodes())
    ctx = WebContext(
        station="测试站",
        default_locale="zh-CN",
        alerts=alerts,
        terminals=terminal_service,
        stats=StatisticsService(incidents, UTC),
        records=RecordsService(incidents, InMemoryAccessLog(), clock),
        ws_hub=hub,
        frames=FrameHub(),
        station_public_key=sealer.station_public_key,
        mqtt=None,
        simulator=simulator,
        cameras=["cam-1"],
        users=lg_users,
    )
    with TestClient(create_app(ctx)) as client:
        client.auth = lg_operator
        yield Web(client, alerts, sealer, hub, simulator, terminal_service, ctx)
    simulator.close()


def test_enrolment_refusals_name_the_problem(web: Web) -> None:
    bad_code = web.client.post(
        "/api/terminals",
        json={"name": "x", "code": "000000", "public_key": base64.b64encode(b"k" * 32).decode()},
    )
    assert bad_code.status_code == 403
    assert "code is wrong" in bad_code.json()["detail"]
    short = web.client.post(
        "/api/terminals",
        json={"name": "x", "code": "ABCDE-FGHJK", "public_key": base64.b64encode(b"k").decode()},
    )
    assert short.status_code == 422
    assert "has 1 bytes" in short.json()["detail"]


def test_alert_over_websocket_and_ack_closes(web: Web) -> None:
    me = web.enrol()
    with web.client.websocket_connect(f"/ws/terminals/{me.terminal_id}") as ws:
        web.incident(1)
        sealed = json.loads(ws.receive_text())
    alert = me.open_alert(SealedMessage.from_bytes(json.dumps(sealed).encode()))
    assert alert.snapshot_jpeg == b"\xff\xd8web\xff\xd9"
    ack = me.seal_ack(
        Acknowledgement("inc-1", me.terminal_id, Outcome.TURNED_BACK, datetime.now(UTC))
    )
    r = web.client.post("/api/acks", content=ack.to_bytes())
    assert r.status_code == 200
    assert r.json()["outcome"] == "turned_back"
    again = web.client.post("/api/acks", content=ack.to_bytes())
    assert again.status_code == 409


def test_reconnecting_websocket_gets_its_unacknowledged_alerts(web: Web) -> None:
    me = web.enrol()
    web.incident(1)  # sent while its page was closed
    web.incident(2)
    web.incident(3)
    ack = Acknowledgement("inc-2", me.terminal_id, Outcome.FALSE_ALARM, datetime.now(UTC))
    assert web.client.post("/api/acks", content=me.seal_ack(ack).to_bytes()).status_code == 200
    with web.client.websocket_connect(f"/ws/terminals/{me.terminal_id}") as ws:
        missed = [SealedMessage.from_bytes(ws.receive_text().encode()) for _ in range(2)]
        web.incident(4)
        live = SealedMessage.from_bytes(ws.receive_text().encode())
    assert [me.open_alert(m).incident_id for m in missed] == ["inc-1", "inc-3"]
    assert me.open_alert(live).incident_id == "inc-4"


def test_tampered_or_foreign_acks_are_refused(web: Web) -> None:
    me = web.enrol()
    web.incident(1)
    ack = me.seal_ack(
        Acknowledgement("inc-1", me.terminal_id, Outcome.FALSE_ALARM, datetime.now(UTC))
    )
    flipped = dataclasses.replace(
        ack, ciphertext=bytes([ack.ciphertext[0] ^ 1]) + ack.ciphertext[1:]
    )
    assert web.client.post("/api/acks", content=flipped.to_bytes()).status_code == 403
    stranger = dataclasses.replace(ack, terminal_id="t-nobody")
    assert web.client.post("/api/acks", content=stranger.to_bytes()).status_code == 403
    garbage = web.client.post("/api/acks", content=b"{}")
    assert garbage.status_code == 422
    assert "v=None" in garbage.json()["detail"]


def test_pages_in_both_languages_with_snapshot_and_chart(web: Web) -> None:
    web.incident(1)
    zh = web.client.get("/")
    assert "误闯事件" in zh.text
    assert "自行车" in zh.text
    en = web.client.get("/?lang=en")
    assert "Incidents" in en.text
    assert "Bicycle" in en.text
    assert web.client.cookies.get("lg_lang") == "en"
    assert web.client.get("/incidents/inc-1/snapshot.jpg").content == b"\xff\xd8web\xff\xd9"
    stats = web.client.get("/stats?by=lane")
    assert stats.status_code == 200
    assert "<svg" in stats.text
    assert "S1/3" in stats.text


def test_stats_csv_and_api(web: Web) -> None:
    web.incident(1)
    today = datetime.now(UTC).date().isoformat()
    csv = web.client.get(f"/stats.csv?from={today}&to={today}&by=class")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.lstrip("\ufeff").splitlines()[1] == "bicycle,1,0,0,0,1,,"
    api = web.client.get(f"/api/stats?from={today}&to={today}").json()
    assert api["total"]["incidents"] == 1
    reversed_period = web.client.get(f"/api/stats?from={today}&to={date(2000, 1, 1)}")
    assert reversed_period.status_code == 422


def test_simulate_rejects_unknown_lane(web: Web) -> None:
    r = web.client.post("/api/simulate", json={"lane": "99"})
    assert r.status_code == 422
    assert "known lanes: 3" in r.json()["detail"]
    assert web.client.post("/api/simulate", json={"lane": "3"}).status_code == 201


def test_websocket_refuses_unknown_and_revoked_terminals(web: Web) -> None:
    me = web.enrol()
    with (
        pytest.raises(WebSocketDisconnect) as unknown,
        web.client.websocket_connect("/ws/terminals/t-nobody") as ws,
    ):
        ws.receive_text()
    assert unknown.value.code == 4403
    web.terminals.revoke(me.terminal_id)
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        web.client.websocket_connect(f"/ws/terminals/{me.terminal_id}") as ws,
    ):
        ws.receive_text()
    assert refused.value.code == 4403


def test_operator_pages_need_a_login_but_terminals_do_not(web: Web) -> None:
    anonymous = TestClient(web.client.app)
    for path in ("/", "/stats", "/api/incidents", "/stats.csv", "/live"):
        answer = anonymous.get(path)
        if path.startswith("/api/"):
            assert answer.status_code == 401, path
        else:  # a page: the login form in its place
            assert (answer.status_code, 'id="login-form"' in answer.text) == (200, True), path
        assert anonymous.get(path, auth=("operator", "wrong")).status_code == 401, path
    assert anonymous.get("/api/health").status_code == 200
    assert web.client.get("/api/incidents").status_code == 200
    assert anonymous.get("/terminal").status_code == 200
    me = web.enrol()
    web.incident(1)
    ack = me.seal_ack(
        Acknowledgement("inc-1", me.terminal_id, Outcome.LEFT_BY_ITSELF, datetime.now(UTC))
    )
    assert anonymous.post("/api/acks", content=ack.to_bytes()).status_code == 200


def test_code_form_scopes_the_terminal_to_lanes_and_leader(web: Web) -> None:
    page = web.client.post(
        "/terminals/codes", data={"name": "班长", "lanes": "3, 4", "leader": "true"}
    )
    assert page.status_code == 201, page.text
    code = re.search(r'<code id="code">([^<]+)</code>', page.text)
    assert code is not None
    key = TerminalIdentity("?", "班长", generate_private_key(), b"").public_key
    r = web.client.post(
        "/api/terminals",
        json={"name": "班长", "code": code[1], "public_key": base64.b64encode(key).decode()},
    )
    assert r.status_code == 201
    (terminal,) = web.terminals.list()
    assert terminal.scope.lanes == frozenset({"3", "4"})
    assert terminal.scope.leader
    listing = web.client.get("/terminals").text
    assert "3,4" in listing


def test_camera_health_shows_on_the_dashboard_and_live_page(web: Web) -> None:
    web.ctx.health = lambda: {"cameras": {"cam-1": "stalled"}}
    dashboard = web.client.get("/").text
    assert 'class="health stalled" data-camera="cam-1"' in dashboard
    live = web.client.get("/live").text
    assert 'class="health stalled" data-camera="cam-1"' in live
    assert web.client.get("/api/health").json()["cameras"] == {"cam-1": "stalled"}


def test_viewing_a_snapshot_is_logged_for_operators_to_see(
    web: Web, lg_operator: tuple[str, str]
) -> None:
    web.incident(1)
    assert web.client.get("/incidents/inc-1/snapshot.jpg").content == b"\xff\xd8web\xff\xd9"
    assert web.client.get("/incidents/inc-9/snapshot.jpg").status_code == 404  # nothing shown
    (entry,) = web.client.get("/api/media-access").json()
    assert (entry["incident_id"], entry["user"], entry["media"]) == (
        "inc-1",
        lg_operator[0],
        "snapshot",
    )
