"""The staff view of transport tasks and a person carrying them (manual mode), in memory."""

from datetime import timedelta

import pytest

from samplehub.app.services import Services
from samplehub.core.adapters.memory import FixedClock
from samplehub.core.domain.errors import Forbidden, InvalidValue
from samplehub.core.domain.model import Role
from samplehub.core.service import commands as c
from samplehub.core.service import queries, task_queries

KIOSK = c.Actor("kiosk", Role.KIOSK)
STAFF = c.Actor("li", Role.WAREHOUSE)
LAB = c.Actor("wang", Role.LAB)


def _stored(services: Services, count: int) -> list[str]:
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "某公司", "91350100M000100Y43", []))
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, customer, "verification", [{"instrument_type": "压力表"}])
    )
    numbers = []
    for i in range(count):
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
        for transition, where in [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:R1"),
            ("deliver_to_lab", "lab_bench:P-02"),
            ("complete_service", None),
            ("start_transport", "robot:R1"),
            ("store", f"storage_slot:A-01-1-0{i + 1}"),
        ]:
            bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
        numbers.append(number)
    return numbers


def _request(services: Services, number: str, kind: str, target: str, minutes: int) -> str:
    clock = services.clock
    assert isinstance(clock, FixedClock)
    deadline = clock.now() + timedelta(minutes=minutes)
    task_id: str = services.bus.handle(
        c.RequestTransport(c.SYSTEM, number, kind, target, priority=3, deadline=deadline)
    )
    return task_id


def test_the_board_lists_open_late_and_failed_tasks_by_kind_and_carrier(
    services: Services,
) -> None:
    first, second, third = _stored(services, 3)
    to_bench = _request(services, first, "to_bench", "lab_bench:P-01", 30)
    to_locker = _request(services, second, "to_locker", "locker_compartment:C1-01", 5)
    failing = _request(services, third, "relocate", "storage_slot:B-01-1-01", 60)
    services.bus.handle(c.AdvanceTask(STAFF, failing, "assigned", carrier="R07"))
    services.bus.handle(c.FailTask(STAFF, failing, "gripper fault"))
    services.bus.handle(c.AdvanceTask(LAB, to_bench, "assigned", carrier="staff:wang"))
    clock = services.clock
    assert isinstance(clock, FixedClock)
    later = clock.now() + timedelta(minutes=10)
    board = task_queries.board(services.uow_factory, LAB, later)
    assert [r.task.id for r in board.open] == [to_locker, to_bench]  # the earlier deadline
    assert [r.task.id for r in board.late] == [to_locker]  # its window opens in 5 minutes
    assert [r.task.id for r in board.failed] == [failing]
    assert board.by_kind == {"to_bench": 1, "to_locker": 1}
    assert board.by_carrier == {"staff:wang": 1, "-": 1}
    assert [r.may_carry for r in board.open] == [False, True]  # lab: to and from benches
    mine = task_queries.board(services.uow_factory, LAB, later, carrier="staff:wang")
    assert [r.task.id for r in mine.open] == [to_bench]
    with pytest.raises(InvalidValue, match="kind"):
        task_queries.board(services.uow_factory, LAB, later, kind="teleport")
    with pytest.raises(Forbidden):
        task_queries.board(services.uow_factory, KIOSK, later)


def test_a_person_delivering_to_a_locker_stops_at_delivered_for_the_compartment(
    services: Services,
) -> None:
    [number] = _stored(services, 1)
    task_id = _request(services, number, "to_locker", "locker_compartment:C1-01", 60)
    bus = services.bus
    assert bus.handle(c.ScanPickUp(STAFF, task_id, number.lower())) == "carrying"  # claimed too
    other = c.Actor("zhao", Role.WAREHOUSE)
    with pytest.raises(InvalidValue, match="staff:li"):
        bus.handle(c.ScanDelivery(other, task_id, number))
    with pytest.raises(InvalidValue, match="nothing"):
        bus.handle(c.ScanDelivery(STAFF, task_id, number, "A-01-1-01"))  # no slot at a locker
    assert bus.handle(c.ScanDelivery(STAFF, task_id, number)) == "delivered"
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert (sample.state.value, str(sample.location)) == ("staged", "locker_compartment:C1-01")
