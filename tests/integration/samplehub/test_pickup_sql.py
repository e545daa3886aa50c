"""Pickup stores on SQLite and PostgreSQL: bookings with their events in the custody chain,
the optimistic version check that lets exactly one of two kiosks spend a code, kiosk guards and
the attempt log (which never holds a code)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from samplehub.app.services import Services
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.memory import FixedClock
from samplehub.core.domain.errors import Conflict
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import LocationKind
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher, KioskGuard
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service import queries as pickup_queries
from samplehub.pickup.service.kiosk import KioskVerdict
from samplehub.simulation.carrier import InstantCarrier, stage_at_once

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in China


def ready_sample(services: Services) -> tuple[str, str, str]:
    """(customer id, order, sample): a sample serviced and back in storage slot A-01-1-01."""
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表"}])
    )
    sample = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
    for transition, where in [
        ("receive", "intake_platform:K1"),
        ("start_transport", "robot:R1"),
        ("deliver_to_lab", "lab_bench:B1"),
        ("complete_service", None),
        ("start_transport", "robot:R1"),
        ("store", "storage_slot:A-01-1-01"),
    ]:
        bus.handle(c.ApplyTransition(c.SYSTEM, sample, transition, where))
    return customer, order, sample


@pytest.fixture
def deps(services: Services) -> pickup.PickupDeps:
    lockers = MemoryLockers([Compartment(f"C1-0{n}", CompartmentSize.M) for n in range(1, 5)])
    return pickup_wiring.pickup_deps(
        services,
        lockers,
        ListNotifier(),
        FixedClock(START),
        CodeHasher(b"integration-key-0123456789"),
        PickupPolicy(opening=time(9), closing=time(17)),
    )


def _book_and_stage(deps: pickup.PickupDeps, services: Services) -> tuple[str, str]:
    customer, order, sample = ready_sample(services)
    window = pickup.offer(deps, [CompartmentSize.M])[0].window
    booking_id = pickup.book(deps, c.SYSTEM, order, customer, {sample: CompartmentSize.M}, window)
    assert isinstance(deps.lockers, MemoryLockers)
    carrier = InstantCarrier(services.bus.handle, services.uow_factory)
    placed = stage_at_once(deps, MemoryLoader(deps.lockers), booking_id, carrier)
    assert sample in placed
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = window.start
    return booking_id, sample


def test_a_booking_round_trips_and_its_events_join_the_custody_chain(
    deps: pickup.PickupDeps, services: Services
) -> None:
    booking_id, sample = _book_and_stage(deps, services)
    stored = deps.bookings.get(booking_id)
    assert stored is not None
    assert stored.placements[sample].kind is LocationKind.LOCKER_COMPARTMENT
    assert stored.code is not None
    assert stored.code.valid_until > stored.window.end
    assert stored.window.start.tzinfo is not None
    assert [b.id for b in deps.bookings.live()] == [booking_id]
    with services.uow_factory() as uow:
        records = uow.audit.records()
        staged = uow.samples.get(sample)
    assert staged is not None
    assert staged.state is SampleState.STAGED
    types = [r.event_type for r in records]
    assert types[-4:] == [
        "TransportTaskChanged",  # delivered ...
        "SampleTransitioned",  # ... staged in the compartment, in the same transaction
        "TransportTaskChanged",  # done: the compartment confirmed it ...
        "PickupSamplePlaced",  # ... in the same transaction as the booking's placement
    ]
    placed = next(r for r in records if r.event_type == "PickupSamplePlaced")
    assert placed.sample_number == sample
    assert queries.verify_audit(services.uow_factory).ok
    assert isinstance(deps.notifier, ListNotifier)
    code = deps.notifier.codes[booking_id]
    assert all(code not in r.payload for r in records)
    assert all(stored.code.digest not in r.payload for r in records)


def test_a_stale_save_is_refused_and_leaves_the_row_and_chain_as_they_were(
    deps: pickup.PickupDeps, services: Services
) -> None:
    booking_id, _ = _book_and_stage(deps, services)
    first, second = deps.bookings.get(booking_id), deps.bookings.get(booking_id)
    assert first is not None
    assert second is not None
    with services.uow_factory() as uow:
        first.cancel("first", "a", START)
        uow.bookings.save(first)
        uow.commit()
    with services.uow_factory() as uow:
        before = len(uow.audit.records())
    second.cancel("second", "b", START)
    with services.uow_factory() as uow, pytest.raises(Conflict):
        uow.bookings.save(second)
    with services.uow_factory() as uow:
        assert len(uow.audit.records()) == before
    again = deps.bookings.get(booking_id)
    assert again is not None
    assert again.version == first.version


def test_two_kiosks_entering_the_same_code_at_once_exactly_one_wins(
    deps: pickup.PickupDeps, services: Services
) -> None:
    booking_id, _ = _book_and_stage(deps, services)
    assert isinstance(deps.notifier, ListNotifier)
    code = deps.notifier.codes[booking_id]
    both_loaded = threading.Barrier(2, timeout=10)
    first_reads = [0]
    lock = threading.Lock()
    make = services.bus.uow_factory

    def racing() -> object:
        """Units of work whose first two code look-ups wait for each other."""
        uow = make()
        uow_enter = uow.__enter__

        def enter() -> object:
            entered = uow_enter()
            lookup = uow.bookings.by_code_digest

            def by_code_digest(digest: str) -> Booking | None:
                found = lookup(digest)
                with lock:
                    first_reads[0] += 1
                    wait = first_reads[0] <= 2
                if wait:
                    both_loaded.wait()
                return found

            uow.bookings.by_code_digest = by_code_digest  # type: ignore[method-assign]
            return entered

        uow.__enter__ = enter  # type: ignore[method-assign]
        return uow

    services.bus.uow_factory = racing  # type: ignore[assignment]
    answers: dict[str, pickup_kiosk.KioskAnswer] = {}

    def kiosk(name: str) -> None:
        answers[name] = pickup_kiosk.enter_code(deps, name, code)

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in ("K1", "K2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    services.bus.uow_factory = make
    verdicts = sorted(a.verdict.value for a in answers.values())
    assert verdicts == [KioskVerdict.ACCEPTED.value, KioskVerdict.REJECTED.value]
    opened = [a.opened for a in answers.values() if a.verdict is KioskVerdict.ACCEPTED]
    assert len(opened[0]) == 1
    assert deps.attempts is not None
    rows = deps.attempts.recent(10)
    assert sorted(r.verdict for r in rows) == ["accepted", "rejected"]
    assert all(code not in (r.reason + (r.booking_id or "")) for r in rows)


def test_kiosk_guard_lockout_survives_a_restart(
    deps: pickup.PickupDeps, services: Services
) -> None:
    for _ in range(5):
        answer = pickup_kiosk.enter_code(deps, "K9", "000001")
        assert answer.verdict is KioskVerdict.REJECTED
    with services.uow_factory() as uow:
        fresh = uow.kiosk_guards.get("K9")
    assert fresh.locked(START)
    assert fresh.locked_until == START + timedelta(minutes=5)
    assert pickup_kiosk.enter_code(deps, "K9", "000002").verdict is KioskVerdict.LOCKED
    with services.uow_factory() as uow:
        uow.kiosk_guards.save(KioskGuard("K8", [START], None))
        uow.commit()
    with services.uow_factory() as uow:
        assert uow.kiosk_guards.get("K8").wrong_at == [START]
    assert deps.attempts is not None
    attempts = deps.attempts.recent(10)
    assert [a.verdict for a in attempts[:2]] == ["locked", "rejected"]
    assert all(a.kiosk_id == "K9" for a in attempts)


def test_expiry_revokes_the_code_and_records_it(
    deps: pickup.PickupDeps, services: Services
) -> None:
    booking_id, sample = _book_and_stage(deps, services)
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at += timedelta(days=4)
    assert pickup_kiosk.expire_overdue(deps) == [booking_id]
    assert deps.bookings.live() == []
    with services.uow_factory() as uow:
        types = [r.event_type for r in uow.audit.records()]
        [back] = [t for t in uow.tasks.open() if t.sample_number == sample]
    # the expiry and the back-to-storage task commit together; the sample moves when carried
    assert set(types[-2:]) == {"PickupExpired", "TransportTaskChanged"}
    assert (back.kind.value, back.state.value, str(back.target)) == (
        "back_to_storage",
        "created",
        "storage_slot:*",
    )
    carrier = InstantCarrier(services.bus.handle, services.uow_factory)
    carrier.carry(back.id, place="storage_slot:A-01-1-01")
    with services.uow_factory() as uow:
        returned = uow.samples.get(sample)
    expired = deps.bookings.get(booking_id)
    assert expired is not None
    assert expired.status.value == "expired"
    assert expired.code_state(deps.clock.now()).value == "revoked"
    assert returned is not None
    assert (returned.state, str(returned.location)) == (
        SampleState.STORED,
        "storage_slot:A-01-1-01",
    )


def test_the_pickup_preparation_wait_is_read_back_from_the_records(
    deps: pickup.PickupDeps, services: Services
) -> None:
    """Booked at 08:00, every sample in its compartment 95 s later: the flow figures' wait,
    asked for by China days (the store keeps UTC), and the staging task among those done."""
    customer, order, sample = ready_sample(services)
    window = pickup.offer(deps, [CompartmentSize.M])[0].window
    booking_id = pickup.book(deps, c.SYSTEM, order, customer, {sample: CompartmentSize.M}, window)
    assert isinstance(deps.clock, FixedClock)
    assert isinstance(deps.lockers, MemoryLockers)
    deps.clock.at = START + timedelta(seconds=95)
    carrier = InstantCarrier(services.bus.handle, services.uow_factory)
    stage_at_once(deps, MemoryLoader(deps.lockers), booking_id, carrier)
    stored = deps.bookings.get(booking_id)
    assert stored is not None
    assert (stored.booked_at, stored.staged_at) == (START, START + timedelta(seconds=95))
    china = timezone(timedelta(hours=8))
    day = datetime(2026, 11, 2, tzinfo=china)
    [wait] = pickup_queries.prep_waits(services.uow_factory, c.SYSTEM, day, day + timedelta(1))
    assert (wait.figure, wait.seconds, wait.late) == ("pickup_prep", 95.0, False)
    assert pickup_queries.prep_waits(services.uow_factory, c.SYSTEM, day - timedelta(1), day) == []
    with services.uow_factory() as uow:
        done = uow.tasks.done_between(day, day + timedelta(1))
        assert [(t.kind.value, t.sample_number) for t in done] == [("to_locker", sample)]
        assert uow.tasks.done_between(START + timedelta(seconds=96), day + timedelta(1)) == []
