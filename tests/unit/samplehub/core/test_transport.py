"""Transport tasks: the state machine, and each step moving the sample in the same commit."""

from datetime import UTC, datetime, timedelta

import pytest

from samplehub.app.services import Services
from samplehub.core.domain.errors import Forbidden, InvalidValue
from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import (
    ANY_SLOT,
    MAX_ATTEMPTS,
    TaskKind,
    TaskState,
    TransportTask,
)
from samplehub.core.service import commands as c
from samplehub.core.service import queries

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
FLEET = c.Actor("fleet", Role.WAREHOUSE)
KIOSK = c.Actor("kiosk", Role.KIOSK)


def _task(**kw: object) -> TransportTask:
    return TransportTask.create(
        "TT000001", TaskKind.PUT_AWAY, "JX2026-000001", "WT2026-000001",
        Location.parse("intake_platform:K1"), Location.parse("storage_slot:A-01-1-01"),
        actor="system", at=AT, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_task_walks_created_to_done_one_step_at_a_time() -> None:
    task = _task(priority=5, deadline=AT + timedelta(minutes=10))
    for to in ("assigned", "picking", "carrying", "delivered", "done"):
        task.advance(
            TaskState(to), actor="fleet", at=AT, carrier="R01" if to == "assigned" else None
        )
    assert task.state is TaskState.DONE
    assert task.carrier == "R01"
    assert [e.state for e in task.events] == [  # type: ignore[attr-defined]
        "created", "assigned", "picking", "carrying", "delivered", "done"
    ]  # fmt: skip
    assert not task.late(AT + timedelta(hours=1))  # done: never late


def test_steps_cannot_be_skipped_and_carriers_cannot_swap() -> None:
    task = _task()
    with pytest.raises(InvalidValue, match="state"):
        task.advance(TaskState.CARRYING, actor="fleet", at=AT)
    task.advance(TaskState.ASSIGNED, actor="fleet", at=AT, carrier="R01")
    with pytest.raises(InvalidValue, match="carrier"):
        task.advance(TaskState.PICKING, actor="fleet", at=AT, carrier="R02")


def test_bad_priority_and_same_place_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidValue, match="priority"):
        _task(priority=10)
    with pytest.raises(InvalidValue, match="target"):
        TransportTask.create(
            "T1", TaskKind.RELOCATE, "S", "O", Location.parse("storage_slot:A"),
            Location.parse("storage_slot:A"), actor="x", at=AT,
        )  # fmt: skip


def test_a_task_released_too_often_fails() -> None:
    task = _task()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        task.advance(TaskState.ASSIGNED, actor="fleet", at=AT, carrier="R01")
        failed = task.release("robot offline", actor="fleet", at=AT)
        assert failed is (attempt == MAX_ATTEMPTS)
    assert task.state is TaskState.FAILED
    assert task.attempts == MAX_ATTEMPTS


def test_a_picked_up_task_cannot_be_cancelled_only_rerouted() -> None:
    task = _task()
    task.advance(TaskState.ASSIGNED, actor="fleet", at=AT, carrier="R01")
    task.advance(TaskState.PICKING, actor="fleet", at=AT)
    task.advance(TaskState.CARRYING, actor="fleet", at=AT)
    with pytest.raises(InvalidValue, match="state"):
        task.cancel("no longer needed", actor="warehouse", at=AT)
    task.reroute(Location.parse("storage_slot:B-01-1-01"), "slot blocked", actor="w", at=AT)
    assert str(task.target) == "storage_slot:B-01-1-01"


def test_any_slot_needs_a_concrete_slot_at_delivery() -> None:
    task = TransportTask.create(
        "T1", TaskKind.PUT_AWAY, "S", "O", Location.parse("intake_platform:K1"), ANY_SLOT,
        actor="x", at=AT,
    )  # fmt: skip
    for to in ("assigned", "picking", "carrying"):
        task.advance(TaskState(to), actor="f", at=AT, carrier="R1" if to == "assigned" else None)
    with pytest.raises(InvalidValue, match="target"):
        task.advance(TaskState.DELIVERED, actor="f", at=AT)
    with pytest.raises(InvalidValue, match="target"):
        task.advance(TaskState.DELIVERED, actor="f", at=AT, target=Location.parse("lab_bench:P1"))
    task.advance(TaskState.DELIVERED, actor="f", at=AT, target=Location.parse("storage_slot:A"))
    assert str(task.target) == "storage_slot:A"


def _received(services: Services) -> tuple[str, str]:
    """A sample handed in; returns its number and its put-away task."""
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "某公司", "91350100M000100Y43", []))
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, customer, "verification", [{"instrument_type": "压力表"}])
    )
    number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
    bus.handle(c.ApplyTransition(KIOSK, number, "receive", "intake_platform:K1"))
    with services.uow_factory() as uow:
        [task] = uow.tasks.for_sample(number)
    return number, task.id


def test_receive_makes_a_put_away_task_in_the_same_commit(services: Services) -> None:
    _, task_id = _received(services)
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert (task.kind, task.state, str(task.source)) == (
        "put_away",
        "created",
        "intake_platform:K1",
    )
    assert task.target == ANY_SLOT  # no site wired: the carrier names the slot


def test_a_robot_carries_the_sample_into_a_slot_with_custody(services: Services) -> None:
    number, task_id = _received(services)
    bus = services.bus
    bus.handle(c.AdvanceTask(FLEET, task_id, "assigned", carrier="R01"))
    bus.handle(c.AdvanceTask(FLEET, task_id, "picking"))
    bus.handle(c.AdvanceTask(FLEET, task_id, "carrying"))
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert (sample.state.value, str(sample.location)) == ("in_transit", "robot:R01")
    bus.handle(c.AdvanceTask(FLEET, task_id, "delivered", place="storage_slot:A-01-1-02"))
    bus.handle(c.AdvanceTask(FLEET, task_id, "done", confirmation="rfid"))
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert (sample.state.value, str(sample.location)) == ("stored", "storage_slot:A-01-1-02")
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
        kinds = [r.event_type for r in uow.audit.records(number)]
    assert task is not None
    assert (task.state, task.confirmation) == ("done", "rfid")
    assert kinds.count("TransportTaskChanged") == 6
    assert kinds.count("SampleTransitioned") == 3  # receive, picked up, stored
    assert queries.verify_audit(services.uow_factory).ok


def test_a_refused_step_leaves_task_and_sample_as_they_were(services: Services) -> None:
    number, task_id = _received(services)
    bus = services.bus
    bus.handle(c.AdvanceTask(FLEET, task_id, "assigned", carrier="R01"))
    bus.handle(c.AdvanceTask(FLEET, task_id, "picking"))
    bus.handle(c.ApplyTransition(c.SYSTEM, number, "hold", reason="damaged", hold_reason="damaged"))
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert task.state == "cancelled"  # held by hand: the unpicked task is withdrawn
    with pytest.raises(InvalidValue, match="state"):
        bus.handle(c.AdvanceTask(FLEET, task_id, "carrying"))
    assert queries.get_sample(services.uow_factory, c.SYSTEM, number).state.value == "on_hold"


def test_failing_a_task_holds_the_sample(services: Services) -> None:
    number, task_id = _received(services)
    bus = services.bus
    bus.handle(c.AdvanceTask(FLEET, task_id, "assigned", carrier="R01"))
    bus.handle(c.FailTask(FLEET, task_id, "gripper fault"))
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state.value == "on_hold"


def test_only_carriers_advance_and_only_warehouse_cancels(services: Services) -> None:
    _, task_id = _received(services)
    with pytest.raises(Forbidden):
        services.bus.handle(c.AdvanceTask(KIOSK, task_id, "assigned", carrier="R01"))
    with pytest.raises(Forbidden):
        services.bus.handle(c.CancelTask(c.Actor("lab", Role.LAB), task_id, "not needed"))
    state = services.bus.handle(
        c.CancelTask(c.Actor("wh", Role.WAREHOUSE), task_id, "customer took it back")
    )
    assert state == "cancelled"


def test_one_open_task_per_sample(services: Services) -> None:
    number, _ = _received(services)
    with pytest.raises(InvalidValue, match="open transport task"):
        services.bus.handle(c.RequestTransport(c.SYSTEM, number, "to_bench", "lab_bench:P-01"))
