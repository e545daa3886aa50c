"""One instrument's whole journey through the running product, in Chromium.

The app is assembled as ``samplehub serve`` assembles it (the demo site loaded on first start,
the fleet worker with simulated robots in process, the kiosk, the pickup side with simulated
lockers and its background job), on a fresh SQLite database with the demo logins. The robots
run at their top speed (5 m/s) and the pickup job every second so the test is quick; the pickup
clock is shifted to the booked window's staging lead. The gauge goes: kiosk intake (hand
entry) → put-away by robot → stored in a real slot → lab request on /lab → robot to the bench
→ results, review, approval and issue on /lab → send back → return by robot → stored →
pickup booking on the customer's portal → robot to the locker → code at the pickup kiosk →
collected; the customer's timeline shows each step with the robot, slot, bench and compartment.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from samplehub.app import jobs
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring import intake as intake_wiring
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.model import Sample
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.pickup.adapters.clock import ShiftedClock
from samplehub.web.app import create_app
from tests.e2e.samplehub.test_lab_browser import FIELDS, READINGS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
LogIn = Callable[[Page, str, str], None]
MOVE_S = 240  # one robot trip on a loaded machine, simulated robots at wall-clock time
GAUGE = {
    "instrument_type": "弹簧管压力表",
    "manufacturer": "上海自动化仪表四厂",
    "model": "Y-100",
    "serial_number": "JOURNEY-01",
    "range_min": "0",
    "range_max": "1.6",
    "unit": "MPa",
    "accuracy_class": "1.6",
}

ITEM = {k: GAUGE[k] for k in ("instrument_type", "model", "serial_number")}


@dataclass(frozen=True)
class Served:
    url: str
    services: Services
    clock: ShiftedClock
    order: str


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    serve_module: Callable[[object], str],
    demo_settings: Callable[[Path], Settings],
) -> Iterator[Served]:
    from samplehub.app import bootstrap

    settings = demo_settings(tmp_path_factory.mktemp("journey")).model_copy(
        update={
            "fleet": Settings().fleet.model_copy(update={"speed": 5.0}),
            "pickup": Settings().pickup.model_copy(update={"job_seconds": 1.0}),
        }
    )
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    assert storage_wiring.ensure_site(settings, services) is not None  # serve's first start
    made = seed_demo(services)
    order = services.bus.handle(c.CreateOrder(c.SYSTEM, made["customer_a"], "verification", [ITEM]))
    fleet = fleet_wiring.fleet_supervisor(settings, services)
    assert fleet is not None  # robots are the default mode
    kiosk = intake_wiring.build_kiosk(settings, services)
    clock = ShiftedClock()
    pickup = pickup_wiring.pickup_app(settings, services, clock=clock)
    stop_job = jobs.start_pickup_job(pickup, settings.pickup.job_seconds)
    fleet.start()
    url = serve_module(create_app(services, settings, fleet, kiosk, pickup))
    yield Served(url, services, clock, order)
    stop_job()
    fleet.stop()
    pickup.close()
    services.close()


def _sample(served: Served, number: str) -> Sample:
    return queries.get_sample(served.services.uow_factory, c.SYSTEM, number)


def _wait_for(served: Served, number: str, state: SampleState, what: str) -> Sample:
    """Wait (wall clock) until the robots have brought the sample into ``state``."""
    deadline = time.monotonic() + MOVE_S
    while (sample := _sample(served, number)).state is not state:
        assert sample.state is not SampleState.ON_HOLD, f"{what}: the sample was held"
        left = f"{what}: still {sample.state.value} at {sample.location}"
        assert time.monotonic() < deadline, left
        time.sleep(0.5)
    return sample


def _robot_of(served: Served, number: str, kind: str) -> str:
    with served.services.uow_factory() as uow:
        tasks = [t for t in uow.tasks.for_sample(number) if t.kind.value == kind]
    assert tasks, f"no {kind} task"
    carrier = tasks[-1].carrier
    assert carrier is not None
    assert carrier.startswith("R0"), f"{kind} carried by {carrier}, not a robot"
    return carrier


def _as(browser: Browser, url: str, username: str, log_in: LogIn) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    log_in(page, url, username)
    return page


def _hand_in(kiosk: Page, served: Served) -> str:
    """The customer scans the order's QR code, types the nameplate in and finishes."""
    kiosk.locator("[data-testid=kiosk-order-input]").press_sequentially(f"SH:ORDER:{served.order}")
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("[data-testid=kiosk-order]")).to_have_text(served.order)
    kiosk.get_by_test_id("kiosk-manual").click()
    for name, value in GAUGE.items():
        kiosk.fill(f"[data-testid=field-{name}]", value)
    kiosk.get_by_test_id("kiosk-confirm").click()
    expect(kiosk.get_by_test_id("kiosk-line")).to_have_count(1)
    kiosk.get_by_test_id("kiosk-finish").click()
    expect(kiosk.get_by_test_id("kiosk-receipt-line")).to_have_count(1)
    return kiosk.locator("[data-testid=kiosk-receipt-line] td").first.inner_text().strip()


def _lab_work(browser: Browser, served: Served, number: str, log_in: LogIn) -> str:
    """Request to a bench, wait for the robot, enter the results, review, approve, issue."""
    url = served.url
    lab = _as(browser, url, "lab", log_in)
    lab.goto(f"{url}/lab")
    expect(lab.get_by_test_id("queue-pressure")).to_contain_text(number)
    lab.get_by_test_id(f"request-{number}").click()
    expect(lab.get_by_test_id("requested")).to_contain_text(number)
    _wait_for(served, number, SampleState.IN_LAB, "to the bench")
    lab.goto(f"{url}/lab")
    expect(lab.get_by_test_id("bench-P-01")).to_contain_text(number)

    lab.get_by_test_id(f"work-{number}").click()
    for row, readings in enumerate(READINGS):
        for name, value in zip(FIELDS, readings, strict=True):
            lab.fill(f"input[name=p{row}_{name}]", value)
    lab.fill("input[name=zero_before]", "0")
    lab.fill("input[name=zero_after]", "0.002")
    lab.get_by_test_id("save-results").click()
    expect(lab.get_by_test_id("lab-done")).to_contain_text("结果已录入")
    cert = lab.locator("[data-testid=sample-certificates] [data-cert]").first.get_attribute(
        "data-cert"
    )
    assert cert is not None
    reviewer = _as(browser, url, "lab2", log_in)
    reviewer.goto(f"{url}/lab")
    reviewer.get_by_test_id(f"review-{cert}").click()
    expect(reviewer.get_by_test_id("lab-done")).to_have_text("证书已核验")
    approver = _as(browser, url, "approver", log_in)
    approver.goto(f"{url}/lab")
    approver.get_by_test_id(f"approve-{cert}").click()
    expect(approver.get_by_test_id("lab-done")).to_have_text("证书已批准")
    approver.get_by_test_id(f"issue-{cert}").click()
    expect(approver.get_by_test_id("lab-done")).to_have_text("证书已签发")

    lab.goto(f"{url}/lab")
    lab.get_by_test_id(f"return-{number}").click()
    expect(lab.get_by_test_id("returning")).to_contain_text(number)
    return cert


def _book(customer: Page, served: Served) -> tuple[str, datetime]:
    customer.goto(f"{served.url}/pickup")
    form = customer.get_by_test_id(f"ready-{served.order}")
    expect(form).to_be_visible()
    start = form.get_by_test_id("window").locator("option").first.get_attribute("value")
    assert start is not None
    form.get_by_test_id("book").click()
    code = customer.get_by_test_id("pickup-code").inner_text().strip()
    assert len(code) == 6
    return code, datetime.fromisoformat(start)


def _until_ready(customer: Page, url: str) -> None:
    """The customer reloads the portal until the compartment has confirmed the sample."""
    deadline = time.monotonic() + MOVE_S
    while True:
        customer.goto(f"{url}/pickup")
        status = customer.get_by_test_id("booking-status").inner_text().strip()
        if status == "已备好，可取件":
            return
        assert time.monotonic() < deadline, f"the booking is still {status}"
        time.sleep(1)


def _collect(kiosk: Page, served: Served, code: str, number: str) -> None:
    kiosk.goto(f"{served.url}/kiosk/pickup")
    for digit in code:
        kiosk.locator(f".keypad .key[data-key='{digit}']").click()
    kiosk.get_by_test_id("code-submit").click()
    expect(kiosk.get_by_test_id("lit")).to_have_count(1)
    deadline = time.monotonic() + 60  # the simulated customer empties the door after 8 s
    while True:
        time.sleep(2)
        kiosk.get_by_test_id("doors-closed").click()
        if kiosk.get_by_test_id("still-open").count() == 0 or time.monotonic() > deadline:
            break
    expect(kiosk.get_by_test_id("collected")).to_have_text(number)


def test_one_gauge_from_the_kiosk_to_the_customer_by_robot(
    served: Served, browser: Browser, log_in: LogIn
) -> None:
    url = served.url
    kiosk = _as(browser, url, "kiosk", log_in)
    number = _hand_in(kiosk, served)

    stored = _wait_for(served, number, SampleState.STORED, "put-away")
    slot = stored.location.code
    put_away_by = _robot_of(served, number, "put_away")

    cert = _lab_work(browser, served, number, log_in)
    to_bench_by = _robot_of(served, number, "to_bench")
    back = _wait_for(served, number, SampleState.STORED, "return")
    return_slot = back.location.code
    returned_by = _robot_of(served, number, "return")

    customer = _as(browser, url, "cust-a", log_in)
    code, start = _book(customer, served)
    served.clock.jump_to(start - timedelta(hours=1))  # inside the staging lead: the job stages
    _wait_for(served, number, SampleState.STAGED, "to the locker")
    compartment = _sample(served, number).location.code
    to_locker_by = _robot_of(served, number, "to_locker")
    _until_ready(customer, url)

    served.clock.jump_to(start + timedelta(minutes=5))
    _collect(kiosk, served, code, number)
    assert _sample(served, number).state is SampleState.COLLECTED

    customer.goto(f"{url}/samples/{number}")
    timeline = customer.get_by_test_id("timeline")
    expect(timeline.locator(".tl-item").first).to_contain_text("已取件")
    text = timeline.inner_text()
    for shown in (
        "自助送样平台收样",
        f"货位 {slot}",
        f"货位 {return_slot}",
        "实验室工位 P-01",
        f"证书已签发 {cert}",
        compartment,
    ):
        assert shown in text, shown
    for robot in {put_away_by, to_bench_by, returned_by, to_locker_by}:
        assert robot in text, robot
    assert queries.verify_audit(served.services.uow_factory).ok
