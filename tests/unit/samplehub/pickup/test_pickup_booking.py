"""The booking aggregate: create, cancel, move, codes, placement, partial pickup, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from samplehub.core.domain.audit import chain, verify
from samplehub.core.domain.errors import GuardFailed, InvalidValue
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.pickup.domain.booking import Booking, BookingStatus, PickupCodeRevoked
from samplehub.pickup.domain.capacity import CompartmentSize, PickupPolicy, PickupWindow
from samplehub.pickup.domain.codes import CodeState, WrongCodePolicy

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
WINDOW = PickupWindow(T0 + timedelta(hours=2), T0 + timedelta(hours=2, minutes=30))
POLICY = PickupPolicy()
C1 = Location(LocationKind.LOCKER_COMPARTMENT, "C1-01")
C2 = Location(LocationKind.LOCKER_COMPARTMENT, "C1-02")


def _booking() -> Booking:
    sizes = {"S-1": CompartmentSize.S, "S-2": CompartmentSize.L}
    return Booking.create("b1", "WT-1", "cust", sizes, WINDOW, "cust-a", T0)


def _staged() -> Booking:
    booking = _booking()
    booking.place("S-1", C1, "robot", T0)
    booking.place("S-2", C2, "robot", T0)
    booking.issue_code("digest", POLICY, "system", T0)
    return booking


def test_create_records_an_event_and_demand() -> None:
    booking = _booking()
    assert booking.status is BookingStatus.BOOKED
    assert booking.events[0].type == "PickupBooked"
    assert booking.demand().to_stage == 2


def test_create_needs_samples_and_a_future_window() -> None:
    with pytest.raises(InvalidValue, match="samples"):
        Booking.create("b", "WT-1", "c", {}, WINDOW, "a", T0)
    with pytest.raises(InvalidValue, match=r"window\.start"):
        Booking.create("b", "WT-1", "c", {"S": CompartmentSize.S}, WINDOW, "a", WINDOW.start)


def test_code_is_valid_for_the_window_plus_grace() -> None:
    booking = _staged()
    assert booking.code is not None
    assert booking.code.valid_from == WINDOW.start
    assert booking.code.valid_until == WINDOW.end + timedelta(days=3)
    assert booking.code_state(T0) is CodeState.NOT_YET_VALID
    assert booking.code_state(WINDOW.start) is CodeState.USABLE


def test_placing_every_sample_stages_the_booking() -> None:
    booking = _booking()
    assert (booking.booked_at, booking.staged_at) == (T0, None)
    booking.place("S-1", C1, "robot", T0 + timedelta(seconds=40))
    assert booking.status is BookingStatus.BOOKED
    assert booking.staged_at is None
    booking.place(
        "S-2", Location(LocationKind.COUNTER, "front"), "staff", T0 + timedelta(seconds=70)
    )
    assert booking.status is BookingStatus.STAGED
    assert booking.demand().to_stage == 0
    assert booking.staged_at == T0 + timedelta(seconds=70)  # ready when the last one was placed
    booking.place("S-2", C2, "staff", T0 + timedelta(seconds=300))  # moved to a compartment
    assert booking.staged_at == T0 + timedelta(seconds=70)  # it stays the first time


def test_place_refuses_foreign_samples_and_wrong_locations() -> None:
    booking = _booking()
    with pytest.raises(InvalidValue, match="sample"):
        booking.place("S-9", C1, "robot", T0)
    with pytest.raises(InvalidValue, match=r"location\.kind"):
        booking.place("S-1", Location(LocationKind.STORAGE_SLOT, "A"), "robot", T0)


def test_use_code_is_single_use_and_lists_what_to_open() -> None:
    booking = _staged()
    opened = booking.use_code("K1", "kiosk", WINDOW.start)
    assert opened == {"S-1": C1, "S-2": C2}
    assert booking.code_state(WINDOW.start) is CodeState.USED
    with pytest.raises(GuardFailed):
        booking.use_code("K1", "kiosk", WINDOW.start)


def test_partial_pickup_leaves_the_booking_live_and_a_new_code_opens_the_rest() -> None:
    booking = _staged()
    booking.use_code("K1", "kiosk", WINDOW.start)
    booking.complete(["S-1"], ["S-2"], "kiosk", WINDOW.start)
    assert booking.status is BookingStatus.STAGED
    assert booking.left_behind == ["S-2"]
    booking.issue_code("digest2", POLICY, "system", WINDOW.start)
    assert booking.use_code("K1", "kiosk", WINDOW.end) == {"S-2": C2}
    booking.complete(["S-2"], [], "kiosk", WINDOW.end)
    assert booking.status is BookingStatus.COLLECTED
    assert booking.collected == ["S-1", "S-2"]


def test_a_sample_left_behind_stays_so_until_it_is_collected() -> None:
    booking = _staged()
    booking.use_code("K1", "kiosk", WINDOW.start)
    booking.complete([], ["S-2"], "kiosk", WINDOW.start)
    booking.complete(["S-1"], [], "staff", WINDOW.start)  # S-1 handed over at the counter
    assert (booking.left_behind, booking.status) == (["S-2"], BookingStatus.STAGED)
    booking.complete(["S-2"], [], "kiosk", WINDOW.end)
    assert (booking.left_behind, booking.status) == ([], BookingStatus.COLLECTED)


def test_complete_refuses_unplaced_samples() -> None:
    booking = _staged()
    with pytest.raises(InvalidValue, match="samples"):
        booking.complete(["S-7"], [], "kiosk", WINDOW.start)


def test_ten_wrong_tries_revoke_the_code() -> None:
    booking = _staged()
    policy = WrongCodePolicy()
    results = [booking.wrong_try(policy, "kiosk", WINDOW.start) for _ in range(10)]
    assert results == [False] * 9 + [True]
    assert booking.code_state(WINDOW.start) is CodeState.REVOKED
    assert not booking.wrong_try(policy, "kiosk", WINDOW.start)


def test_move_revokes_the_code_and_cancel_returns_staged_samples() -> None:
    booking = _staged()
    later = PickupWindow(WINDOW.start + timedelta(days=1), WINDOW.end + timedelta(days=1))
    booking.move(later, "cust-a", T0)
    assert booking.window == later
    assert booking.code_state(later.start) is CodeState.REVOKED
    assert booking.cancel("changed plans", "cust-a", T0) == ["S-1", "S-2"]
    assert booking.status is BookingStatus.CANCELLED
    with pytest.raises(GuardFailed, match="cancelled"):
        booking.move(later, "cust-a", T0)


def test_expiry_after_window_and_grace_returns_uncollected_samples() -> None:
    booking = _staged()
    booking.use_code("K1", "kiosk", WINDOW.start)
    booking.complete(["S-1"], ["S-2"], "kiosk", WINDOW.start)
    assert not booking.overdue(POLICY, WINDOW.end + timedelta(days=3))
    at = WINDOW.end + timedelta(days=3, seconds=1)
    assert booking.overdue(POLICY, at)
    assert booking.expire("system", at) == ["S-2"]
    assert booking.status is BookingStatus.EXPIRED


def test_events_never_carry_the_digest_and_chain_cleanly() -> None:
    booking = _staged()
    booking.move(PickupWindow(WINDOW.start, WINDOW.end + timedelta(hours=1)), "cust-a", T0)
    assert any(isinstance(e, PickupCodeRevoked) for e in booking.events)
    records = chain(booking.events, None)
    assert verify(records).ok
    assert all("digest" not in r.payload for r in records)
    placed = [r for r in records if r.event_type == "PickupSamplePlaced"]
    assert [r.sample_number for r in placed] == ["S-1", "S-2"]
    assert all(r.order_number == "WT-1" for r in records)
