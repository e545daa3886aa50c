"""The lab console over in-memory fakes: queues, bench requests, scans, returns, recall rules."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.core.adapters.memory import FixedClock, MemoryStore, MemoryUnitOfWork, PlainHasher
from samplehub.core.domain import audit
from samplehub.core.domain.epc import giai_for_sample
from samplehub.core.domain.errors import Forbidden, InvalidValue, NotFound
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Channel as OrderChannel
from samplehub.core.domain.model import (
    Contact,
    Customer,
    Instrument,
    Order,
    OrderItem,
    Role,
    Sample,
)
from samplehub.core.domain.model import Service as OrderService
from samplehub.core.domain.transport import Confirmation, TaskKind
from samplehub.core.service import transport
from samplehub.core.service.commands import Actor, AdvanceTask
from samplehub.core.service.places import AnyPlace
from samplehub.lab.adapters.certificates.memory import InMemoryDocumentStore
from samplehub.lab.adapters.metrology_rules.loader import load_rule_book
from samplehub.lab.adapters.metrology_rules.standards import load_standards
from samplehub.lab.adapters.results_import.readers import SheetResultsReader
from samplehub.lab.domain import demo
from samplehub.lab.domain.errors import FourEyesError, WorkflowError
from samplehub.lab.service.bench import parse_request, request_reason
from samplehub.lab.service.certificates import LabDeps, StoredCertificates
from samplehub.lab.service.console import (
    OTHER,
    ConsoleConfig,
    LabConsole,
    split_customer_intervals,
    type_code_for,
)
from samplehub.lab.service.desk import CertificateDesk, WorkConditions
from samplehub.recall.domain.recall import reminder_days, reminder_due
from tests.unit.samplehub.lab.fakes import CustodyFails, FakeDcc, FakeRenderer

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LAB = Actor("lab", Role.LAB)
RULES = load_rule_book()
CONFIG = ConsoleConfig.of(["pressure", "temperature"], ["P-01", "T-01"], 10)


def stored(store: MemoryStore, number: str, instrument_type: str) -> None:
    with MemoryUnitOfWork(store) as uow:
        if uow.orders.get("WT2026-000001") is None:
            uow.customers.add(Customer("c1", "示例公司", "91350100M000100Y43", []))
            uow.orders.add(
                Order(
                    "WT2026-000001",
                    "c1",
                    OrderService.VERIFICATION,
                    OrderChannel.ONLINE,
                    [OrderItem("压力表")],
                    datetime(2026, 11, 1, tzinfo=UTC),
                )
            )
        sample = Sample.register(
            number, "WT2026-000001", "c1", Instrument(instrument_type), "k", NOW
        )
        sample.state = SampleState.STORED
        sample.location = Location(LocationKind.STORAGE_SLOT, f"A-01-1-{number[-2:]}")
        sample.updated_at = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
        uow.samples.add(sample)
        uow.commit()


def lab_on(
    store: MemoryStore, uow: type[MemoryAppUnitOfWork] = MemoryAppUnitOfWork
) -> tuple[LabConsole, CertificateDesk]:
    """The console and the desk over the bus, on units of work of type ``uow``."""

    def factory() -> MemoryAppUnitOfWork:
        return uow(store)

    clock = FixedClock(NOW)
    deps = LabDeps(
        StoredCertificates(factory),
        FakeRenderer(),
        InMemoryDocumentStore(),
        FakeDcc(),
        SheetResultsReader(),
        RULES,
    )
    services = bootstrap.bootstrap(
        Settings(), uow_factory=factory, clock=clock, hasher=PlainHasher(), lab=deps
    )
    handle = services.bus.handle
    return (
        LabConsole(handle, factory, clock, RULES, CONFIG),
        CertificateDesk(deps, handle, factory, clock, load_standards(), {}),
    )


@pytest.fixture
def console() -> LabConsole:
    store = MemoryStore()
    stored(store, "JX2026-000001", "弹簧管压力表")
    stored(store, "JX2026-000002", "数字温度计")
    stored(store, "JX2026-000003", "数字多用表")
    return lab_on(store)[0]


def test_instrument_types_are_matched_by_name_then_keyword() -> None:
    assert type_code_for(RULES, "pressure_gauge", CONFIG) == "pressure_gauge"
    assert type_code_for(RULES, "数字温度计", CONFIG) == "digital_thermometer"
    assert type_code_for(RULES, "YZ 压力真空表", CONFIG) == "pressure_vacuum_gauge"
    assert type_code_for(RULES, "真空表", CONFIG) == "vacuum_gauge"
    assert type_code_for(RULES, "压力变送器", CONFIG) is None


def test_queues_group_by_discipline_with_due_date_and_age(console: LabConsole) -> None:
    view = console.view(LAB)
    assert list(view.queues) == ["pressure", "temperature", OTHER]
    [gauge] = view.queues["pressure"]
    assert gauge.sample.number == "JX2026-000001"
    assert gauge.due == datetime(2026, 11, 11, tzinfo=UTC)  # ordered 1 Nov + 10 days
    assert gauge.waiting.days == 3
    # electrical is not a configured queue here: the multimeter waits under "other"
    assert [w.sample.number for w in view.queues[OTHER]] == ["JX2026-000003"]


def tasks_of(console: LabConsole, number: str) -> list[tuple[str, str, str, str | None]]:
    with console.uow_factory() as uow:
        return [
            (t.kind.value, t.state.value, str(t.target), t.carrier)
            for t in uow.tasks.for_sample(number)
        ]


def test_request_makes_a_to_bench_task_and_the_scan_finishes_it(console: LabConsole) -> None:
    console.request_to_bench(LAB, "JX2026-000001", "P-01")
    assert tasks_of(console, "JX2026-000001") == [("to_bench", "created", "lab_bench:P-01", None)]
    view = console.view(LAB)
    assert view.queues["pressure"] == []
    [on_way] = view.requested
    # still in its slot: nobody has picked it up yet
    assert (on_way.bench, on_way.assignee, str(on_way.sample.location)) == (
        "P-01",
        "lab",
        "storage_slot:A-01-1-01",
    )
    epc = giai_for_sample("JX2026-000001", "0614141").to_hex()
    arrived = console.confirm_arrival(LAB, epc)  # the lab member fetched it: the carrier
    assert str(arrived.location) == "lab_bench:P-01"
    assert tasks_of(console, "JX2026-000001") == [
        ("to_bench", "done", "lab_bench:P-01", "staff:lab")
    ]
    with console.uow_factory() as uow:
        [task] = uow.tasks.for_sample("JX2026-000001")
        assert task.confirmation is Confirmation.SCAN
    view = console.view(LAB)
    assert [(w.sample.number, w.assignee) for w in view.benches["P-01"]] == [
        ("JX2026-000001", "lab")
    ]
    console.send_back(LAB, "JX2026-000001")
    sample = console.sample(LAB, "JX2026-000001")
    # calibrated, waiting at the bench for its return carrier
    assert (sample.state, sample.service_completed) == (SampleState.CALIBRATED, True)
    assert str(sample.location) == "lab_bench:P-01"
    assert tasks_of(console, "JX2026-000001")[-1] == ("return", "created", "storage_slot:*", None)
    assert [w.sample.number for w in console.view(LAB).returning] == ["JX2026-000001"]


def test_a_robot_carries_to_the_bench_and_the_scan_confirms(console: LabConsole) -> None:
    console.request_to_bench(LAB, "JX2026-000001", "P-01")
    robot = Actor("fleet", Role.WAREHOUSE)
    with console.uow_factory() as uow:
        [task] = uow.tasks.for_sample("JX2026-000001")
    for to in ("assigned", "picking", "carrying"):
        console.handle(
            AdvanceTask(robot, task.id, to, carrier="AMR-01" if to == "assigned" else None)
        )
    with pytest.raises(InvalidValue, match="AMR-01 has it"):
        console.confirm_arrival(LAB, "JX2026-000001")  # the robot is still on its way
    console.handle(AdvanceTask(robot, task.id, "delivered"))
    assert str(console.sample(LAB, "JX2026-000001").location) == "lab_bench:P-01"
    console.confirm_arrival(LAB, "JX2026-000001")
    assert tasks_of(console, "JX2026-000001") == [("to_bench", "done", "lab_bench:P-01", "AMR-01")]


def test_lab_staff_carry_only_to_and_from_benches(console: LabConsole) -> None:
    with console.uow_factory() as uow:
        sample = uow.samples.get("JX2026-000002")
        assert sample is not None
        task = transport.request(
            uow, AnyPlace(), sample, TaskKind.RELOCATE,
            Location(LocationKind.STORAGE_SLOT, "B-01-1-01"), actor="admin", at=NOW,
        )  # fmt: skip
        uow.commit()
    with pytest.raises(Forbidden):
        console.handle(AdvanceTask(LAB, task.id, "assigned", carrier="staff:lab"))


def test_refusals_name_what_was_wrong_and_change_nothing(console: LabConsole) -> None:
    with pytest.raises(InvalidValue, match="bench"):
        console.request_to_bench(LAB, "JX2026-000001", "X-99")
    with pytest.raises(InvalidValue, match="requested to a bench"):
        console.confirm_arrival(LAB, "JX2026-000001")  # never requested
    with pytest.raises(NotFound):
        console.confirm_arrival(LAB, "JX2026-999999")
    with pytest.raises(InvalidValue, match="on a lab bench"):
        console.send_back(LAB, "JX2026-000001")
    with pytest.raises(Forbidden):
        console.view(Actor("cust", Role.CUSTOMER, "c1"))
    assert console.sample(LAB, "JX2026-000001").state is SampleState.STORED


def test_request_reason_round_trips_and_other_reasons_do_not_parse() -> None:
    assert parse_request(request_reason("P-01", "lab2")) == ("P-01", "lab2")
    assert parse_request("lab-return") is None
    assert parse_request(None) is None


def test_customer_intervals_setting() -> None:
    assert split_customer_intervals("A1:pressure_gauge=3,vacuum_gauge=4; B2:pressure_gauge=2") == {
        "A1": {"pressure_gauge": 3, "vacuum_gauge": 4},
        "B2": {"pressure_gauge": 2},
    }
    with pytest.raises(InvalidValue, match="type=months"):
        split_customer_intervals("A1:pressure_gauge=three")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 4, 19), None),  # 31 days before
        (date(2027, 4, 20), 30),  # exactly 30 days before
        (date(2027, 5, 12), 30),  # 8 days before: still the 30-day one is the most urgent
        (date(2027, 5, 13), 7),  # exactly 7 days before
        (date(2027, 5, 19), 7),  # the day before
        (date(2027, 5, 20), None),  # due today: overdue lists, no reminder
    ],
)
def test_the_most_urgent_reminder_whose_day_has_come(today: date, expected: int | None) -> None:
    assert reminder_due(date(2027, 5, 20), today, (30, 7)) == expected


def test_reminder_days_setting() -> None:
    assert reminder_days(Settings(recall={"reminder_days": "7, 30, 7"}).recall.reminder_days) == (
        30,
        7,
    )
    with pytest.raises(ValidationError, match="reminder_days"):
        Settings(recall={"reminder_days": "30,0"})


def test_contact_email_is_optional_and_checked() -> None:
    assert Contact("陈经理", "13905910001").email is None
    assert Contact("陈经理", "13905910001", "chen@hengda.example").email == "chen@hengda.example"
    with pytest.raises(InvalidValue, match=r"contact\.email"):
        Contact("陈经理", "13905910001", "chen-at-hengda")


def steps(store: MemoryStore, number: str) -> list[tuple[str, str]]:
    with MemoryUnitOfWork(store) as uow:
        records = uow.audit.records(sample_number=number)
    return [
        (json.loads(r.payload)["step"], r.actor)
        for r in records
        if r.event_type == "CertificateStep"
    ]


def test_certificate_steps_land_in_the_custody_chain_and_refusals_add_nothing() -> None:
    store = MemoryStore()
    stored(store, "JX2026-000001", "弹簧管压力表")
    console, desk = lab_on(store)
    lab, lab2, approver = LAB, Actor("lab2", Role.LAB), Actor("approver", Role.APPROVER)
    sample = console.sample(lab, "JX2026-000001")
    header = desk.header(
        sample, "pressure_gauge", WorkConditions("20", "50", "P-01"), "(0～1.6) MPa", "1.6级"
    )
    assert header.standards[0].identifier == "STD-P-0007"  # the pressure bench's standard
    certificate = desk.record_gauge(
        lab, header, demo.GAUGE, demo.PASSING_POINTS, [Decimal(0), Decimal(0)]
    )
    with pytest.raises(FourEyesError):
        desk.review(lab, certificate.number)
    desk.review(lab2, certificate.number)
    with pytest.raises(FourEyesError):
        desk.approve(lab2, certificate.number)
    with pytest.raises(WorkflowError):
        desk.issue(lab, certificate.number)
    desk.approve(approver, certificate.number)
    desk.issue(lab, certificate.number)
    assert steps(store, "JX2026-000001") == [
        ("entered", "lab"),
        ("reviewed", "lab2"),
        ("approved", "approver"),
        ("issued", "lab"),
    ]
    with MemoryUnitOfWork(store) as uow:
        assert audit.verify(uow.audit.records()).ok


@pytest.mark.parametrize("step", ["entered", "reviewed", "approved", "issued"])
def test_a_step_whose_custody_record_fails_is_not_half_written(step: str) -> None:
    store = MemoryStore()
    stored(store, "JX2026-000001", "弹簧管压力表")
    console, desk = lab_on(store)
    _, failing = lab_on(store, CustodyFails)
    lab2, approver = Actor("lab2", Role.LAB), Actor("approver", Role.APPROVER)
    header = desk.header(
        console.sample(LAB, "JX2026-000001"), "pressure_gauge",
        WorkConditions("20", "50", "P-01"), "(0～1.6) MPa", "1.6级",
    )  # fmt: skip
    points = (demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)])
    actions = {
        "entered": lambda d, n: d.record_gauge(LAB, header, *points),
        "reviewed": lambda d, n: d.review(lab2, n),
        "approved": lambda d, n: d.approve(approver, n),
        "issued": lambda d, n: d.issue(approver, n),
    }
    done = list(actions)[: list(actions).index(step)]
    number = ""
    for name in done:
        result = actions[name](desk, number)
        number = result.number if name == "entered" else number
    before = copy.deepcopy(store)
    with pytest.raises(OSError, match="disk full"):
        actions[step](failing, number)
    assert store == before  # neither the certificate nor its custody record
    assert [name for name, _ in steps(store, "JX2026-000001")] == done
