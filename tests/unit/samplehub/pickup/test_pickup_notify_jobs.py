"""The pickup notifier over the outbox (delivered by the outbox's deliverer), the
staging/expiry job, the return to storage after an expired pickup, and the QR renderer."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time, timedelta

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.memory import FixedClock, MemoryStore, MemoryUnitOfWork, PlainHasher
from samplehub.core.adapters.notifications.memory import RecordingSender
from samplehub.core.domain.lifecycle import SampleState, Transition
from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Channel as OrderChannel
from samplehub.core.domain.model import (
    Customer,
    Instrument,
    Order,
    OrderItem,
    Sample,
    Service,
)
from samplehub.core.domain.transport import Confirmation, TaskState
from samplehub.core.service import commands as c
from samplehub.core.service.delivery import Deliverer
from samplehub.core.service.notifications import Channel, Notice
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.adapters.qr import qr_svg
from samplehub.pickup.domain.booking import BookingStatus
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import jobs as pickup_jobs
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.commands import RequestStaging
from samplehub.pickup.service.deps import StoredBookings
from samplehub.pickup.service.kiosk import KioskVerdict
from samplehub.pickup.service.notify import NoticePickupNotifier, staff_of
from samplehub.simulation.carrier import InstantCarrier
from samplehub.web.i18n import translate

S, M = CompartmentSize.S, CompartmentSize.M
MONDAY_8_CST = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
PHONE = "13905910001"


def stored_sample(store: MemoryStore, number: str, slot: str = "storage_slot:A-01-1-07") -> None:
    """A sample of order WT-1, serviced and back in ``slot`` (its custody record says so)."""
    with MemoryUnitOfWork(store) as uow:
        if uow.orders.get("WT-1") is None:
            uow.customers.add(Customer("cust-1", "恒达", "91350100M000100Y43", []))
            uow.orders.add(
                Order("WT-1", "cust-1", Service.CALIBRATION, OrderChannel.ONLINE,
                      [OrderItem("压力表")], MONDAY_8_CST)
            )  # fmt: skip
        sample = Sample.register(number, "WT-1", "cust-1", Instrument("压力表"), "k", MONDAY_8_CST)
        uow.samples.add(sample)
        for transition, where in [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:R1"),
            ("deliver_to_lab", "lab_bench:B1"),
            ("complete_service", None),
            ("start_transport", "robot:R1"),
            ("store", slot),
        ]:
            location = Location.parse(where) if where else None
            sample.apply(Transition(transition), actor="k", at=MONDAY_8_CST, location=location)
        uow.commit()


class Delivered:
    """The SMS channel as the customer sees it: reading ``sent`` first runs a delivery round
    of the outbox (what serve's worker does on its own)."""

    def __init__(self) -> None:
        self.sender = RecordingSender(Channel.SMS, fail_for=frozenset({"broken"}))
        self.deliverer: Deliverer | None = None

    @property
    def sent(self) -> list[Notice]:
        assert self.deliverer is not None
        self.deliverer.run_once()
        return self.sender.sent


@pytest.fixture
def sms() -> Delivered:
    return Delivered()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def deps(sms: Delivered, store: MemoryStore) -> pickup.PickupDeps:
    clock = FixedClock(MONDAY_8_CST)
    stored_sample(store, "S-1")
    lockers = MemoryLockers([Compartment("C1-01", S), Compartment("C1-02", M)])
    recipients = {"cust-1": [(Channel.SMS, PHONE)], "cust-2": [(Channel.SMS, "broken")]}
    services = bootstrap.bootstrap(
        Settings(),
        uow_factory=lambda: MemoryAppUnitOfWork(store),
        clock=clock,
        hasher=PlainHasher(),
    )
    sms.deliverer = Deliverer(services.uow_factory, {Channel.SMS: sms.sender}, clock)
    return pickup_wiring.pickup_deps(
        services,
        lockers,
        NoticePickupNotifier(
            services.uow_factory,
            clock,
            texts=translate,
            staff=staff_of([(Channel.SMS, "staff")], translate),
            recipients=lambda cid: recipients.get(cid, []),
        ),
        clock,
        CodeHasher(b"test-key-test-key-test-key"),
        PickupPolicy(opening=time(9), closing=time(17)),
    )


def _book(deps: pickup.PickupDeps, customer: str = "cust-1", sample: str = "S-1") -> str:
    window = pickup.offer(deps, [M])[0].window
    return pickup.book(deps, c.SYSTEM, "WT-1", customer, {sample: M}, window)


def _code(sms: Delivered) -> str:
    found = re.search(r"取件码 (\d{6})", sms.sent[-1].body)
    assert found is not None
    return found.group(1)


def test_the_code_goes_only_in_the_code_notice_in_both_languages(
    deps: pickup.PickupDeps, sms: Delivered, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    booking_id = _book(deps)
    notice = sms.sent[-1]
    code = _code(sms)
    assert notice.recipient == PHONE
    assert f"Your pickup code is {code}" in notice.body
    assert f"SHP1:{booking_id}:{code}" in notice.body  # the QR's text
    assert code not in caplog.text
    assert deps.attempts is not None
    pickup_kiosk.enter_code(deps, "K1", "123")
    assert deps.attempts.recent(1)[0].reason == "malformed"


def test_a_failing_channel_is_logged_and_the_booking_stands(
    deps: pickup.PickupDeps, sms: Delivered, caplog: pytest.LogCaptureFixture
) -> None:
    booking_id = _book(deps, customer="cust-2")
    assert deps.bookings.get(booking_id) is not None
    assert not [n for n in sms.sent if n.recipient == "broken"]
    assert "attempt 1 failed (refused by the fake); now pending" in caplog.text
    assert "broken" not in caplog.text  # recipients are masked in the log


def test_staff_alerts_repeat_with_distinct_keys(deps: pickup.PickupDeps, sms: Delivered) -> None:
    deps.notifier.alert_staff("kiosk_locked", {"kiosk": "K1"})
    assert isinstance(deps.clock, FixedClock)
    deps.clock.advance(60)
    deps.notifier.alert_staff("kiosk_locked", {"kiosk": "K1"})
    staff = [n for n in sms.sent if n.recipient == "staff"]
    assert len(staff) == 2
    assert staff[0].key != staff[1].key
    assert "Pickup kiosk K1 is locked" in staff[0].body


def test_the_job_stages_due_bookings_and_tells_the_customer(
    deps: pickup.PickupDeps, sms: Delivered
) -> None:
    booking_id = _book(deps)
    booking = deps.bookings.get(booking_id)
    assert booking is not None
    loader = MemoryLoader(deps.lockers)  # type: ignore[arg-type]
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = booking.window.start - deps.policy.staging_lead - timedelta(minutes=1)
    assert pickup_jobs.run_due(deps, loader).empty  # not yet due
    deps.clock.advance(120)
    report = pickup_jobs.run_due(deps, loader)  # the task, at once: nobody waits for it here
    assert report.requested == {booking_id: {"S-1": "locker_compartment:C1-02"}}
    assert report.staged == {}
    carrier = _carrier(deps)
    task_id = carrier.carry_sample("S-1", TaskState.CARRYING)
    assert pickup_jobs.run_due(deps, loader).empty  # the door is opened for the carrier
    assert "C1-02" in deps.lockers.open_doors  # type: ignore[attr-defined]
    before = len(sms.sent)
    carrier.carry(task_id, TaskState.DELIVERED)
    report = pickup_jobs.run_due(deps, loader)
    assert report.staged == {booking_id: {"S-1": "locker_compartment:C1-02"}}
    staged = deps.bookings.get(booking_id)
    assert staged is not None
    assert staged.status is BookingStatus.STAGED
    assert len(sms.sent) == before + 1  # told only now, once the compartment confirmed it
    assert "are in the pickup locker" in sms.sent[-1].body
    assert pickup_jobs.run_due(deps, loader).empty  # nothing left to do
    [task] = [t for t in deps.tasks.for_sample("S-1") if t.id == task_id]  # type: ignore[union-attr]
    # the Modbus-like memory cabinet has only a presence bit
    assert (task.state, task.confirmation) == (TaskState.DONE, Confirmation.PRESENCE_ONLY)


def _carrier(deps: pickup.PickupDeps) -> InstantCarrier:
    assert isinstance(deps.bookings, StoredBookings)
    return InstantCarrier(deps.handle, deps.bookings.uow_factory)


def test_a_late_booking_is_moved_to_a_later_window_with_a_new_code(
    deps: pickup.PickupDeps, sms: Delivered
) -> None:
    booking_id = _book(deps)
    first = _code(sms)
    booking = deps.bookings.get(booking_id)
    assert booking is not None
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = booking.window.start - timedelta(seconds=30)  # staging takes 90 s
    report = pickup_jobs.run_due(deps, MemoryLoader(deps.lockers))  # type: ignore[arg-type]
    assert report.rescheduled == [booking_id]
    moved = deps.bookings.get(booking_id)
    assert moved is not None
    assert moved.window.start > booking.window.start
    assert any("pickup moved" in n.body for n in sms.sent)
    assert _code_sent_after(sms, first)


def _code_sent_after(sms: Delivered, first: str) -> bool:
    codes = [m.group(1) for n in sms.sent if (m := re.search(r"取件码 (\d{6})", n.body))]
    return len(codes) == 2 and codes[0] == first


def test_the_job_expires_overdue_bookings(
    deps: pickup.PickupDeps, sms: Delivered, store: MemoryStore
) -> None:
    booking_id = _book(deps)
    loader = MemoryLoader(deps.lockers)  # type: ignore[arg-type]
    booking = deps.bookings.get(booking_id)
    assert booking is not None
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = booking.window.start - timedelta(hours=1)
    pickup_jobs.run_due(deps, loader)
    _carrier(deps).carry_sample("S-1", TaskState.DELIVERED)
    pickup_jobs.run_due(deps, loader)
    deps.clock.at = booking.window.end + timedelta(days=3, seconds=1)
    assert pickup_jobs.run_due(deps, loader).expired == [booking_id]
    # a back-to-storage task: the sample moves when a carrier picks it up
    assert store.samples["S-1"].state is SampleState.STAGED
    _carrier(deps).carry_sample("S-1", place="storage_slot:A-01-1-07")
    moves = [r.payload for r in store.audit if r.event_type == "SampleTransitioned"]
    assert '"transition":"expire_pickup"' in moves[-2]
    assert store.samples["S-1"].state is SampleState.STORED
    assert "went back to storage" in sms.sent[-1].body
    code = re.search(r"取件码 (\d{6})", sms.sent[0].body)
    assert code is not None
    answer = pickup_kiosk.enter_code(deps, "K1", code.group(1))
    assert answer.verdict is KioskVerdict.REJECTED


def test_an_expired_pickup_goes_back_by_a_task_to_the_slot_its_carrier_names(
    deps: pickup.PickupDeps, store: MemoryStore
) -> None:
    booking_id = _book(deps)
    deps.handle(RequestStaging(pickup.STAFF, booking_id, "S-1", pickup.COUNTER))
    carrier = _carrier(deps)
    carrier.carry_sample("S-1")  # handed over at the counter
    pickup.follow_staging(deps, MemoryLoader(deps.lockers), booking_id)  # type: ignore[arg-type]
    assert store.samples["S-1"].state is SampleState.STAGED
    booking = deps.bookings.get(booking_id)
    assert booking is not None
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = booking.window.end + timedelta(days=3, seconds=1)
    assert pickup_kiosk.expire_overdue(deps) == [booking_id]
    # the booking's expiry and the back-to-storage task commit together; nothing moved yet
    assert [r.event_type for r in store.audit][-2:] == ["PickupExpired", "TransportTaskChanged"]
    assert store.samples["S-1"].state is SampleState.STAGED
    task_id = carrier.task_of("S-1")
    carrier.carry(task_id, place="storage_slot:A-01-1-07")  # the carrier names the slot
    assert store.samples["S-1"].state is SampleState.STORED
    assert str(store.samples["S-1"].location) == "storage_slot:A-01-1-07"
    moves = [r.payload for r in store.audit if r.event_type == "SampleTransitioned"]
    assert '"transition":"expire_pickup"' in moves[-2]
    assert '"transition":"store"' in moves[-1]


def test_the_qr_svg_is_a_square_grid_of_modules() -> None:
    svg = qr_svg("SHP1:abc:123456")
    assert svg.startswith("<svg")
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))  # type: ignore[union-attr]
    assert size >= 21 + 8  # version 1 is 21 modules, plus the quiet zone
    assert "script" not in svg
    assert "style" not in svg
    assert svg.count("h1v1h-1z") > 100
