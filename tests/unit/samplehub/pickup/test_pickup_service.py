"""Pickup use cases with hand-written fakes: booking, codes, staging, kiosk, expiry, faults."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, time, timedelta

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.memory import FixedClock, MemoryStore, MemoryUnitOfWork, PlainHasher
from samplehub.core.domain.epc import giai_for_sample
from samplehub.core.domain.errors import Forbidden, InvalidValue
from samplehub.core.domain.instrument import Instrument
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Channel, Customer, Order, OrderItem, Role, Sample, Service
from samplehub.core.domain.transport import Confirmation, TaskState, TransportTask
from samplehub.core.service.commands import Actor
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.booking import Booking, BookingStatus
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher, qr_payload
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.deps import StoredBookings
from samplehub.pickup.service.kiosk import KioskVerdict
from samplehub.pickup.service.messages import render
from samplehub.simulation.carrier import InstantCarrier, stage_at_once
from samplehub.web.i18n import translate
from tests.unit.samplehub.pickup.fakes import Scripted

S, M, L = CompartmentSize.S, CompartmentSize.M, CompartmentSize.L
CUSTOMER = Actor("cust-a", Role.CUSTOMER, "cust-1")
MONDAY_8_CST = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


SAMPLES = ("S-1", "S-2", "S-8", "S-9")


def ready_samples(store: MemoryStore) -> None:
    """Samples of order WT-1 (customer cust-1), serviced and back in storage."""
    with MemoryUnitOfWork(store) as uow:
        uow.customers.add(Customer("cust-1", "恒达", "91350100M000100Y43", []))
        uow.orders.add(
            Order("WT-1", "cust-1", Service.CALIBRATION, Channel.ONLINE, [OrderItem("压力表")],
                  MONDAY_8_CST)
        )  # fmt: skip
        for number in SAMPLES:
            sample = Sample.register(
                number, "WT-1", "cust-1", Instrument("压力表"), "k", MONDAY_8_CST
            )
            sample.state, sample.service_completed = SampleState.STORED, True
            sample.location = Location.parse("storage_slot:A-01-1-01")
            uow.samples.add(sample)
        uow.commit()


def moves(store: MemoryStore) -> list[tuple[str, str]]:
    """(transition, sample) of every sample move in the custody chain, oldest first."""
    return [
        (json.loads(r.payload)["transition"], r.sample_number or "")
        for r in store.audit
        if r.event_type == "SampleTransitioned"
    ]


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    ready_samples(store)
    return store


@pytest.fixture
def deps(store: MemoryStore) -> pickup.PickupDeps:
    compartments = [Compartment("C1-01", S), Compartment("C1-02", M), Compartment("C1-03", L)]
    ids = iter(f"b{i}" for i in range(1, 100))
    clock = FixedClock(MONDAY_8_CST)
    services = bootstrap.bootstrap(
        Settings(),
        uow_factory=lambda: MemoryAppUnitOfWork(store),
        clock=clock,
        hasher=PlainHasher(),
    )
    deps = pickup_wiring.pickup_deps(
        services,
        MemoryLockers(compartments),
        ListNotifier(),
        clock,
        CodeHasher(b"test-key-test-key-test-key"),
        PickupPolicy(opening=time(9), closing=time(17), counter_capacity=1),
    )
    deps.randbelow = Scripted(*range(111111, 999999, 111111))
    deps.new_id = lambda: next(ids)
    return deps


def _lockers(deps: pickup.PickupDeps) -> MemoryLockers:
    assert isinstance(deps.lockers, MemoryLockers)
    return deps.lockers


def _notes(deps: pickup.PickupDeps) -> ListNotifier:
    assert isinstance(deps.notifier, ListNotifier)
    return deps.notifier


def _clock(deps: pickup.PickupDeps) -> FixedClock:
    assert isinstance(deps.clock, FixedClock)
    return deps.clock


def _get(deps: pickup.PickupDeps, booking_id: str) -> Booking:
    booking = deps.bookings.get(booking_id)
    assert booking is not None
    return booking


def _book(deps: pickup.PickupDeps, samples: dict[str, CompartmentSize] | None = None) -> str:
    samples = samples or {"S-1": S, "S-2": M}
    window = pickup.offer(deps, list(samples.values()))[0].window
    return pickup.book(deps, CUSTOMER, "WT-1", "cust-1", samples, window)


def _carrier(deps: pickup.PickupDeps) -> InstantCarrier:
    assert isinstance(deps.bookings, StoredBookings)
    return InstantCarrier(deps.handle, deps.bookings.uow_factory)


def _stage_all(deps: pickup.PickupDeps, booking_id: str) -> None:
    """Tasks made, carried by a robot, the door opened for it, loaded and confirmed."""
    stage_at_once(deps, MemoryLoader(_lockers(deps)), booking_id, _carrier(deps))
    assert _get(deps, booking_id).status is BookingStatus.STAGED


def _at_window(deps: pickup.PickupDeps, booking_id: str) -> None:
    _clock(deps).at = _get(deps, booking_id).window.start


def test_booking_sends_a_code_and_stores_only_its_digest(
    deps: pickup.PickupDeps, store: MemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    booking_id = _book(deps)
    code = _notes(deps).codes[booking_id]
    booking = _get(deps, booking_id)
    assert booking.code is not None
    assert booking.code.digest == deps.hasher.digest(code)
    assert code not in repr(booking)
    assert code not in caplog.text
    booked = [r for r in store.audit if r.event_type.startswith("Pickup")]
    assert [r.event_type for r in booked] == ["PickupBooked", "PickupCodeIssued"]
    assert all(code not in r.payload and booking.code.digest not in r.payload for r in booked)


def test_only_offered_windows_can_be_booked(deps: pickup.PickupDeps) -> None:
    offered = pickup.offer(deps, [L])[0].window
    pickup.book(deps, CUSTOMER, "WT-1", "cust-1", {"S-1": L}, offered)
    with pytest.raises(InvalidValue, match="window"):  # no L compartment left; counter holds 1
        pickup.book(deps, CUSTOMER, "WT-2", "cust-1", {"S-8": L, "S-9": L}, offered)


def test_customers_book_only_for_their_company(deps: pickup.PickupDeps) -> None:
    window = pickup.offer(deps, [S])[0].window
    with pytest.raises(Forbidden):
        pickup.book(deps, CUSTOMER, "WT-1", "cust-2", {"S-1": S}, window)


def test_a_sample_is_in_one_live_booking_at_most(deps: pickup.PickupDeps) -> None:
    _book(deps, {"S-1": S})
    with pytest.raises(InvalidValue, match="another live booking"):
        _book(deps, {"S-1": S})


def test_full_pickup_opens_compartments_and_collects(
    deps: pickup.PickupDeps, store: MemoryStore
) -> None:
    booking_id = _book(deps)
    _stage_all(deps, booking_id)
    assert _get(deps, booking_id).status is BookingStatus.STAGED
    _at_window(deps, booking_id)
    answer = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    assert answer.verdict is KioskVerdict.ACCEPTED
    assert sorted(answer.opened) == ["C1-01", "C1-02"]
    assert pickup_kiosk.doors_closed(deps, booking_id).still_open == ["C1-01", "C1-02"]
    for code in answer.opened:
        _lockers(deps).occupied.discard(code)
        _lockers(deps).close(code)
    receipt = pickup_kiosk.doors_closed(deps, booking_id)
    assert receipt.collected == ["S-1", "S-2"]
    assert _get(deps, booking_id).status is BookingStatus.COLLECTED
    assert [m[0] for m in moves(store)] == [
        "start_transport", "start_transport", "stage", "stage", "collect", "collect"
    ]  # fmt: skip
    assert {store.samples[s].state for s in ("S-1", "S-2")} == {SampleState.COLLECTED}


def test_unknown_expired_and_used_codes_get_the_same_answer(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps)
    _stage_all(deps, booking_id)
    code = _notes(deps).codes[booking_id]
    early = pickup_kiosk.enter_code(deps, "K1", code)
    _at_window(deps, booking_id)
    assert pickup_kiosk.enter_code(deps, "K1", code).verdict is KioskVerdict.ACCEPTED
    used = pickup_kiosk.enter_code(deps, "K2", code)
    unknown = pickup_kiosk.enter_code(deps, "K3", "000000")
    malformed = pickup_kiosk.enter_code(deps, "K4", "12ab")
    _clock(deps).advance(timedelta(days=4).total_seconds())
    expired = pickup_kiosk.enter_code(deps, "K5", code)
    assert early == used == unknown == malformed == expired
    assert early.verdict is KioskVerdict.REJECTED


def test_five_wrong_codes_lock_the_kiosk_then_the_right_code_works(
    deps: pickup.PickupDeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    booking_id = _book(deps)
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    code = _notes(deps).codes[booking_id]
    for _ in range(5):
        assert pickup_kiosk.enter_code(deps, "K1", "000001").verdict is KioskVerdict.REJECTED
        _clock(deps).advance(60)
    locked = pickup_kiosk.enter_code(deps, "K1", code)
    assert locked.verdict is KioskVerdict.LOCKED
    assert pickup_kiosk.enter_code(deps, "K2", "000002").verdict is KioskVerdict.REJECTED
    _clock(deps).advance(4 * 60)  # five minutes after the fifth wrong entry
    assert pickup_kiosk.enter_code(deps, "K1", code).verdict is KioskVerdict.ACCEPTED
    assert "000001" not in caplog.text
    assert code not in caplog.text
    assert caplog.text.count("rejected at kiosk") == 6


def test_ten_wrong_tries_naming_a_booking_revoke_and_reissue_its_code(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps)
    _at_window(deps, booking_id)
    first = _notes(deps).codes[booking_id]
    for i in range(10):
        pickup_kiosk.enter_code(deps, f"K{i}", "000003", booking_ref=booking_id)
    second = _notes(deps).codes[booking_id]
    assert second != first
    assert pickup_kiosk.enter_code(deps, "K99", first).verdict is KioskVerdict.REJECTED
    assert pickup_kiosk.enter_code(deps, "K99", second).verdict is KioskVerdict.ACCEPTED


def test_a_new_code_never_equals_a_live_one(deps: pickup.PickupDeps) -> None:
    deps.randbelow = Scripted(123456, 123456, 654321)
    first = _book(deps, {"S-1": S})
    second = _book(deps, {"S-2": S})
    assert _notes(deps).codes[first] == "123456"
    assert _notes(deps).codes[second] == "654321"


def test_two_kiosks_entering_the_same_code_at_once_exactly_one_wins(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps)
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    code = _notes(deps).codes[booking_id]
    answers: list[KioskVerdict] = []
    threads = [
        threading.Thread(
            target=lambda k=k: answers.append(pickup_kiosk.enter_code(deps, k, code).verdict)
        )
        for k in ("K1", "K2")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(answers) == [KioskVerdict.ACCEPTED, KioskVerdict.REJECTED]


def test_the_door_is_opened_once_while_the_carrier_is_on_its_way(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    pickup.request_staging(deps, booking_id)
    _carrier(deps).carry_sample("S-1", TaskState.CARRYING)
    loader = MemoryLoader(_lockers(deps))
    for _ in range(3):  # the job looks every few seconds until the robot arrives
        pickup.follow_staging(deps, loader, booking_id)
    assert _lockers(deps).opened == ["C1-01"]
    _lockers(deps).close("C1-01")  # someone shut it meanwhile: opened again for the robot
    pickup.follow_staging(deps, loader, booking_id)
    assert _lockers(deps).opened == ["C1-01", "C1-01"]


def test_jammed_door_at_loading_reroutes_to_another_compartment_then_the_counter(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps, {"S-1": S})
    assert pickup.request_staging(deps, booking_id) == {
        "S-1": Location(LocationKind.LOCKER_COMPARTMENT, "C1-01")
    }
    task_id = _carrier(deps).carry_sample("S-1", TaskState.CARRYING)
    _lockers(deps).jammed.update({"C1-01", "C1-02"})
    loader = MemoryLoader(_lockers(deps))
    pickup.follow_staging(deps, loader, booking_id)  # opened when its carrier has it
    [task] = [t for t in _tasks(deps, "S-1") if t.id == task_id]
    assert str(task.target) == "locker_compartment:C1-03"
    assert task.reason == "compartment C1-02 did not open"
    _lockers(deps).jammed.add("C1-03")
    _lockers(deps).open_doors.clear()
    deps.out_of_service.discard("C1-03")
    pickup.follow_staging(deps, loader, booking_id)
    [task] = [t for t in _tasks(deps, "S-1") if t.id == task_id]
    assert task.target == pickup.COUNTER
    assert len(_notes(deps).staff) == 3
    _carrier(deps).carry(task_id)  # a person hands it over at the counter, confirmed on /tasks
    assert pickup.follow_staging(deps, loader, booking_id) == {"S-1": pickup.COUNTER}
    assert _notes(deps).told[-1][1] == "pickup_at_counter"


def _tasks(deps: pickup.PickupDeps, sample: str) -> list[TransportTask]:
    assert deps.tasks is not None
    return deps.tasks.for_sample(sample)


def test_staff_hand_over_at_the_counter_only_what_is_there_after_the_code(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps, {"S-1": S})
    pickup.request_staging(deps, booking_id)
    task_id = _carrier(deps).carry_sample("S-1", TaskState.CARRYING)
    _lockers(deps).jammed.update({"C1-01", "C1-02", "C1-03"})
    loader = MemoryLoader(_lockers(deps))
    pickup.follow_staging(deps, loader, booking_id)  # every door jammed: on to the counter
    _carrier(deps).carry(task_id)
    assert pickup.follow_staging(deps, loader, booking_id) == {"S-1": pickup.COUNTER}
    assert pickup_kiosk.to_hand_over(deps, _get(deps, booking_id)) == []  # code not used yet
    with pytest.raises(InvalidValue, match="samples"):
        pickup_kiosk.collect_at_counter(deps, booking_id, ["S-1"])
    _at_window(deps, booking_id)
    answer = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    assert answer.at_counter == ["S-1"]
    assert pickup_kiosk.to_hand_over(deps, _get(deps, booking_id)) == ["S-1"]
    with pytest.raises(InvalidValue, match="S-2"):
        pickup_kiosk.collect_at_counter(deps, booking_id, ["S-1", "S-2"])
    assert _get(deps, booking_id).collected == []  # refused whole: nothing recorded
    assert pickup_kiosk.collect_at_counter(deps, booking_id, ["S-1", "S-1"]).collected == ["S-1"]
    assert _get(deps, booking_id).status is BookingStatus.COLLECTED
    assert pickup_kiosk.to_hand_over(deps, _get(deps, booking_id)) == []


def test_a_counter_hand_over_does_not_report_a_sample_left_in_a_locker_again(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps, {"S-1": S, "S-2": M})
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    _lockers(deps).jammed.add("C1-02")
    answer = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    assert (answer.opened, answer.failed) == (["C1-01"], ["C1-02"])
    _lockers(deps).close("C1-01")  # the customer left S-1 inside
    assert pickup_kiosk.doors_closed(deps, booking_id).left_behind == ["S-1"]
    left = [kind for kind, *_ in _notes(deps).staff if kind == "sample_left_in_locker"]
    assert pickup_kiosk.to_hand_over(deps, _get(deps, booking_id)) == ["S-2"]
    assert pickup_kiosk.collect_at_counter(deps, booking_id, ["S-2"]).collected == ["S-2"]
    assert (
        [k for k, *_ in _notes(deps).staff if k == "sample_left_in_locker"]
        == left
        == ["sample_left_in_locker"]
    )
    booking = _get(deps, booking_id)
    assert (booking.collected, booking.left_behind) == (["S-2"], ["S-1"])
    assert booking.status is BookingStatus.STAGED


def test_placement_needs_the_compartment_to_confirm_the_sample(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    pickup.request_staging(deps, booking_id)
    task_id = _carrier(deps).carry_sample("S-1", TaskState.DELIVERED)
    dropped = MemoryLoader(_lockers(deps), fails={"S-1"})
    assert pickup.follow_staging(deps, dropped, booking_id) == {}
    assert _get(deps, booking_id).status is BookingStatus.BOOKED
    _lockers(deps).reads_tags = True
    _lockers(deps).occupied.add("C1-01")  # something else is inside: its tag is not S-1's
    _lockers(deps).contents["C1-01"] = "S-2"
    _lockers(deps).close("C1-01")
    assert pickup.follow_staging(deps, dropped, booking_id) == {}
    _lockers(deps).contents["C1-01"] = giai_for_sample("S-1", "0614141").to_hex()
    assert pickup.follow_staging(deps, dropped, booking_id) == {
        "S-1": Location(LocationKind.LOCKER_COMPARTMENT, "C1-01")
    }
    [task] = [t for t in _tasks(deps, "S-1") if t.id == task_id]
    assert (task.state, task.confirmation) == (TaskState.DONE, Confirmation.RFID)
    assert _get(deps, booking_id).status is BookingStatus.STAGED


def test_sample_left_behind_is_reported_and_can_be_collected_later(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps)
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    answer = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    _lockers(deps).occupied.discard("C1-01")
    for code in answer.opened:
        _lockers(deps).close(code)
    receipt = pickup_kiosk.doors_closed(deps, booking_id)
    assert (receipt.collected, receipt.left_behind) == (["S-1"], ["S-2"])
    assert _notes(deps).staff[-1][0] == "sample_left_in_locker"
    assert pickup_kiosk.recover(deps) == []  # already settled
    pickup.issue_code(deps, CUSTOMER, booking_id)
    again = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    assert again.opened == ["C1-02"]


def test_jammed_door_at_pickup_is_reported_to_staff(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    _lockers(deps).jammed.add("C1-01")
    answer = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    assert answer.failed == ["C1-01"]
    assert _notes(deps).staff[-1][0] == "locker_fault_at_pickup"
    receipt = pickup_kiosk.collect_at_counter(deps, booking_id, ["S-1"])
    assert receipt.collected == ["S-1"]


def test_a_door_reported_jammed_that_opened_after_all_is_settled_by_its_sensors(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps, {"S-1": S, "S-2": S})
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    lockers = _lockers(deps)
    lockers.jammed.update({"C1-01", "C1-02"})  # both too slow to open before the timeout
    answer = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    assert answer.failed == ["C1-01", "C1-02"]
    lockers.open_doors.add("C1-01")  # ... one springs open after all; the other stays shut
    assert pickup_kiosk.doors_closed(deps, booking_id).still_open == ["C1-01"]
    assert pickup_kiosk.to_hand_over(deps, _get(deps, booking_id)) == ["S-1", "S-2"]
    lockers.occupied.discard("C1-01")  # the customer takes S-1 and shuts the door
    lockers.close("C1-01")
    receipt = pickup_kiosk.doors_closed(deps, booking_id)
    assert (receipt.collected, receipt.left_behind) == (["S-1"], [])
    booking = _get(deps, booking_id)
    assert booking.collected == ["S-1"]
    assert pickup_kiosk.to_hand_over(deps, booking) == ["S-2"]  # not what the customer took
    assert pickup_kiosk.collect_at_counter(deps, booking_id, ["S-2"]).collected == ["S-2"]
    assert _get(deps, booking_id).status is BookingStatus.COLLECTED


def test_power_loss_mid_pickup_is_rebuilt_from_the_sensors(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    _lockers(deps).unreachable = True  # the cabinet lost power while the door was open
    assert pickup_kiosk.recover(deps)[0].unreadable == ["C1-01"]
    _lockers(deps).unreachable = False
    _lockers(deps).occupied.discard("C1-01")
    _lockers(deps).close("C1-01")
    assert pickup_kiosk.recover(deps)[0].collected == ["S-1"]
    assert _get(deps, booking_id).status is BookingStatus.COLLECTED


def test_uncollected_samples_go_back_after_window_and_grace(
    deps: pickup.PickupDeps, store: MemoryStore
) -> None:
    booking_id = _book(deps)
    _stage_all(deps, booking_id)
    booking = _get(deps, booking_id)
    _clock(deps).at = booking.window.end + timedelta(days=3)
    assert pickup_kiosk.expire_overdue(deps) == []
    _clock(deps).advance(1)
    assert pickup_kiosk.expire_overdue(deps) == [booking_id]
    assert _get(deps, booking_id).status is BookingStatus.EXPIRED
    # a back-to-storage task each; they leave the compartments when a carrier picks them up
    assert [(t.kind.value, t.state.value) for t in _tasks(deps, "S-1")][-1] == (
        "back_to_storage",
        "created",
    )
    assert {store.samples[s].state for s in ("S-1", "S-2")} == {SampleState.STAGED}
    for sample in ("S-1", "S-2"):
        _carrier(deps).carry_sample(sample, TaskState.CARRYING)
    assert moves(store)[-2:] == [("expire_pickup", "S-1"), ("expire_pickup", "S-2")]
    assert {store.samples[s].state for s in ("S-1", "S-2")} == {SampleState.IN_TRANSIT}
    assert _notes(deps).told[-1][1] == "pickup_expired"
    code = _notes(deps).codes[booking_id]
    assert pickup_kiosk.enter_code(deps, "K1", code).verdict is KioskVerdict.REJECTED
    assert _book(deps)  # the customer may book again


def test_cancel_and_move(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    first_code = _notes(deps).codes[booking_id]
    later = pickup.offer(deps, [S], moving=booking_id)[3].window
    pickup.move(deps, CUSTOMER, booking_id, later)
    assert _get(deps, booking_id).window == later
    assert _notes(deps).codes[booking_id] != first_code
    pickup.cancel(deps, CUSTOMER, booking_id, "plans changed")
    assert _get(deps, booking_id).status is BookingStatus.CANCELLED


def test_scanning_the_qr_opens_and_a_forged_qr_counts_against_its_booking(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps, {"S-1": S})
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    forged = pickup_kiosk.enter_scan(deps, "K1", qr_payload(booking_id, "000009"))
    assert forged.verdict is KioskVerdict.REJECTED
    booking = _get(deps, booking_id)
    assert booking.code is not None
    assert booking.code.wrong_tries == 1
    assert pickup_kiosk.enter_scan(deps, "K1", "not ours").verdict is KioskVerdict.REJECTED
    real = qr_payload(booking_id, _notes(deps).codes[booking_id])
    assert pickup_kiosk.enter_scan(deps, "K1", real).opened == ["C1-01"]


def test_staging_is_due_a_lead_time_before_the_window(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    window = _get(deps, booking_id).window
    _clock(deps).at = window.start - deps.policy.staging_lead - timedelta(seconds=1)
    assert pickup.due_for_staging(deps) == []
    _clock(deps).advance(1)
    assert pickup.due_for_staging(deps) == [booking_id]


def test_late_staging_moves_the_booking_and_tells_the_customer(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    old = _get(deps, booking_id).window
    ready_at = old.end + timedelta(hours=1)
    new = pickup.reschedule_late(deps, booking_id, ready_at)
    assert new is not None
    assert new.start >= ready_at
    assert _get(deps, booking_id).window == new
    assert _notes(deps).told[-1][1] == "pickup_rescheduled"


def test_messages_are_chinese_first_with_english() -> None:
    assert render(translate, "pickup_receipt", {"samples": "S-1"}) == "已取走样品：S-1。"
    assert render(translate, "pickup_receipt", {"samples": "S-1"}, "en") == "Collected: S-1."
    assert render(translate, "kiosk_rejected", {}) == render(
        translate, "kiosk_rejected", {}, "zh-CN"
    )


def test_cancelling_withdraws_staging_tasks_not_yet_picked_up_and_reroutes_the_rest(
    deps: pickup.PickupDeps, store: MemoryStore
) -> None:
    booking_id = _book(deps, {"S-1": S, "S-2": M})
    pickup.request_staging(deps, booking_id)
    _carrier(deps).carry_sample("S-2", TaskState.CARRYING)
    pickup.cancel(deps, CUSTOMER, booking_id, "plans changed")
    [first] = _tasks(deps, "S-1")
    assert (first.state.value, first.reason) == ("cancelled", "pickup cancelled: plans changed")
    [second] = _tasks(deps, "S-2")
    assert (second.state.value, str(second.target)) == ("carrying", "storage_slot:*")
    _carrier(deps).carry(second.id, place="storage_slot:A-01-1-01")
    assert store.samples["S-2"].state is SampleState.STORED
