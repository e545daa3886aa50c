"""The running app anchors the custody chain on schedule (every N records, at least hourly
while records come in), signed with the Ed25519 key, into the log table and anchors.jsonl."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from samplehub.app.bootstrap import bootstrap
from samplehub.app.config import Settings
from samplehub.app.jobs import AnchorJob, institute_today
from samplehub.app.services import Services
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring import trust
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.domain.events import UserCreated
from samplehub.core.service.anchoring import verify_chain


def add_records(services: Services, n: int) -> None:
    with services.uow_factory() as uow:
        for i in range(n):
            uow.record(UserCreated("admin", services.clock.now(), f"u{i}", "lab", None))
        uow.commit()


@pytest.fixture
def world(tmp_path: Path) -> tuple[Settings, Services, FixedClock]:
    settings = Settings(
        data_dir=tmp_path / "data",
        signing={"anchor_every_records": 5, "anchor_max_age_minutes": 60},
    )
    store = MemoryStore()
    clock = FixedClock(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    services = bootstrap(
        settings, uow_factory=lambda: MemoryAppUnitOfWork(store), clock=clock, hasher=PlainHasher()
    )
    return settings, services, clock


def test_anchors_every_n_records_and_hourly(world: tuple[Settings, Services, FixedClock]) -> None:
    settings, services, clock = world
    job = AnchorJob(settings, services)
    assert job.run_once() is None  # an empty chain: nothing to anchor
    add_records(services, 2)
    first = job.run_once()  # the first records are anchored at once
    assert first is not None
    assert (first.number, first.seq) == (1, 2)
    add_records(services, 3)
    clock.advance(59 * 60)
    assert job.run_once() is None  # 3 new records, 59 minutes: not yet
    add_records(services, 2)
    by_count = job.run_once()  # 5 new records since the last anchor
    assert by_count is not None
    assert (by_count.number, by_count.seq) == (2, 7)
    add_records(services, 1)
    clock.advance(60 * 60)
    hourly = job.run_once()
    assert hourly is not None
    assert (hourly.number, hourly.seq, hourly.at) == (3, 8, "2026-12-04T10:59:00.000000Z")
    assert [a.number for a in trust.anchor_file(settings).read()] == [1, 2, 3]
    with services.uow_factory() as uow:
        assert [a.seq for a in uow.audit.anchors()] == [2, 7, 8]
    result = verify_chain(services.uow_factory, trust.anchor_checker(settings))
    assert result.ok, result.problems
    assert result.anchors == 3


def test_reminder_day_is_the_institutes_calendar_day() -> None:
    settings = Settings()
    assert institute_today(settings, datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == date(2027, 1, 1)
    assert institute_today(settings, datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == date(
        2026, 12, 31
    )


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match=r"institute\.time_zone 'Mars/Olympus'"):
        Settings(institute={"time_zone": "Mars/Olympus"})
