"""An incident's end and its acknowledgement racing on SQLite and PostgreSQL (issue 14, finding
8): each save checks the version it read in the UPDATE's WHERE clause, so neither erases the
other; the loser reads again and applies its change to the winner's record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from laneguard.alerting.adapters.crypto import StationSealer, generate_private_key
from laneguard.alerting.adapters.memory import InMemoryTerminalRepository
from laneguard.alerting.service.alerting import AlertService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentEnded, ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord, StaleIncidentError
from laneguard.records.adapters.db import SqlIncidentRepository

T0 = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    found: Engine = request.getfixturevalue(f"{request.param}_engine")
    return found


class AckInBetween(SqlIncidentRepository):
    """A terminal's acknowledgement is saved between the first read and its save."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.raced = False

    def get(self, incident_id: str) -> IncidentRecord | None:
        record = super().get(incident_id)
        if record is not None and not self.raced:
            self.raced = True
            other = super().get(incident_id)
            assert other is not None
            other.close(Outcome.TURNED_BACK, "张三 (t1)", T0 + timedelta(seconds=4))
            super().save(other)
        return record


def _service(incidents: SqlIncidentRepository) -> AlertService:
    sealer = StationSealer(generate_private_key())
    return AlertService("S1", incidents, InMemoryTerminalRepository(), sealer, [], ManualClock(T0))


def test_an_end_racing_an_acknowledgement_keeps_both(engine: Engine) -> None:
    incidents = AckInBetween(engine)
    incidents.add(IncidentRecord("i1", "S1", "cam", "z", "1", ObjectClass.BICYCLE, 1, 0.8, T0))
    _service(incidents).ended(IncidentEnded("i1", T0 + timedelta(seconds=6), 30, 0.9))
    stored = incidents.get("i1")
    assert stored is not None
    assert (stored.outcome, stored.closed_by, stored.ended_at, stored.version) == (
        Outcome.TURNED_BACK,
        "张三 (t1)",
        T0 + timedelta(seconds=6),
        2,
    )


def test_a_save_over_a_newer_version_writes_nothing(engine: Engine) -> None:
    incidents = SqlIncidentRepository(engine)
    incidents.add(IncidentRecord("i2", "S1", "cam", "z", "1", ObjectClass.PEDESTRIAN, 1, 0.7, T0))
    for_end, for_ack = incidents.get("i2"), incidents.get("i2")
    assert for_end is not None
    assert for_ack is not None
    for_ack.close(Outcome.FALSE_ALARM, "bob", T0 + timedelta(seconds=2))
    incidents.save(for_ack)
    for_end.end(IncidentEnded("i2", T0 + timedelta(seconds=3), 10, 0.7))
    with pytest.raises(StaleIncidentError, match="version 0"):
        incidents.save(for_end)
    stored = incidents.get("i2")
    assert stored is not None
    assert (stored.outcome, stored.ended_at, stored.version) == (Outcome.FALSE_ALARM, None, 1)
