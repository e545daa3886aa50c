"""Incident and terminal records on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from laneguard.alerting.adapters.db import SqlEnrolmentCodeRepository, SqlTerminalRepository
from laneguard.alerting.domain.alerts import Terminal, TerminalScope
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.adapters.db import SqlIncidentRepository
from laneguard.records.domain.stats import Dimension, Period
from laneguard.records.service.statistics import StatisticsService

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    fixture: Engine = request.getfixturevalue(f"{request.param}_engine")
    return fixture


def test_incident_lifecycle_round_trip(engine: Engine) -> None:
    repo = SqlIncidentRepository(engine)
    opened = IncidentOpened(
        "inc-1", "cam-1", "z", "3", ObjectClass.E_BIKE, 5, 0.7, T0, b"\xff\xd8snap\xff\xd9"
    )
    record = IncidentRecord.from_opened(opened, "S1")
    repo.add(record)
    record.end(IncidentEnded("inc-1", T0 + timedelta(seconds=6), 60, 0.93))
    record.close(Outcome.TURNED_BACK, "alice (t-1)", T0 + timedelta(seconds=30))
    repo.save(record)
    got = repo.get("inc-1")
    assert got == record
    assert got is not None
    assert got.track_summary() == {
        "track_id": 5,
        "frames": 60,
        "max_score": 0.93,
        "seconds": 6.0,
    }
    assert repo.get("nope") is None


def test_list_range_and_statistics(engine: Engine) -> None:
    repo = SqlIncidentRepository(engine)
    for i in range(5):
        r = IncidentRecord(
            f"i{i}",
            "S1",
            "c",
            "z",
            str(i % 2),
            ObjectClass.PEDESTRIAN,
            i,
            0.8,
            T0 + timedelta(days=i),
        )
        if i < 3:
            r.close(Outcome.TURNED_BACK if i else Outcome.FALSE_ALARM, "t", T0)
        repo.add(r)
    last_year = IncidentRecord(
        "old", "S1", "c", "z", "0", ObjectClass.BICYCLE, 9, 0.8, T0 - timedelta(days=365)
    )
    last_year.close(Outcome.TURNED_BACK, "t", T0)
    repo.add(last_year)
    listed = repo.list(since=T0, until=T0 + timedelta(days=2))
    assert [r.incident_id for r in listed] == ["i1", "i0"]
    stats = StatisticsService(repo, UTC)
    rows = stats.rows(Period(date(2026, 5, 1), date(2026, 5, 31)), Dimension.LANE)
    assert [(r.key, r.incidents, r.turned_back, r.false_alarm) for r in rows] == [
        ("S1/0", 3, 1, 1),
        ("S1/1", 2, 1, 0),
    ]
    yoy = stats.year_over_year(Period(date(2026, 5, 1), date(2026, 5, 31)))
    assert (yoy.current.turned_back, yoy.previous.turned_back) == (2, 1)
    assert yoy.turned_back_change == pytest.approx(1.0)


def test_terminals_enrol_and_revoke(engine: Engine) -> None:
    repo = SqlTerminalRepository(engine)
    t = Terminal("t-1", "张三", b"k" * 32, T0)
    repo.add(t)
    t.revoke(T0 + timedelta(hours=1))
    repo.save(t)
    got = repo.get("t-1")
    assert got is not None
    assert not got.active
    assert got.public_key == b"k" * 32
    assert [x.name for x in repo.list()] == ["张三"]


def test_terminal_scope_travels_from_code_to_terminal(engine: Engine) -> None:
    terminals = SqlTerminalRepository(engine)
    service = TerminalService(
        terminals, ManualClock(T0), SqlEnrolmentCodeRepository(engine), station="桐乡"
    )
    issued = service.issue_code("班长", "op", lanes=["2", "1"], leader=True)
    terminal = service.enroll("班长", b"k" * 32, issued.code)
    got = terminals.get(terminal.terminal_id)
    assert got is not None
    assert got.scope == TerminalScope("桐乡", frozenset({"1", "2"}), leader=True)
    assert got.receives("桐乡", "1")
    assert not got.receives("桐乡", "3")
    assert not got.receives("嘉善", "1")
    service.rescope(terminal.terminal_id)
    assert terminals.list()[0].scope == TerminalScope("桐乡")
