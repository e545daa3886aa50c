"""Terminal enrolment used one permanent code shared by every station (issue 14, finding 3), and
incidents were rewritten whole, so an `ended` and an acknowledgement could erase each other
(finding 8). Now a code is made per terminal, works once and expires, and shows the station
key's fingerprint; a stale incident write is refused (409 at the edge), and the service reads
again so that both writes land."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laneguard.access.domain.users import Role
from laneguard.alerting.adapters.crypto import (
    StationSealer,
    TerminalIdentity,
    generate_private_key,
)
from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.adapters.memory import InMemoryEnrolmentCodes, InMemoryTerminalRepository
from laneguard.alerting.domain.alerts import Acknowledgement
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.app import bootstrap
from laneguard.app.config import LaneGuardConfig
from laneguard.cli.main import app as cli
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord, StaleIncidentError
from laneguard.records.adapters.db import SqlIncidentRepository, make_engine
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.records.adapters.migrate import upgrade
from tests.security.conftest import Station

T0 = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def make_code(station: Station, name: str, password: str) -> tuple[str, str]:
    operator, csrf = station.login("operator", password)
    page = operator.post("/terminals/codes", data={"name": name, "csrf": csrf})
    assert page.status_code == 201, page.text
    assert page.headers["cache-control"] == "no-store"
    code = re.search(r'<code id="code">([^<]+)</code>', page.text)
    shown = re.search(r'<code id="fingerprint">([^<]+)</code>', page.text)
    assert code is not None
    assert shown is not None
    return code[1], shown[1]


def enrol(station: Station, name: str, code: str) -> tuple[int, dict[str, object]]:
    key = TerminalIdentity("?", name, generate_private_key(), b"").public_key
    answer = station.client().post(
        "/api/terminals",
        json={"name": name, "code": code, "public_key": base64.b64encode(key).decode()},
    )
    return answer.status_code, answer.json()


def test_an_enrolment_code_works_once_for_its_name_and_shows_the_fingerprint(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    code, shown = make_code(station, "张三", lg_operator[1])
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert enrol(station, "李四", code)[0] == 403  # made for another terminal
    status, answer = enrol(station, "张三", code)
    assert status == 201
    assert answer["station_key_fingerprint"] == shown
    again, refusal = enrol(station, "张三", code)
    assert again == 403
    assert "used or expired" in str(refusal["detail"])


def test_an_enrolment_code_expires_after_fifteen_minutes(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    code, _ = make_code(station, "王五", lg_operator[1])
    station.clock.advance(15 * 60)
    assert enrol(station, "王五", code)[0] == 403


def test_only_an_operator_makes_codes(station: Station, lg_operator: tuple[str, str]) -> None:
    viewer, csrf = station.login("viewer", lg_operator[1])
    assert viewer.post("/terminals/codes", data={"name": "x", "csrf": csrf}).status_code == 403


def test_codes_are_kept_as_digests_and_used_once_in_sql(tmp_path: Path) -> None:
    config = LaneGuardConfig.model_validate({"data_dir": str(tmp_path)})
    records = bootstrap.build_records(config)
    issued = records.terminals.issue_code("赵六", "operator")
    with records.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT * FROM lg_enrolment_codes").all()
    assert issued.code.replace("-", "") not in repr(stored)
    assert records.terminals.enroll("赵六", b"k" * 32, issued.code).name == "赵六"
    with pytest.raises(Exception, match="used or expired"):
        records.terminals.enroll("赵六", b"k" * 32, issued.code)
    records.engine.dispose()


def test_first_start_makes_admin_once_and_keeps_only_a_digest(tmp_path: Path) -> None:
    config = LaneGuardConfig.model_validate({"data_dir": str(tmp_path)})
    records = bootstrap.build_records(config)
    password = records.users.first_start()
    assert password is not None
    assert len(password) >= 12
    assert records.users.first_start() is None  # never again, never shown again
    with records.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name, role, password_hash FROM lg_users").all()
    assert [(r[0], r[1]) for r in rows] == [("admin", "operator")]
    assert password not in rows[0][2]
    assert rows[0][2].startswith("$argon2id$")
    admin = records.users.authenticate("admin", password)
    assert admin is not None
    assert admin.role is Role.OPERATOR
    records.engine.dispose()


def test_user_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    config = tmp_path / "lg.yaml"
    config.write_text(f"data_dir: {tmp_path}\n")
    added = CliRunner().invoke(
        cli,
        ["user", "add", "leitung", "--role", "viewer", "--config", str(config)],
        input="long-enough-secret\n",
    )
    assert added.exit_code == 0, added.output
    assert '"role": "viewer"' in added.output
    short = CliRunner().invoke(
        cli, ["user", "add", "kurz", "--config", str(config)], input="short\n"
    )
    assert short.exit_code == 2
    assert "at least 10" in short.output


def _record() -> IncidentRecord:
    return IncidentRecord("i1", "S1", "cam", "z", "1", ObjectClass.PEDESTRIAN, 1, 0.8, T0)


def test_a_stale_incident_write_is_refused_in_sql(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lg.db'}")
    upgrade(engine)
    incidents = SqlIncidentRepository(engine)
    incidents.add(_record())
    for_end, for_ack = incidents.get("i1"), incidents.get("i1")
    assert for_end is not None
    assert for_ack is not None
    for_end.end(IncidentEnded("i1", T0 + timedelta(seconds=6), 30, 0.9))
    incidents.save(for_end)
    for_ack.close(Outcome.TURNED_BACK, "alice", T0 + timedelta(seconds=7))
    with pytest.raises(StaleIncidentError, match="changed since it was read"):
        incidents.save(for_ack)
    stored = incidents.get("i1")
    assert stored is not None
    assert (stored.ended_at, stored.outcome, stored.version) == (
        T0 + timedelta(seconds=6),
        None,
        1,
    )
    engine.dispose()


class RacingIncidents(InMemoryIncidentRepository):
    """Another writer saves the incident between every read and the caller's save."""

    def get(self, incident_id: str) -> IncidentRecord | None:
        record = super().get(incident_id)
        if record is not None:
            other = super().get(incident_id)
            assert other is not None
            super().save(other)
        return record


def test_a_stale_acknowledgement_gets_409(station: Station) -> None:
    incidents = RacingIncidents()
    terminals = InMemoryTerminalRepository()
    ctx = station.app_ctx
    ctx.alerts = AlertService(
        "S1", incidents, terminals, station.sealer, [WebSocketHub()], station.clock
    )
    ctx.terminals = TerminalService(terminals, station.clock, InMemoryEnrolmentCodes())
    key = generate_private_key()
    public = TerminalIdentity("?", "张三", key, b"").public_key
    terminal = ctx.terminals.enroll("张三", public, ctx.terminals.issue_code("张三", "op").code)
    me = TerminalIdentity(terminal.terminal_id, "张三", key, ctx.station_public_key)
    ctx.alerts.opened(IncidentOpened("i1", "cam", "z", "1", ObjectClass.BICYCLE, 1, 0.8, T0, b""))
    ack = me.seal_ack(Acknowledgement("i1", me.terminal_id, Outcome.TURNED_BACK, T0))
    answer = station.client().post("/api/acks", content=ack.to_bytes())
    assert answer.status_code == 409
    assert "changed since it was read" in answer.json()["detail"]


def test_an_end_and_an_acknowledgement_both_land() -> None:
    incidents = InMemoryIncidentRepository()
    incidents.add(_record())
    ended, closed = incidents.get("i1"), incidents.get("i1")
    assert ended is not None
    assert closed is not None
    closed.close(Outcome.FALSE_ALARM, "bob", T0)
    incidents.save(closed)  # the acknowledgement is saved first
    sealer = StationSealer(generate_private_key())
    terminals = InMemoryTerminalRepository()
    service = AlertService("S1", incidents, terminals, sealer, [], ManualClock(T0))
    service.ended(IncidentEnded("i1", T0 + timedelta(seconds=5), 20, 0.9))
    stored = incidents.get("i1")
    assert stored is not None
    assert (stored.outcome, stored.ended_at) == (Outcome.FALSE_ALARM, T0 + timedelta(seconds=5))
