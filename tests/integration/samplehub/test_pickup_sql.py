"""Pickup stores on SQLite and PostgreSQL: bookings with their events in the custody chain,
the optimistic version check that lets exactly one of two kiosks spend a code, kiosk guards and
the attempt log (which never holds a code)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, select

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.adapters.db import make_engine
from samplehub.core.adapters.memory import FixedClock
from samplehub.core.domain.errors import Conflict
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.pickup.adapters import tables as pt
from samplehub.pickup.adapters.db import SqlBookings, SqlCodeAttempts, SqlKioskGuards
from samplehub.pickup.adapters.lockers.memory import MemoryLockers
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher, KioskGuard
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.kiosk import KioskVerdict

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in China


class NoLifecycle:
    def __init__(self) -> None:
        self.moves: list[tuple[str, str]] = []

    def stage(self, sample_number: str, location: Location, actor: str) -> None:
        self.moves.append(("stage", sample_number))

    def collect(self, sample_number: str, actor: str) -> None:
        self.moves.append(("collect", sample_number))

    def expire_pickup(self, sample_number: str, reason: str, actor: str) -> None:
        self.moves.append(("expire", sample_number))


@pytest.fixture
def engine(services: Services, settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.resolved_database_url(), settings.data_dir)
    yield engine
    engine.dispose()


@pytest.fixture
def deps(engine: Engine) -> pickup.PickupDeps:
    lockers = MemoryLockers([Compartment(f"C1-0{n}", CompartmentSize.M) for n in range(1, 5)])
    return pickup.PickupDeps(
        bookings=SqlBookings(engine),
        guards=SqlKioskGuards(engine),
        lockers=lockers,
        notifier=ListNotifier(),
        lifecycle=NoLifecycle(),
        clock=FixedClock(START),
        hasher=CodeHasher(b"integration-key-0123456789"),
        policy=PickupPolicy(opening=time(9), closing=time(17)),
        attempts=SqlCodeAttempts(engine),
    )


def _book_and_stage(deps: pickup.PickupDeps, sample: str = "JX2026-000001") -> str:
    window = pickup.offer(deps, [CompartmentSize.M])[0].window
    booking_id = pickup.book(
        deps, c.SYSTEM, "WT2026-000001", "cust", {sample: CompartmentSize.M}, window
    )
    where = pickup.open_for_loading(deps, booking_id, sample)
    assert isinstance(deps.lockers, MemoryLockers)
    deps.lockers.occupied.add(where.code)
    deps.lockers.close(where.code)
    assert pickup.confirm_placed(deps, booking_id, sample, where)
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = window.start
    return booking_id


def test_a_booking_round_trips_and_its_events_join_the_custody_chain(
    deps: pickup.PickupDeps, services: Services
) -> None:
    booking_id = _book_and_stage(deps)
    stored = deps.bookings.get(booking_id)
    assert stored is not None
    assert stored.placements["JX2026-000001"].kind is LocationKind.LOCKER_COMPARTMENT
    assert stored.code is not None
    assert stored.code.valid_until > stored.window.end
    assert stored.window.start.tzinfo is not None
    assert [b.id for b in deps.bookings.live()] == [booking_id]
    with services.uow_factory() as uow:
        records = uow.audit.records()
    types = [r.event_type for r in records]
    assert types[:3] == ["PickupBooked", "PickupCodeIssued", "PickupSamplePlaced"]
    placed = next(r for r in records if r.event_type == "PickupSamplePlaced")
    assert placed.sample_number == "JX2026-000001"
    assert queries.verify_audit(services.uow_factory).ok
    assert isinstance(deps.notifier, ListNotifier)
    code = deps.notifier.codes[booking_id]
    assert all(code not in r.payload for r in records)
    assert all(stored.code.digest not in r.payload for r in records)


def test_a_stale_save_is_refused_and_leaves_the_row_and_chain_as_they_were(
    deps: pickup.PickupDeps, services: Services
) -> None:
    booking_id = _book_and_stage(deps)
    first, second = deps.bookings.get(booking_id), deps.bookings.get(booking_id)
    assert first is not None
    assert second is not None
    first.cancel("first", "a", START)
    deps.bookings.save(first)
    with services.uow_factory() as uow:
        before = len(uow.audit.records())
    second.cancel("second", "b", START)
    with pytest.raises(Conflict):
        deps.bookings.save(second)
    with services.uow_factory() as uow:
        assert len(uow.audit.records()) == before
    again = deps.bookings.get(booking_id)
    assert again is not None
    assert again.version == first.version


class RacingBookings:
    """Lets both kiosks load the booking before either saves it."""

    def __init__(self, inner: SqlBookings) -> None:
        self.inner = inner
        self.barrier = threading.Barrier(2, timeout=10)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def by_code_digest(self, digest: str) -> Booking | None:
        found = self.inner.by_code_digest(digest)
        self.barrier.wait()
        return found


def test_two_kiosks_entering_the_same_code_at_once_exactly_one_wins(
    deps: pickup.PickupDeps, engine: Engine
) -> None:
    booking_id = _book_and_stage(deps)
    assert isinstance(deps.notifier, ListNotifier)
    code = deps.notifier.codes[booking_id]
    assert isinstance(deps.bookings, SqlBookings)
    deps.bookings = RacingBookings(deps.bookings)  # type: ignore[assignment]
    answers: dict[str, pickup_kiosk.KioskAnswer] = {}

    def kiosk(name: str) -> None:
        answers[name] = pickup_kiosk.enter_code(deps, name, code)

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in ("K1", "K2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    verdicts = sorted(a.verdict.value for a in answers.values())
    assert verdicts == [KioskVerdict.ACCEPTED.value, KioskVerdict.REJECTED.value]
    opened = [a.opened for a in answers.values() if a.verdict is KioskVerdict.ACCEPTED]
    assert len(opened[0]) == 1
    with engine.connect() as conn:
        rows = conn.execute(select(pt.pickup_code_attempts)).all()
    assert sorted(r.verdict for r in rows) == ["accepted", "rejected"]
    assert all(code not in (r.reason + (r.booking_id or "")) for r in rows)


def test_kiosk_guard_lockout_survives_a_restart(deps: pickup.PickupDeps, engine: Engine) -> None:
    for _ in range(5):
        answer = pickup_kiosk.enter_code(deps, "K9", "000001")
        assert answer.verdict is KioskVerdict.REJECTED
    fresh = SqlKioskGuards(engine).get("K9")
    assert fresh.locked(START)
    assert fresh.locked_until == START + timedelta(minutes=5)
    assert pickup_kiosk.enter_code(deps, "K9", "000002").verdict is KioskVerdict.LOCKED
    guards = SqlKioskGuards(engine)
    guards.save(KioskGuard("K8", [START], None))
    assert guards.get("K8").wrong_at == [START]
    attempts = SqlCodeAttempts(engine).recent(10)
    assert [a.verdict for a in attempts[:2]] == ["locked", "rejected"]
    assert all(a.kiosk_id == "K9" for a in attempts)


def test_expiry_revokes_the_code_and_records_it(
    deps: pickup.PickupDeps, services: Services
) -> None:
    booking_id = _book_and_stage(deps)
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at += timedelta(days=4)
    assert pickup_kiosk.expire_overdue(deps) == [booking_id]
    assert deps.bookings.live() == []
    with services.uow_factory() as uow:
        types = [r.event_type for r in uow.audit.records()]
    assert types[-1] == "PickupExpired"
    expired = deps.bookings.get(booking_id)
    assert expired is not None
    assert expired.status.value == "expired"
    assert expired.code_state(deps.clock.now()).value == "revoked"
    assert isinstance(deps.lifecycle, NoLifecycle)
    assert deps.lifecycle.moves[-1] == ("expire", "JX2026-000001")
