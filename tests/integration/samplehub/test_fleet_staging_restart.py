"""A robot's trip to the lockers across a crash of the fleet worker, on SQLite and PostgreSQL:
the booking makes the to-locker task, a robot carries it, the worker dies while it carries, a
fresh worker has the robot deliver it at the locker port (the task stays ``delivered``), and
the pickup job's compartment check loads it and ends the task: every step once, the booking
ready, the custody chain intact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.transport import TaskState
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.pickup.adapters.clock import ShiftedClock
from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
from samplehub.pickup.adapters.lockers.register_map import LockerBank, load_bank
from samplehub.pickup.domain.booking import BookingStatus
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service.app import PickupApp
from samplehub.simulation.clock import SimClock
from samplehub.simulation.lockers import SimulatedLoader, SimulatedLocker

from .test_fleet_worker import new_worker, run, task_state, task_steps
from .test_pickup_sql import ready_sample

CABINET = Path(__file__).parents[2] / "fixtures" / "samplehub" / "modbus" / "cabinet-generic-8.yaml"


@pytest.fixture
def side(settings: Settings, services: Services) -> Iterator[PickupApp]:
    """The pickup side on simulated Modbus lockers, on a Monday 08:00 (China) a week ahead."""
    model = load_bank(CABINET).cabinets["C1"].model
    with SimulatedLocker(model, sensor_delay_s=0.02) as sim:
        controller = ModbusLockerController(LockerBank({"C1": sim.cabinet("C1")}))
        clock = ShiftedClock()
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        clock.jump_to(today + timedelta(days=7 - today.weekday()))
        app = pickup_wiring.pickup_app(
            settings, services, clock=clock, lockers=(controller, SimulatedLoader({"C1": sim}))
        )
        yield app
        app.close()
        controller.close()


def test_a_to_locker_trip_across_a_crash_is_confirmed_by_the_compartment_once(
    settings: Settings, services: Services, side: PickupApp
) -> None:
    customer, order, number = ready_sample(services)  # back in storage, service completed
    deps = side.deps
    window = pickup.offer(deps, [side.default_size])[0].window
    actor = c.Actor("cust-a", c.Role.CUSTOMER, customer)
    booked = pickup.book_with_code(
        deps, actor, order, customer, {number: side.default_size}, window
    )
    pickup.stage_if_due(deps, booked.booking.id)  # inside the staging lead: at once
    with services.uow_factory() as uow:
        [task] = [t for t in uow.tasks.for_sample(number) if t.kind.value == "to_locker"]
    clock = SimClock()
    first = new_worker(settings, services, clock)
    run(first, clock, lambda: task_state(services, task.id) is TaskState.CARRYING)
    del first  # dropped without cleanup, as a killed process would leave it
    second = new_worker(settings, services, clock)
    run(second, clock, lambda: task_state(services, task.id) is TaskState.DELIVERED)
    for _ in range(20):  # the fleet leaves it at the port: the compartment confirms it
        clock.advance(0.5)
        second.step()
    assert task_state(services, task.id) is TaskState.DELIVERED
    report = side.run_due()
    assert report.staged == {booked.booking.id: {number: str(task.target)}}
    assert task_state(services, task.id) is TaskState.DONE
    steps = task_steps(services, number)[-6:]  # the to-locker task's, the last ones
    assert steps == ["created", "assigned", "picking", "carrying", "delivered", "done"], steps
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert (sample.state, str(sample.location)) == (SampleState.STAGED, str(task.target))
    booking = deps.bookings.get(booked.booking.id)
    assert booking is not None
    assert booking.status is BookingStatus.STAGED
    assert queries.verify_audit(services.uow_factory).ok


def _two_ready_samples(services: Services) -> tuple[str, str, list[str]]:
    """(customer id, order, samples): two samples of one order, serviced and back on rack A-01."""
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    gauge = {"instrument_type": "压力表"}
    order = bus.handle(c.CreateOrder(c.SYSTEM, customer, "calibration", [gauge, gauge]))
    numbers = [bus.handle(c.RegisterSample(c.SYSTEM, order, gauge)) for _ in range(2)]
    for number, slot in zip(numbers, ("A-01-1-02", "A-01-1-03"), strict=True):
        for transition, where in [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:R1"),
            ("deliver_to_lab", "lab_bench:P-01"),
            ("complete_service", None),
            ("start_transport", "robot:R1"),
            ("store", f"storage_slot:{slot}"),
        ]:
            bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
    return customer, order, numbers


def test_a_booking_s_two_samples_ride_one_robot_across_a_crash_and_arrive_once(
    settings: Settings, services: Services, side: PickupApp
) -> None:
    storage_wiring.ensure_site(settings, services)  # slots of one rack share its access node
    customer, order, numbers = _two_ready_samples(services)
    deps = side.deps
    window = pickup.offer(deps, [side.default_size] * 2)[0].window
    actor = c.Actor("cust-a", c.Role.CUSTOMER, customer)
    sizes = dict.fromkeys(numbers, side.default_size)
    booked = pickup.book_with_code(deps, actor, order, customer, sizes, window)
    pickup.stage_if_due(deps, booked.booking.id)
    with services.uow_factory() as uow:
        tasks = [t for n in numbers for t in uow.tasks.for_sample(n) if t.kind.value == "to_locker"]
    clock = SimClock()
    first = new_worker(settings, services, clock)
    carrying = TaskState.CARRYING
    run(first, clock, lambda: all(task_state(services, t.id) is carrying for t in tasks))
    with services.uow_factory() as uow:
        records = [uow.tasks.get(t.id) for t in tasks]
    assert len({r.carrier for r in records if r is not None}) == 1  # one robot, one trip
    del first  # killed with both samples on board
    second = new_worker(settings, services, clock)
    delivered = TaskState.DELIVERED
    run(second, clock, lambda: all(task_state(services, t.id) is delivered for t in tasks))
    report = side.run_due()
    assert report.staged == {booked.booking.id: {t.sample_number: str(t.target) for t in tasks}}
    for number in numbers:
        steps = task_steps(services, number)[-6:]
        assert steps == ["created", "assigned", "picking", "carrying", "delivered", "done"], steps
    booking = deps.bookings.get(booked.booking.id)
    assert booking is not None
    assert booking.status is BookingStatus.STAGED
    assert queries.verify_audit(services.uow_factory).ok
