"""Failure injection on SQLite and PostgreSQL: every former double write is one transaction now.

Each test lets a repository (or the custody chain) fail in the middle of a command, after the
command's first rows were written, and shows that nothing is half-written: every table holds
exactly what it held before the command.

* a certificate step and its custody record (entered, reviewed, approved, issued);
* a pickup collection: the booking and each sample collected;
* a recall reminder's claim (or release) and its custody record;
* a code entry at the pickup kiosk: the attempt log, the kiosk's guard and the booking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from samplehub.app import bootstrap
from samplehub.app import demo as app_demo
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.services import Services
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import FixedClock, PlainHasher
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.service import commands as c
from samplehub.core.service.notifications import Channel, Notice
from samplehub.lab.domain import demo as metrology
from samplehub.lab.domain.certificate import APPROVER_ROLE, Actor, Status
from samplehub.lab.service import commands as lc
from samplehub.lab.service.certificates import WorkHeader
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.booking import BookingStatus
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher, kiosk_bucket, qr_payload
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.commands import RequestStaging
from samplehub.pickup.service.kiosk import KioskVerdict
from samplehub.recall.service.commands import ClaimReminder, ReleaseReminder
from samplehub.simulation.carrier import InstantCarrier

NOW = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in China
ENTRANT = Actor("lab", "检定员 王工", frozenset({"lab"}))
REVIEWER = Actor("lab2", "核验员 李工", frozenset({"lab"}))
APPROVER = Actor("approver", "批准人 张主任", frozenset({APPROVER_ROLE}))


World = Any  # conftest's FaultyWorld: services whose repositories fail on demand


@pytest.fixture
def world(faulty_world: World) -> World:
    return faulty_world


def _entered(sample: str, number: str) -> lc.CertificateCommand:
    content = metrology.gauge_content()
    instrument = replace(content.instrument, type_code="pressure_gauge")
    header = WorkHeader(
        sample, content.customer, "", instrument, content.standards, content.environment,
        NOW.date(),
    )  # fmt: skip
    points = metrology.PASSING_POINTS
    return lc.RecordGaugeReadings(
        c.SYSTEM, ENTRANT, NOW, header, metrology.GAUGE, points, [Decimal(0)]
    )


STEPS: dict[str, Callable[[str, str], lc.CertificateCommand]] = {
    "entered": _entered,
    "reviewed": lambda sample, number: lc.ReviewCertificate(c.SYSTEM, REVIEWER, NOW, number),
    "approved": lambda sample, number: lc.ApproveCertificate(c.SYSTEM, APPROVER, NOW, number),
    "issued": lambda sample, number: lc.IssueCertificate(c.SYSTEM, APPROVER, NOW, number),
}


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("failing", ["audit.append", "certificates.save"])
def test_a_certificate_step_and_its_custody_record_commit_together(
    world: World, step: str, failing: str
) -> None:
    """The custody append fails after the certificate row was written (or the row's write
    fails after the sequence moved on): neither is kept."""
    handle = world.services.bus.handle
    sample = seed_demo(world.services)["sample_a5"]
    number = ""
    for earlier in list(STEPS)[: list(STEPS).index(step)]:
        done = handle(STEPS[earlier](sample, number))
        number = done.number if earlier == "entered" else number
    world.fault.arm(*failing.split("."))
    world.unchanged_by(lambda: handle(STEPS[step](sample, number)))
    assert world.services.lab is not None
    if number:
        stored = world.services.lab.deps.certificates.get(number)
        assert stored is not None
        before = {"reviewed": Status.DRAFT, "approved": Status.REVIEWED, "issued": Status.APPROVED}
        assert stored.status is before[step]


def _ready_samples(services: Services, count: int) -> tuple[str, str, list[str]]:
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = bus.handle(
        c.CreateOrder(
            c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表", "quantity": count}]
        )
    )
    numbers = []
    for _ in range(count):
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
        for transition, where in [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:R1"),
            ("deliver_to_lab", "lab_bench:B1"),
            ("complete_service", None),
            ("start_transport", "robot:R1"),
            ("store", "storage_slot:A-01-1-01"),
        ]:
            bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
        numbers.append(number)
    return customer, order, numbers


def _pickup(world: World) -> pickup.PickupDeps:
    return pickup_wiring.pickup_deps(
        world.services,
        MemoryLockers([Compartment(f"C1-0{n}", CompartmentSize.M) for n in range(1, 5)]),
        ListNotifier(),
        FixedClock(NOW),
        CodeHasher(b"integration-key-0123456789"),
        PickupPolicy(opening=time(9), closing=time(17)),
    )


def _booked(world: World, deps: pickup.PickupDeps, count: int) -> tuple[str, list[str]]:
    customer, order, samples = _ready_samples(world.services, count)
    sizes = dict.fromkeys(samples, CompartmentSize.M)
    window = pickup.offer(deps, list(sizes.values()))[0].window
    booking_id = pickup.book(deps, c.SYSTEM, order, customer, sizes, window)
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = window.start
    return booking_id, samples


@pytest.mark.parametrize("failing", ["second sample", "custody append"])
def test_a_collection_writes_the_booking_and_every_sample_in_one_transaction(
    world: World, failing: str
) -> None:
    """At the counter two samples are handed over: the booking is written, then the samples
    (the second one fails to load), or all rows are written and the custody chain fails."""
    deps = _pickup(world)
    booking_id, samples = _booked(world, deps, 2)
    carrier = InstantCarrier(world.services.bus.handle, world.services.uow_factory)
    for sample in samples:  # staff carry them to the counter and hand them over (on /tasks)
        deps.handle(RequestStaging(pickup.STAFF, booking_id, sample, pickup.COUNTER))
        carrier.carry_sample(sample)
    placed = pickup.follow_staging(deps, MemoryLoader(deps.lockers), booking_id)
    assert sorted(placed) == sorted(samples)
    assert isinstance(deps.notifier, ListNotifier)
    answer = pickup_kiosk.enter_code(deps, "K1", deps.notifier.codes[booking_id])
    assert answer.verdict is KioskVerdict.ACCEPTED
    if failing == "second sample":
        world.fault.arm("samples", "get", lambda number: number == samples[1])
    else:
        world.fault.arm("audit", "append")
    world.unchanged_by(lambda: pickup_kiosk.collect_at_counter(deps, booking_id, samples))
    booking = deps.bookings.get(booking_id)
    assert booking is not None
    assert (booking.status, booking.collected) == (BookingStatus.STAGED, [])
    with world.services.uow_factory() as uow:
        found = [uow.samples.get(s) for s in samples]
    assert {s.state for s in found if s is not None} == {SampleState.STAGED}


def _notice() -> Notice:
    return Notice(Channel.SMS, "13905910001", "到期提醒", "…", "recall:ZS2026-000001:30:sms:1390")


def test_a_reminder_claim_and_its_custody_record_commit_together(world: World) -> None:
    handle = world.services.bus.handle
    claim = ClaimReminder(c.SYSTEM, _notice(), "ZS2026-000001", "JX2026-000005", 30, NOW)
    world.fault.arm("audit", "append")
    world.unchanged_by(lambda: handle(claim))
    assert handle(claim) is True  # the key was not taken by the failed claim
    assert handle(claim) is False


def test_a_reminder_release_and_its_custody_record_commit_together(world: World) -> None:
    handle = world.services.bus.handle
    notice = _notice()
    assert handle(ClaimReminder(c.SYSTEM, notice, "ZS2026-000001", "JX2026-000005", 30, NOW))
    release = ReleaseReminder(
        c.SYSTEM, notice, "ZS2026-000001", "JX2026-000005", 30, "gateway answered 503", NOW
    )
    world.fault.arm("audit", "append")
    world.unchanged_by(lambda: handle(release))
    with world.services.uow_factory() as uow:
        assert uow.reminders.keys() == {notice.key}  # still claimed: nothing half-done


@pytest.mark.parametrize("entry", ["wrong code naming the booking", "right code"])
def test_a_code_attempt_the_kiosk_guard_and_the_booking_commit_together(
    world: World, entry: str
) -> None:
    """The attempt log fails after the wrong-code counts (and the booking) were written: none
    is kept."""
    deps = _pickup(world)
    booking_id, _ = _booked(world, deps, 1)
    assert isinstance(deps.notifier, ListNotifier)
    code = deps.notifier.codes[booking_id]
    pickup_kiosk.enter_code(deps, "K1", "000000")  # the kiosk's count: one wrong entry
    world.fault.arm("code_attempts", "record")
    if entry == "right code":
        world.unchanged_by(lambda: pickup_kiosk.enter_code(deps, "K1", code))
    else:
        forged = qr_payload(booking_id, "000009")
        world.unchanged_by(lambda: pickup_kiosk.enter_scan(deps, "K1", forged))
    bucket, _ = kiosk_bucket("K1", deps.clock.now(), deps.wrong_codes)
    with world.services.uow_factory() as uow:
        wrong = uow.wrong_counts.value(bucket)
        booking = uow.bookings.get(booking_id)
    assert wrong == 1
    assert booking is not None
    assert booking.code is not None
    assert (booking.code.used_at, booking.code.wrong_tries) == (None, 0)
    assert pickup_kiosk.enter_code(deps, "K2", code).verdict is KioskVerdict.ACCEPTED


def test_the_served_app_holds_one_engine(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `samplehub demo` wires (services, demo seeding, lab, pickup) opens one engine, so
    the process holds one connection pool to the database."""
    from samplehub.app.demo import seed_demo_certificates
    from samplehub.core.adapters.db import uow as sql_uow
    from samplehub.pickup.adapters.lockers.memory import MemoryLoader

    made_engines: list[str] = []
    make_engine = sql_uow.make_engine

    def counting(url: str, data_dir: Any = None) -> Engine:
        made_engines.append(url)
        return make_engine(url, data_dir)

    monkeypatch.setattr(sql_uow, "make_engine", counting)
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    seeding = app_demo.demo_seed_services(settings, services)
    made = seed_demo(seeding)
    seed_demo_certificates(seeding, made, seeding.clock.now())
    lockers = MemoryLockers([Compartment("C1-01", CompartmentSize.M)])
    side = pickup_wiring.pickup_app(settings, services, lockers=(lockers, MemoryLoader(lockers)))
    assert side.deps.bookings.live() == []
    assert services.lab is not None
    assert services.lab.deps.certificates.find(sample_id=made["sample_a5"])
    side.close()
    services.close()
    assert len(made_engines) == 1
