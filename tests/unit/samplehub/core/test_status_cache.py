"""The status read model: kept answers, expiry, invalidation by committed events, no stale store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.core.adapters.memory import FixedClock, MemoryStore, MemoryUnitOfWork, PlainHasher
from samplehub.core.domain.events import SampleTransitioned
from samplehub.core.domain.lifecycle import Transition
from samplehub.core.domain.locations import Location
from samplehub.core.service.status_cache import Status, StatusCache
from tests.unit.samplehub.core.fakes import Ticks

AT = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def moved(number: str) -> SampleTransitioned:
    return SampleTransitioned(
        actor="warehouse",
        at=AT,
        number=number,
        order="WT2026-000001",
        transition="store",
        from_state="in_transit",
        to_state="stored",
        location="storage_slot:A-01-1-01",
        reason=None,
    )


def loader(calls: list[str], document: bytes = b"{}") -> Callable[[], Status]:
    def load() -> Status:
        calls.append("read")
        return Status("c-a", document)

    return load


def test_a_second_lookup_is_answered_from_memory_until_the_ttl_runs_out() -> None:
    ticks = Ticks()
    cache = StatusCache(2.0, monotonic=ticks)
    calls: list[str] = []
    assert cache.load("JX1", loader(calls)) == Status("c-a", b"{}")
    assert cache.load("JX1", loader(calls)) == Status("c-a", b"{}")
    assert calls == ["read"]
    ticks.now += 1.99
    assert cache.get("JX1") is not None
    ticks.now += 0.01
    assert cache.get("JX1") is None
    assert len(cache) == 0


def test_a_committed_event_drops_the_sample_it_names_and_only_that_one() -> None:
    cache = StatusCache(60.0)
    calls: list[str] = []
    cache.load("JX1", loader(calls))
    cache.load("JX2", loader(calls))
    cache.publish([moved("JX1")])
    assert cache.get("JX1") is None
    assert cache.get("JX2") is not None


def test_an_answer_read_while_an_event_arrived_is_returned_but_not_kept() -> None:
    cache = StatusCache(60.0)

    def racing() -> Status:
        cache.publish([moved("JX1")])  # committed while this lookup was reading the old row
        return Status("c-a", b'{"state":"in_transit"}')

    assert cache.load("JX1", racing).document == b'{"state":"in_transit"}'
    assert cache.get("JX1") is None


def test_a_failed_read_keeps_nothing_and_raises() -> None:
    cache = StatusCache(60.0)

    def missing() -> Status:
        raise LookupError("no such sample")

    with pytest.raises(LookupError):
        cache.load("JX9", missing)
    assert len(cache) == 0


def test_ttl_zero_turns_the_cache_off_and_a_negative_ttl_is_refused() -> None:
    cache = StatusCache(0)
    calls: list[str] = []
    cache.load("JX1", loader(calls))
    cache.load("JX1", loader(calls))
    assert calls == ["read", "read"]
    with pytest.raises(ValueError, match="ttl -1"):
        StatusCache(-1)


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    cache = StatusCache(60.0, max_entries=2)
    calls: list[str] = []
    for number in ("JX1", "JX2"):
        cache.load(number, loader(calls))
    cache.get("JX1")
    cache.load("JX3", loader(calls))
    assert cache.get("JX2") is None
    assert cache.get("JX1") is not None
    assert cache.get("JX3") is not None


def test_every_commit_through_the_wired_units_of_work_drops_what_it_changed() -> None:
    """Not only the bus: a use case committing its own unit of work (the lab console does)."""
    store = MemoryStore()
    services = bootstrap.bootstrap(
        Settings(secret_key="unit-test-secret"),
        uow_factory=lambda: MemoryUnitOfWork(store),
        hasher=PlainHasher(),
        clock=FixedClock(),
    )
    made = seed_demo(services)
    number = made["sample_a1"]
    services.statuses.load(number, lambda: Status("c-a", b"registered"))
    with services.uow_factory() as uow:
        sample = uow.samples.get(number)
        assert sample is not None
        sample.apply(
            Transition.RECEIVE, actor="kiosk", at=AT, location=Location.parse("intake_platform:K1")
        )
        uow.commit()
    assert services.statuses.get(number) is None
