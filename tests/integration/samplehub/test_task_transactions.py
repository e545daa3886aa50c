"""Failure injection on SQLite and PostgreSQL for transport tasks: a lifecycle step and the task
it makes, a task's step and the sample's move, a staging confirmation and the booking, each
commit together or not at all (see test_one_transaction.py for the machinery)."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import TaskState
from samplehub.core.service import commands as c
from samplehub.lab.service import commands as lc
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher
from samplehub.pickup.service import bookings as pickup
from samplehub.simulation.carrier import InstantCarrier

World = Any  # conftest's FaultyWorld: services whose repositories fail on demand
LAB = c.Actor("lab", Role.LAB)
# the task rows are written after the samples' rows; the custody chain after both
FAULTS = ["audit.append", "sql_tasks.flush", "sql_samples.flush"]


def _stored(world: World, serviced: bool = False) -> str:
    bus = world.services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表"}])
    )
    number: str = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
    moves = [("receive", "intake_platform:K1"), ("start_transport", "robot:R1")]
    if serviced:
        moves += [("deliver_to_lab", "lab_bench:P-01"), ("complete_service", None)]
        moves += [("start_transport", "robot:R1")]
    for transition, where in [*moves, ("store", "storage_slot:A-01-1-01")]:
        bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
    return number


def _tasks(world: World, number: str) -> list[tuple[str, str]]:
    with world.services.uow_factory() as uow:
        return [(t.kind.value, t.state.value) for t in uow.tasks.for_sample(number)]


def _carrier(world: World) -> InstantCarrier:
    return InstantCarrier(world.services.bus.handle, world.services.uow_factory)


@pytest.fixture
def world(faulty_world: World) -> World:
    return faulty_world


def test_a_lab_request_and_its_to_bench_task_commit_together(world: World) -> None:
    number = _stored(world)
    before = _tasks(world, number)
    world.fault.arm("audit", "append")
    world.unchanged_by(lambda: world.services.bus.handle(lc.RequestToBench(LAB, number, "P-01")))
    assert _tasks(world, number) == before
    world.services.bus.handle(lc.RequestToBench(LAB, number, "P-01"))
    assert _tasks(world, number)[-1] == ("to_bench", "created")


@pytest.mark.parametrize("failing", ["audit.append", "sql_samples.flush"])
def test_a_send_back_and_its_return_task_commit_together(world: World, failing: str) -> None:
    """The return task's row is in, then the sample's (completed service) or the custody
    chain fails: the sample is still on the bench, in service, with no return task."""
    number = _stored(world)
    world.services.bus.handle(lc.RequestToBench(LAB, number, "P-01"))
    world.services.bus.handle(lc.ConfirmArrival(LAB, number))
    world.fault.arm(*failing.split("."))
    world.unchanged_by(lambda: world.services.bus.handle(lc.SendBack(LAB, number)))
    with world.services.uow_factory() as uow:
        sample = uow.samples.get(number)
    assert sample is not None
    assert (sample.state.value, sample.service_completed) == ("in_lab", False)
    assert _tasks(world, number)[-1] == ("to_bench", "done")


@pytest.mark.parametrize("failing", FAULTS)
@pytest.mark.parametrize("step", [TaskState.CARRYING, TaskState.DELIVERED])
def test_a_task_step_and_the_samples_move_commit_together(
    world: World, step: TaskState, failing: str
) -> None:
    """Picked up (the sample onto the robot) or delivered (into the slot): the task's row and
    the sample's row are one transaction with their custody records."""
    number = _stored(world)
    world.services.bus.handle(lc.RequestToBench(LAB, number, "P-01"))
    carrier = _carrier(world)
    task_id = carrier.task_of(number)
    earlier = TaskState.PICKING if step is TaskState.CARRYING else TaskState.CARRYING
    carrier.carry(task_id, earlier)
    world.fault.arm(*failing.split("."))
    world.unchanged_by(lambda: carrier.carry(task_id, step))
    assert _tasks(world, number)[-1] == ("to_bench", earlier.value)
    carrier.carry(task_id)
    with world.services.uow_factory() as uow:
        sample = uow.samples.get(number)
    assert sample is not None
    assert str(sample.location) == "lab_bench:P-01"


@pytest.mark.parametrize("failing", ["audit.append", "bookings.save"])
def test_a_staging_confirmation_and_the_booking_commit_together(world: World, failing: str) -> None:
    """The compartment confirmed the sample: its task ends ``done`` and the booking records
    the placement in one transaction; a failure keeps the task delivered and the booking
    unplaced, and the next look confirms it."""
    number = _stored(world, serviced=True)
    lockers = MemoryLockers([Compartment("C1-01", CompartmentSize.M)])
    deps = pickup_wiring.pickup_deps(
        world.services, lockers, ListNotifier(), world.services.clock,
        CodeHasher(b"integration-key-0123456789"), PickupPolicy(opening=time(9), closing=time(17)),
    )  # fmt: skip
    with world.services.uow_factory() as uow:
        sample = uow.samples.get(number)
    assert sample is not None
    window = pickup.offer(deps, [CompartmentSize.M])[0].window
    sizes = {number: CompartmentSize.M}
    booking_id = pickup.book(deps, c.SYSTEM, sample.order_number, sample.customer_id, sizes, window)
    pickup.request_staging(deps, booking_id)
    _carrier(world).carry_sample(number, TaskState.DELIVERED)
    world.fault.arm(*failing.split("."))
    world.unchanged_by(lambda: pickup.follow_staging(deps, MemoryLoader(lockers), booking_id))
    assert _tasks(world, number)[-1] == ("to_locker", "delivered")
    assert pickup.follow_staging(deps, MemoryLoader(lockers), booking_id) == {
        number: Location.parse("locker_compartment:C1-01")
    }
    assert _tasks(world, number)[-1] == ("to_locker", "done")
