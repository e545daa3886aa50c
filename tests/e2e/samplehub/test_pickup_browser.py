"""Pickup end to end in Chromium: book on the portal, staging, the kiosk against a simulated
Modbus locker (a pymodbus server on a local port), the lockout, and the uncollected path.

The pickup clock is injected (``ShiftedClock``) so a test can jump to the window, past the
lockout and past the grace period. At the end of each test every sample's state and place must
agree with its last custody record, and the chain must verify.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.services import Services
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.notifications.memory import RecordingSender
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.transport import TaskState
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.notifications import Channel, Notice
from samplehub.core.service.ports import SampleFilter
from samplehub.pickup.adapters.clock import ShiftedClock
from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
from samplehub.pickup.adapters.lockers.register_map import LockerBank, load_bank
from samplehub.pickup.domain.codes import KioskGuard
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service.app import PickupApp
from samplehub.simulation.carrier import InstantCarrier
from samplehub.simulation.lockers import SimulatedLoader, SimulatedLocker
from samplehub.web.app import create_app

# Each test drives three logged-in pages through a whole pickup; on the shared, loaded CI machine
# that has taken up to 5 minutes, so the limit is wider than the suite's default.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
LogIn = Callable[[Page, str, str], None]
CABINET = Path(__file__).parents[2] / "fixtures" / "samplehub" / "modbus" / "cabinet-generic-8.yaml"


def _sent(world: World) -> list[Notice]:
    """What the customer's phone received: a delivery round of the outbox first (what serve's
    worker does on its own every few seconds)."""
    world.pickup.deliver()
    return world.sms.sent


@dataclass
class World:
    url: str
    services: Services
    pickup: PickupApp
    sim: SimulatedLocker
    clock: ShiftedClock
    sms: RecordingSender
    order: str
    samples: list[str]


def _next_monday_8_cst() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())  # 00:00 UTC is 08:00 in China


def _ready_order(services: Services, customer_id: str, count: int) -> tuple[str, list[str]]:
    """An order of ``count`` gauges, calibrated and back in storage: ready for pickup."""
    bus = services.bus
    rack = uuid.uuid4().hex[:4].upper()
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, customer_id, "calibration", [{"instrument_type": "压力表"}])
    )
    numbers = []
    for i in range(count):
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
        for transition, where in [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:AMR-01"),
            ("deliver_to_lab", "lab_bench:P-01"),
            ("complete_service", None),
            ("start_transport", "robot:AMR-01"),
            ("store", f"storage_slot:{rack}-01-1-0{i + 1}"),
        ]:
            bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
        numbers.append(number)
    return order, numbers


@dataclass
class Site:
    url: str
    services: Services
    pickup: PickupApp
    sim: SimulatedLocker
    clock: ShiftedClock
    sms: RecordingSender
    customer_id: str
    weeks: int = 0


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory,
    demo_settings: Callable[[Path], Settings],
    serve_module: Callable[[object], str],
) -> Iterator[Site]:
    """One served app for the module (seeding the demo logins is the slow part)."""
    settings = demo_settings(tmp_path_factory.mktemp("pickup-e2e"))
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    model = load_bank(CABINET).cabinets["C1"].model
    sim = SimulatedLocker(model, sensor_delay_s=0.02).start()
    controller = ModbusLockerController(LockerBank({"C1": sim.cabinet("C1")}))
    clock = ShiftedClock()
    sms = RecordingSender(Channel.SMS)
    side = pickup_wiring.pickup_app(
        settings,
        services,
        clock=clock,
        lockers=(controller, SimulatedLoader({"C1": sim})),
        senders=[sms],
    )
    url = serve_module(create_app(services, settings, pickup=side))
    yield Site(url, services, side, sim, clock, sms, made["customer_a"])
    side.close()
    controller.close()
    sim.stop()
    services.close()


@pytest.fixture
def world(site: Site) -> World:
    """A fresh order of two samples ready for pickup, the clock on a Monday 08:00 (China) a week
    after the last test's, a fresh kiosk guard, and nothing left over from an earlier test."""
    site.weeks += 1
    site.clock.jump_to(_next_monday_8_cst() + timedelta(weeks=site.weeks))
    for booking in site.pickup.deps.bookings.live():
        pickup.cancel(site.pickup.deps, c.SYSTEM, booking.id, "left over by an earlier test")
    with site.services.uow_factory() as uow:
        uow.kiosk_guards.save(KioskGuard("kiosk"))
        uow.commit()
    site.pickup.deps.out_of_service.clear()
    for door in site.sim.doors:
        site.sim.take(door)
        site.sim.close(door)
    order, samples = _ready_order(site.services, site.customer_id, 2)
    return World(
        site.url, site.services, site.pickup, site.sim, site.clock, site.sms, order, samples
    )


@pytest.fixture(scope="module")
def signed_in(browser: Browser, site: Site, log_in: LogIn) -> Iterator[Callable[[str], Page]]:
    """One logged-in page per user for the whole module (each login costs an Argon2 check)."""
    pages: dict[str, Page] = {}

    def page_of(username: str) -> Page:
        if username not in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            pages[username] = context.new_page()
            log_in(pages[username], site.url, username)
        return pages[username]

    yield page_of
    for page in pages.values():
        page.context.close()


def _book(page: Page, world: World, samples: list[str] | None = None) -> tuple[str, datetime]:
    """Book the order's samples in its first window; returns the code shown and the window."""
    page.goto(f"{world.url}/pickup")
    form = page.get_by_test_id(f"ready-{world.order}")
    expect(form).to_be_visible()
    if samples is not None:
        for box in form.locator("input[name=samples]").all():
            if box.get_attribute("value") not in samples:
                box.uncheck()
    start = form.get_by_test_id("window").locator("option").first.get_attribute("value")
    assert start is not None
    form.get_by_test_id("book").click()
    code = page.get_by_test_id("pickup-code").inner_text().strip()
    assert len(code) == 6
    assert code.isdigit()
    expect(page.get_by_test_id("pickup-qr").locator("svg")).to_be_visible()
    assert code not in page.url
    return code, datetime.fromisoformat(start)


def _run_job(staff: Page, world: World) -> str:
    staff.goto(f"{world.url}/pickup/staff")
    staff.get_by_test_id("run-job").click()
    return staff.get_by_test_id("job-report").inner_text()


def _stage_by_robot(world: World) -> None:
    """The job makes the to-locker tasks; a robot carries them; the job confirms them."""
    world.pickup.run_due()
    carrier = InstantCarrier(world.services.bus.handle, world.services.uow_factory)
    for number in world.samples:
        with world.services.uow_factory() as uow:
            tasks = [t.id for t in uow.tasks.for_sample(number) if t.is_open]
        for task_id in tasks:
            carrier.carry(task_id, TaskState.CARRYING)
            world.pickup.run_due()  # opens the compartment for the robot
            carrier.carry(task_id, TaskState.DELIVERED)
    world.pickup.run_due()


def _carry_on_the_tasks_page(person: Page, world: World) -> None:
    """Claim each to-locker task on /tasks, scan the label at the shelf and at the locker."""
    person.goto(f"{world.url}/tasks?kind=to_locker")
    for number in world.samples:
        row = person.locator("[data-testid=tasks-open] tr", has_text=number)
        task_id = row.get_attribute("data-task")
        assert task_id is not None
        person.get_by_test_id(f"claim-{task_id}").click()
        expect(person.get_by_test_id("tasks-done")).to_have_text("任务已认领，请去取样。")
        person.get_by_test_id(f"pickup-scan-{task_id}").fill(world.samples[0])
        person.get_by_test_id(f"pickup-{task_id}").click()  # the wrong label: refused
        if number != world.samples[0]:
            expect(person.get_by_test_id("tasks-error")).to_contain_text(
                f"样品 {number} 的标签或 RFID 标签（扫到的不是这件样品）"
            )
            person.get_by_test_id(f"pickup-scan-{task_id}").fill(number)
            person.get_by_test_id(f"pickup-{task_id}").click()
        person.get_by_test_id(f"deliver-scan-{task_id}").fill(number)
        person.get_by_test_id(f"deliver-{task_id}").click()
        expect(person.get_by_test_id("tasks-done")).to_have_text("已确认送达。")


def _enter(kiosk: Page, world: World, code: str) -> None:
    kiosk.goto(f"{world.url}/kiosk/pickup")
    for digit in code:
        kiosk.locator(f".keypad .key[data-key='{digit}']").click()
    kiosk.get_by_test_id("code-submit").click()


def _door(compartment: str) -> int:
    return int(compartment.rsplit("-", 1)[1])


def _consistent(world: World) -> None:
    """Every sample's state and place agree with its last custody record; the chain verifies."""
    assert queries.verify_audit(world.services.uow_factory).ok
    with world.services.uow_factory() as uow:
        samples = uow.samples.search(SampleFilter(limit=500)).items
        records = uow.audit.records()
    assert samples
    for sample in samples:
        moves = [
            json.loads(r.payload)
            for r in records
            if r.sample_number == sample.number and r.event_type == "SampleTransitioned"
        ]
        if sample.state is SampleState.REGISTERED:
            assert not moves
            continue
        assert moves[-1]["to_state"] == sample.state.value, sample.number
        if moves[-1]["location"]:
            assert moves[-1]["location"] == str(sample.location), sample.number
    for record in records:
        for code in (n.body for n in _sent(world) if "取件码" in n.subject):
            digits = code.split("取件码 ", 1)[1][:6]
            assert digits not in record.payload


def _states(world: World) -> dict[str, SampleState]:
    with world.services.uow_factory() as uow:
        found = {n: uow.samples.get(n) for n in world.samples}
    return {n: s.state for n, s in found.items() if s is not None}


def test_book_on_the_portal_stage_and_collect_at_the_kiosk(
    world: World, signed_in: Callable[[str], Page]
) -> None:
    customer = signed_in("cust-a")
    code, start = _book(customer, world)
    customer.goto(f"{world.url}/pickup")
    expect(customer.get_by_test_id("booking-status")).to_have_text("已预约，待备货")

    world.clock.jump_to(start - timedelta(hours=1))  # inside the staging lead
    staff = signed_in("admin")
    assert "已备货 0" in _run_job(staff, world)  # to-locker tasks made: nobody waits for them
    assert set(_states(world).values()) == {SampleState.STORED}
    _carry_on_the_tasks_page(signed_in("warehouse"), world)  # manual mode: a person carries
    assert set(_states(world).values()) == {SampleState.STAGED}  # delivered, not yet confirmed
    expect(customer.get_by_test_id("booking-status")).to_have_text("已预约，待备货")
    assert "已备货 1" in _run_job(staff, world)  # the compartments confirmed them: ready
    customer.goto(f"{world.url}/pickup?lang=en")
    expect(customer.get_by_test_id("booking-status")).to_have_text("Ready in the locker")

    world.clock.jump_to(start + timedelta(minutes=5))
    kiosk = signed_in("kiosk")
    _enter(kiosk, world, code)
    lit = kiosk.get_by_test_id("lit")
    expect(lit).to_have_count(2)
    opened = [t.strip() for t in lit.all_inner_texts()]
    for compartment in opened:
        assert world.sim.is_open(_door(compartment))
    kiosk.get_by_test_id("doors-closed").click()  # too early: the doors are still open
    expect(kiosk.get_by_test_id("still-open")).to_be_visible()
    for compartment in opened:
        world.sim.take(_door(compartment))
        world.sim.close(_door(compartment))
    kiosk.get_by_test_id("doors-closed").click()
    expect(kiosk.get_by_test_id("collected")).to_have_count(2)
    assert sorted(kiosk.get_by_test_id("collected").all_inner_texts()) == world.samples
    assert set(_states(world).values()) == {SampleState.COLLECTED}
    assert any("Collected" in n.body for n in _sent(world))

    _enter(kiosk, world, code)  # a used code gets the same answer as any wrong one
    expect(kiosk.get_by_test_id("kiosk-error")).to_have_text("取件码无效或已过期，请核对后重试。")
    _consistent(world)


def test_five_wrong_codes_lock_the_kiosk_until_the_lock_expires(
    world: World, signed_in: Callable[[str], Page]
) -> None:
    customer = signed_in("cust-a")
    code, start = _book(customer, world, samples=world.samples[:1])  # partial pickup
    world.clock.jump_to(start - timedelta(minutes=30))
    _stage_by_robot(world)
    world.clock.jump_to(start + timedelta(minutes=1))
    kiosk = signed_in("kiosk")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        _enter(kiosk, world, wrong)
        expect(kiosk.get_by_test_id("kiosk-error")).to_have_text(
            "取件码无效或已过期，请核对后重试。"
        )
    kiosk.goto(f"{world.url}/kiosk/pickup")
    kiosk.fill("#kiosk-entry", code)
    kiosk.press("#kiosk-entry", "Enter")  # as a keyboard-wedge scanner would
    expect(kiosk.get_by_test_id("kiosk-error")).to_contain_text("输入错误次数过多")
    expect(kiosk.get_by_test_id("code-entry")).to_be_disabled()
    assert not any(world.sim.is_open(d) for d in world.sim.doors)

    world.clock.shift(timedelta(minutes=5, seconds=1))
    qr = next(  # the text of the QR code sent with the code, read by the kiosk's scanner
        line[4:]
        for n in reversed(_sent(world))
        for line in n.body.splitlines()
        if line.startswith("QR: ") and line.endswith(code)
    )
    kiosk.goto(f"{world.url}/kiosk/pickup")
    kiosk.fill("#kiosk-entry", qr)
    kiosk.press("#kiosk-entry", "Enter")
    lit = kiosk.get_by_test_id("lit")
    expect(lit).to_have_count(1)
    door = _door(lit.inner_text().strip())
    world.sim.take(door)
    world.sim.close(door)
    kiosk.get_by_test_id("doors-closed").click()
    expect(kiosk.get_by_test_id("collected")).to_have_text(world.samples[0])
    states = _states(world)
    assert states[world.samples[0]] is SampleState.COLLECTED
    assert states[world.samples[1]] is SampleState.STORED  # the rest can be booked later
    customer.goto(f"{world.url}/pickup")
    expect(customer.get_by_test_id(f"ready-{world.order}")).to_contain_text(world.samples[1])

    staff = signed_in("admin")
    staff.goto(f"{world.url}/pickup/staff")
    attempts = staff.get_by_test_id("attempt")
    expect(attempts.first).to_contain_text("已接受")
    assert code not in staff.locator("table").all_inner_texts()[-1]
    _consistent(world)


def test_an_uncollected_sample_goes_back_to_storage(
    world: World, signed_in: Callable[[str], Page]
) -> None:
    customer = signed_in("cust-a")
    code, start = _book(customer, world)
    world.clock.jump_to(start - timedelta(minutes=90))
    _stage_by_robot(world)
    assert set(_states(world).values()) == {SampleState.STAGED}

    world.clock.jump_to(start + timedelta(days=3, hours=1))  # window and 3 days' grace over
    staff = signed_in("admin")
    assert "退库 1" in _run_job(staff, world)
    assert set(_states(world).values()) == {SampleState.STAGED}  # until a carrier takes them
    carrier = InstantCarrier(world.services.bus.handle, world.services.uow_factory)
    for i, number in enumerate(world.samples):
        carrier.carry_sample(number, place=f"storage_slot:A-01-1-0{i + 1}")
    with world.services.uow_factory() as uow:
        places = {n: uow.samples.get(n) for n in world.samples}
    for i, number in enumerate(world.samples):
        sample = places[number]
        assert sample is not None
        assert sample.state is SampleState.STORED
        assert str(sample.location).endswith(f"-01-1-0{i + 1}")
        assert str(sample.location).startswith("storage_slot:")
    assert any("went back to storage" in n.body for n in _sent(world))

    world.clock.shift(timedelta(minutes=1))
    kiosk = signed_in("kiosk")
    _enter(kiosk, world, code)  # the revoked code opens nothing
    expect(kiosk.get_by_test_id("kiosk-error")).to_be_visible()
    customer.goto(f"{world.url}/pickup")
    expect(customer.get_by_test_id(f"ready-{world.order}")).to_be_visible()  # book again
    _consistent(world)


def test_at_the_counter_staff_hand_over_once_the_customer_used_the_code(
    world: World, signed_in: Callable[[str], Page]
) -> None:
    """Every compartment out of service: the samples are staged to the counter. The kiosk sends
    the customer there; staff find them on /pickup/staff and hand them over."""
    deps = world.pickup.deps
    deps.out_of_service.update(one.code for one in deps.lockers.compartments())
    customer = signed_in("cust-a")
    code, start = _book(customer, world)
    world.clock.jump_to(start - timedelta(hours=1))
    world.pickup.run_due()  # to-counter tasks made
    carrier = InstantCarrier(world.services.bus.handle, world.services.uow_factory)
    for number in world.samples:
        carrier.carry_sample(number)  # carried and confirmed at the counter, as on /tasks
    world.pickup.run_due()
    staff = signed_in("warehouse")
    staff.goto(f"{world.url}/pickup/staff")
    expect(staff.get_by_test_id("hand-over")).to_have_count(0)  # not before the code

    world.clock.jump_to(start + timedelta(minutes=5))
    kiosk = signed_in("kiosk")
    _enter(kiosk, world, code)
    expect(kiosk.get_by_test_id("opened-view")).to_contain_text("请到服务台领取")
    staff.goto(f"{world.url}/pickup/staff")
    staff.get_by_test_id("hand-over").get_by_role("button").click()
    expect(staff.get_by_test_id("handed-over")).to_contain_text(world.samples[1])
    assert set(_states(world).values()) == {SampleState.COLLECTED}
    _consistent(world)
