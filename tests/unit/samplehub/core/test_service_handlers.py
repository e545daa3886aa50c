import copy
import json

import pytest

from samplehub.app.demo import seed_demo
from samplehub.app.services import Services
from samplehub.core.adapters.memory import ListPublisher, MemoryStore, MemoryUnitOfWork
from samplehub.core.domain.errors import (
    AlreadyExists,
    Conflict,
    Forbidden,
    GuardFailed,
    IllegalTransition,
    InvalidValue,
    NotFound,
)
from samplehub.core.domain.model import Role
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.messagebus import MessageBus
from samplehub.core.service.ports import SampleFilter

GAUGE = {"instrument_type": "弹簧管压力表", "serial_number": "S-1", "range_min": "0",
         "range_max": "1.6", "unit": "MPa"}  # fmt: skip


@pytest.fixture
def demo(services: Services) -> dict[str, str]:
    return seed_demo(services)


def actor_for(store: MemoryStore, username: str) -> c.Actor:
    user = store.users[username]
    return c.Actor(user.username, user.role, user.customer_id)


def test_a_failed_command_leaves_nothing_behind(services: Services, store: MemoryStore) -> None:
    customer = services.bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = services.bus.handle(
        c.CreateOrder(c.SYSTEM, customer, "verification", [{"instrument_type": "压力表"}])
    )
    services.bus.handle(c.RegisterSample(c.SYSTEM, order, GAUGE))
    before = copy.deepcopy(store)
    with pytest.raises(AlreadyExists, match="S-1"):
        services.bus.handle(c.RegisterSample(c.SYSTEM, order, GAUGE))
    with pytest.raises(AlreadyExists):
        services.bus.handle(c.RegisterCustomer(c.SYSTEM, "重复", "91350100M000100Y43"))
    with pytest.raises(InvalidValue, match="instrument_type"):
        services.bus.handle(c.CreateOrder(c.SYSTEM, customer, "verification", [{"model": "Y-100"}]))
    assert store == before


def test_sample_numbers_follow_the_scheme_and_count_per_year(services: Services) -> None:
    customer = services.bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = services.bus.handle(
        c.CreateOrder(c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表"}])
    )
    numbers = [
        services.bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
        for _ in range(3)
    ]
    assert order == "WT2026-000001"
    assert numbers == ["JX2026-000001", "JX2026-000002", "JX2026-000003"]


def test_transitions_are_recorded_and_published(
    services: Services, demo: dict[str, str], publisher: ListPublisher
) -> None:
    number = demo["sample_a2"]
    state = services.bus.handle(
        c.ApplyTransition(c.SYSTEM, number, "start_transport", "robot:AMR-9")
    )
    assert state == "in_transit"
    # the move by hand, then its put-away task (made at receive) withdrawn: it cannot be done
    assert [e.type for e in publisher.published[-2:]] == [
        "SampleTransitioned", "TransportTaskChanged"
    ]  # fmt: skip
    with services.uow_factory() as uow:
        [task] = uow.tasks.for_sample(number)
    assert (task.kind, task.state) == ("put_away", "cancelled")
    assert task.reason == "start_transport by system"
    entries = queries.timeline(services.uow_factory, c.SYSTEM, number)
    moves = [e for e in entries if e.task is None]
    assert [e.state for e in moves] == ["registered", "received", "in_transit"]
    assert moves[-1].location == "robot:AMR-9"
    # the task's steps are in the history too: made at receive, withdrawn by the move
    steps = [(e.task, e.title) for e in entries if e.task is not None]
    assert steps == [
        (task.id, "core.timeline_task_created"),
        (task.id, "core.timeline_task_cancelled"),
    ]
    assert queries.verify_audit(services.uow_factory).ok


def test_illegal_transition_names_current_state_and_allowed(
    services: Services, demo: dict[str, str]
) -> None:
    with pytest.raises(IllegalTransition) as info:
        services.bus.handle(c.ApplyTransition(c.SYSTEM, demo["sample_a1"], "collect", "customer:x"))
    assert info.value.current == "registered"
    assert info.value.allowed == ("hold", "receive", "reject")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("transition", {"transition": "teleport"}),
        ("location", {"transition": "receive", "location": "nowhere"}),
        ("hold_reason", {"transition": "hold", "reason": "x", "hold_reason": "lost"}),
    ],
)
def test_bad_transition_input_names_the_field(
    services: Services, demo: dict[str, str], field: str, kwargs: dict[str, str]
) -> None:
    with pytest.raises(InvalidValue) as info:
        services.bus.handle(c.ApplyTransition(c.SYSTEM, demo["sample_a1"], **kwargs))
    assert info.value.field == field


def test_roles_limit_what_may_be_done(
    services: Services, store: MemoryStore, demo: dict[str, str]
) -> None:
    kiosk, cust_a = actor_for(store, "kiosk"), actor_for(store, "cust-a")
    with pytest.raises(Forbidden):
        services.bus.handle(
            c.ApplyTransition(kiosk, demo["sample_a3"], "start_transport", "robot:1")
        )
    with pytest.raises(Forbidden):
        services.bus.handle(
            c.ApplyTransition(cust_a, demo["sample_a1"], "receive", "intake_platform:K")
        )
    with pytest.raises(Forbidden):
        services.bus.handle(c.CreateUser(actor_for(store, "lab"), "eve", "longpassword", "admin"))
    with pytest.raises(InvalidValue, match="password"):
        services.bus.handle(c.CreateUser(c.SYSTEM, "eve", "short", "lab"))


def test_customers_see_only_their_own_company(
    services: Services, store: MemoryStore, demo: dict[str, str]
) -> None:
    cust_a, cust_b = actor_for(store, "cust-a"), actor_for(store, "cust-b")
    factory = services.uow_factory
    assert queries.get_sample(factory, cust_a, demo["sample_a1"]).number == demo["sample_a1"]
    for call in (
        lambda: queries.get_sample(factory, cust_b, demo["sample_a1"]),
        lambda: queries.timeline(factory, cust_b, demo["sample_a1"]),
        lambda: queries.get_order(factory, cust_b, demo["order_a"]),
        lambda: queries.get_customer(factory, cust_b, demo["customer_a"]),
        lambda: services.bus.handle(
            c.CreateOrder(cust_b, demo["customer_a"], "verification", [{"instrument_type": "x"}])
        ),
    ):
        with pytest.raises(NotFound):
            call()
    # asking for another company's samples silently returns one's own
    page = queries.list_samples(factory, cust_b, SampleFilter(customer_id=demo["customer_a"]))
    assert [s.number for s in page.items] == [demo["sample_b1"]]
    assert [c.id for c in queries.list_customers(factory, cust_b)] == [demo["customer_b"]]
    assert queries.list_orders(factory, cust_b, None, 0, 10).total == 1


def test_sample_search_filters_and_pages(services: Services, demo: dict[str, str]) -> None:
    factory = services.uow_factory
    everything = queries.list_samples(factory, c.SYSTEM, SampleFilter(limit=4))
    assert (everything.total, len(everything.items)) == (6, 4)
    second = queries.list_samples(factory, c.SYSTEM, SampleFilter(offset=4, limit=4))
    assert len(second.items) == 2
    by_text = queries.list_samples(factory, c.SYSTEM, SampleFilter(text="fluke"))
    assert by_text.total == 0  # manufacturer is not searched; model, serial and type are
    by_serial = queries.list_samples(factory, c.SYSTEM, SampleFilter(text="hq231"))
    assert [s.instrument.serial_number for s in by_serial.items] == ["HQ23110"]


def test_login(services: Services, demo: dict[str, str]) -> None:
    actor = queries.authenticate(services.uow_factory, services.hasher, "cust-a", "demo123")
    assert actor == c.Actor("cust-a", Role.CUSTOMER, demo["customer_a"])
    assert queries.authenticate(services.uow_factory, services.hasher, "cust-a", "nope") is None
    assert queries.authenticate(services.uow_factory, services.hasher, "ghost", "demo123") is None


def test_guard_failure_changes_nothing(
    services: Services, store: MemoryStore, demo: dict[str, str]
) -> None:
    before = copy.deepcopy(store)
    with pytest.raises(GuardFailed):
        services.bus.handle(c.ApplyTransition(c.SYSTEM, demo["sample_a2"], "reject", "customer:x"))
    assert store == before


def test_bus_retries_a_command_that_lost_a_race(services: Services, store: MemoryStore) -> None:
    attempts = []

    class FlakyUow(MemoryUnitOfWork):
        def _commit(self) -> None:
            attempts.append(1)
            if len(attempts) < 3:
                raise Conflict("test")
            super()._commit()

    bus = MessageBus(lambda: FlakyUow(store), services.bus.context, services.bus.handlers)
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    assert len(attempts) == 3
    assert list(store.customers) == [customer]
    assert len(store.audit) == 1


def test_a_person_changes_their_own_password_with_the_current_one(
    services: Services, store: MemoryStore, demo: dict[str, str]
) -> None:
    lab = actor_for(store, "lab")
    before = copy.deepcopy(store)
    with pytest.raises(InvalidValue, match="current_password"):
        services.bus.handle(c.SetPassword(lab, "lab", "new-password-1", "not-mine"))
    with pytest.raises(InvalidValue, match="password"):
        services.bus.handle(c.SetPassword(lab, "lab", "short", "demo123"))
    assert store == before  # nothing written by a refused change
    services.bus.handle(c.SetPassword(lab, "lab", "new-password-1", "demo123"))
    assert services.hasher.verify(store.users["lab"].password_hash, "new-password-1")
    [record] = [r for r in store.audit if r.event_type == "PasswordSet"]
    assert record.actor == "lab"
    assert json.loads(record.payload)["reset"] is False
    assert "new-password-1" not in record.payload
    assert "plain$" not in record.payload


def test_only_an_admin_resets_another_s_password_and_a_device_never_its_own(
    services: Services, store: MemoryStore, demo: dict[str, str]
) -> None:
    for who, whom in (("lab", "warehouse"), ("cust-a", "cust-b"), ("kiosk", "kiosk")):
        with pytest.raises(Forbidden):
            services.bus.handle(
                c.SetPassword(actor_for(store, who), whom, "new-password-1", "demo123")
            )
    services.bus.handle(c.SetPassword(actor_for(store, "admin"), "kiosk", "kiosk-password-2"))
    assert services.hasher.verify(store.users["kiosk"].password_hash, "kiosk-password-2")
    with pytest.raises(NotFound):
        services.bus.handle(c.SetPassword(c.SYSTEM, "nobody", "new-password-1"))


def test_a_contact_of_one_value_is_refused_naming_it(
    services: Services, store: MemoryStore
) -> None:
    before = copy.deepcopy(store)
    with pytest.raises(InvalidValue, match=r"contacts\[0\]"):
        services.bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43", [("陈",)]))
    assert store == before
