"""One instrument's whole journey through `samplehub serve`, in Chromium.

`samplehub serve` runs as a real subprocess on a fresh data folder with its default settings
(the demo site loaded on first start, the fleet worker with four simulated robots in process,
simulated lockers, the pickup job), the demo logins seeded by `samplehub seed --demo`. Two
things differ from a production start: the simulated robots drive 25× faster than the wall
clock (``fleet.time_scale``), and the server's wall clock is shifted to a weekday morning and,
after staging, to the booked window (``shifted_serve.py``), since pickup windows and codes
follow the institute's hours. The gauge goes: kiosk intake (hand entry) → put-away by robot →
stored in a real slot → lab request on /lab → robot to the bench → results, review, approval,
issue → send back → return by robot → stored → pickup booking on the customer's portal →
robot to the locker → code at the pickup kiosk → collected; the customer's timeline shows each
step with the robot, slot, bench and compartment.

The second test (robots at 8×, so that a kill finds one carrying) SIGKILLs the server while a
robot carries a sample, starts it again on the same folder, and sees the task finish exactly
once (on the sample page and in the records), and `samplehub audit verify` pass.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import CUSTOMER_A
from samplehub.app.services import Services
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import TaskState, TransportTask
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.simulation.serve_process import ServeProcess
from tests.e2e.samplehub.shifted_serve import write_shift
from tests.e2e.samplehub.test_lab_browser import (
    as_user,
    enter_readings,
    review_approve_issue,
    save_results,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
LogIn = Callable[[Page, str, str], None]
MOVE_S = 90  # one robot trip at 25× on a loaded machine, with room to spare
LAUNCHER = [sys.executable, str(Path(__file__).with_name("shifted_serve.py"))]
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


@dataclass
class Served:
    server: ServeProcess
    services: Services  # the test's own look at the same database
    clock_file: Path

    @property
    def url(self) -> str:
        return self.server.url


def _next_weekday_morning() -> datetime:
    """09:05 China time on the next Monday to Thursday ahead: the 09:30 window is offered."""
    day = datetime.now(UTC).replace(hour=1, minute=5, second=0, microsecond=0)
    day += timedelta(days=1)
    while day.weekday() > 3:
        day += timedelta(days=1)
    return day


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the module: started on an empty folder (it migrates the database and
    loads the demo site), then the demo logins seeded beside it."""
    folder = tmp_path_factory.mktemp("journey")
    clock_file = folder / "clock-shift"
    write_shift(clock_file, _next_weekday_morning())
    env = {"SAMPLEHUB_FLEET__TIME_SCALE": "25", "E2E_CLOCK_FILE": str(clock_file)}
    server = ServeProcess(folder / "data", env, command=LAUNCHER)
    server.folder.mkdir()
    server.start()
    seeded = server.run("seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    settings = Settings(
        data_dir=server.folder,
        database_url=f"sqlite:///{server.folder / 'samplehub.db'}",
        mqtt_url=None,
    )
    services = bootstrap.bootstrap(settings)
    yield Served(server, services, clock_file)
    server.stop()
    services.close()


def _sample(served: Served, number: str) -> Sample:
    return queries.get_sample(served.services.uow_factory, c.SYSTEM, number)


def _wait_for(served: Served, number: str, state: SampleState, what: str) -> Sample:
    """Wait (wall clock) until the robots have brought the sample into ``state``."""
    deadline = time.monotonic() + MOVE_S
    while (sample := _sample(served, number)).state is not state:
        assert sample.state is not SampleState.ON_HOLD, f"{what}: the sample was held"
        assert served.server.alive(), "samplehub serve exited"
        left = f"{what}: still {sample.state.value} at {sample.location}"
        assert time.monotonic() < deadline, left
        time.sleep(0.3)
    return sample


def _tasks(served: Served, number: str, kind: str) -> list[TransportTask]:
    with served.services.uow_factory() as uow:
        return [t for t in uow.tasks.for_sample(number) if t.kind.value == kind]


def _robot_of(served: Served, number: str, kind: str) -> str:
    tasks = _tasks(served, number, kind)
    assert tasks, f"no {kind} task"
    carrier = tasks[-1].carrier
    assert carrier is not None
    assert carrier.startswith("R0"), f"{kind} carried by {carrier}, not a robot"
    return carrier


def _hand_in(kiosk: Page) -> str:
    """A walk-in of a known company types the nameplate in and finishes: the receipt's number."""
    kiosk.fill("[data-testid=kiosk-credit-code]", CUSTOMER_A[1])
    kiosk.fill("[data-testid=kiosk-phone]", "13800000000")
    kiosk.get_by_test_id("kiosk-walkin-start").click()
    expect(kiosk.get_by_test_id("kiosk-who")).to_contain_text(CUSTOMER_A[0])
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
    lab = as_user(browser, url, "lab", log_in)
    lab.goto(f"{url}/lab")
    expect(lab.get_by_test_id("queue-pressure")).to_contain_text(number)
    lab.get_by_test_id(f"request-{number}").click()
    expect(lab.get_by_test_id("requested")).to_contain_text(number)
    _wait_for(served, number, SampleState.IN_LAB, "to the bench")
    lab.goto(f"{url}/lab")
    expect(lab.get_by_test_id("bench-P-01")).to_contain_text(number)

    lab.get_by_test_id(f"work-{number}").click()
    enter_readings(lab)
    cert = save_results(lab)
    review_approve_issue(browser, url, cert, log_in)

    lab.goto(f"{url}/lab")
    lab.get_by_test_id(f"return-{number}").click()
    expect(lab.get_by_test_id("returning")).to_contain_text(number)
    return cert


def _book(customer: Page, url: str, order: str) -> tuple[str, datetime]:
    customer.goto(f"{url}/pickup")
    form = customer.get_by_test_id(f"ready-{order}")
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


def _collect(kiosk: Page, url: str, code: str, number: str) -> None:
    kiosk.goto(f"{url}/kiosk/pickup")
    for digit in code:
        kiosk.locator(f".keypad .key[data-key='{digit}']").click()
    kiosk.get_by_test_id("code-submit").click()
    expect(kiosk.get_by_test_id("lit")).to_have_count(1)
    still_open, collected = kiosk.get_by_test_id("still-open"), kiosk.get_by_test_id("collected")
    deadline = time.monotonic() + 60  # the simulated customer empties the door after 8 s
    while True:
        time.sleep(2)
        kiosk.get_by_test_id("doors-closed").click()
        expect(still_open.or_(collected)).to_be_visible()
        if still_open.count() == 0:
            break
        assert time.monotonic() < deadline, "the door is still open"
    expect(collected).to_have_text(number)


def test_one_gauge_from_the_kiosk_to_the_customer_by_robot_in_serve(
    served: Served, browser: Browser, log_in: LogIn
) -> None:
    url = served.url
    kiosk = as_user(browser, url, "kiosk", log_in)
    number = _hand_in(kiosk)
    order = _sample(served, number).order_number

    stored = _wait_for(served, number, SampleState.STORED, "put-away")
    slot = stored.location.code
    put_away_by = _robot_of(served, number, "put_away")

    cert = _lab_work(browser, served, number, log_in)
    to_bench_by = _robot_of(served, number, "to_bench")
    back = _wait_for(served, number, SampleState.STORED, "return")
    return_slot = back.location.code
    returned_by = _robot_of(served, number, "return")

    customer = as_user(browser, url, "cust-a", log_in)
    code, start = _book(customer, url, order)
    _wait_for(served, number, SampleState.STAGED, "to the locker")  # staging began at booking
    compartment = _sample(served, number).location.code
    to_locker_by = _robot_of(served, number, "to_locker")
    _until_ready(customer, url)

    write_shift(served.clock_file, start + timedelta(minutes=1))  # the booked window opens
    _collect(kiosk, url, code, number)
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


def test_an_admin_sees_the_running_installation_on_the_status_page(
    served: Served, browser: Browser, log_in: LogIn
) -> None:
    admin = as_user(browser, served.url, "admin", log_in)
    admin.get_by_test_id("nav-status").click()
    expect(admin.locator("h1")).to_have_text("系统状态")
    rows = admin.get_by_test_id("status-checks").locator("tbody tr")
    expect(rows).to_have_count(7)
    expect(admin.locator('tr[data-part="storage"]')).to_have_attribute("data-level", "ok")
    fleet = admin.locator('tr[data-part="fleet"]')
    expect(fleet).to_have_attribute("data-level", "ok")
    expect(fleet).to_contain_text("台机器人全部在线")  # the robots serve runs, all answering
    backup = admin.locator('tr[data-part="backup"]')
    expect(backup).to_have_attribute("data-level", "warn")  # no backup.folder by default
    expect(backup).to_contain_text("backup.folder")


def _steps(served: Served, task_id: str) -> list[str]:
    with served.services.uow_factory() as uow:
        records = uow.audit.records()
    return [
        json.loads(r.payload)["state"]
        for r in records
        if r.event_type == "TransportTaskChanged"
        and json.loads(r.payload).get("task_id") == task_id
    ]


def test_serve_killed_mid_transport_finishes_the_task_once_after_restart(
    served: Served, browser: Browser, log_in: LogIn
) -> None:
    served.server.stop()  # slower robots, so that the kill finds one carrying
    served.server.env["SAMPLEHUB_FLEET__TIME_SCALE"] = "8"
    served.server.start()
    url = served.url
    number = _hand_in(as_user(browser, url, "kiosk", log_in))
    (task,) = _tasks(served, number, "put_away")
    deadline = time.monotonic() + MOVE_S
    while (state := _tasks(served, number, "put_away")[0].state) is not TaskState.CARRYING:
        assert state is not TaskState.DONE, "done before the kill: the robots are too fast"
        assert time.monotonic() < deadline, f"never carried: {state.value}"
        time.sleep(0.1)
    served.server.kill()
    assert _sample(served, number).state is SampleState.IN_TRANSIT
    served.server.start()
    stored = _wait_for(served, number, SampleState.STORED, "after the restart")

    staff = as_user(browser, url, "warehouse", log_in)
    staff.goto(f"{url}/samples/{number}")
    timeline = staff.get_by_test_id("timeline")
    expect(timeline.locator(".tl-item").first).to_contain_text(f"货位 {stored.location.code}")
    expect(timeline.get_by_text(f"{task.id}: 搬运完成")).to_have_count(1)
    assert _steps(served, task.id) == [
        "created", "assigned", "picking", "carrying", "delivered", "done",
    ]  # fmt: skip
    audit = served.server.run("audit", "verify")
    assert audit.returncode == 0, audit.stderr
    assert "audit chain intact" in audit.stdout
