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
