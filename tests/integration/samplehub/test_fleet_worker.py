"""The fleet worker ``serve`` runs: open tasks from the database carried by simulated robots in
process, on SQLite and PostgreSQL; a crash mid-transport and a restart finish the task once."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import Confirmation, TaskState
from samplehub.core.domain.transport import TransportTask as Record
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.places import AnyPlace
from samplehub.core.service.ports import UnitOfWork
from samplehub.fleet.service.worker import FleetWorker
from samplehub.simulation.clock import SimClock
from samplehub.simulation.floor import SimFloor
from samplehub.simulation.robot import SimRobot


def received_sample(services: Services) -> tuple[str, str]:
    """A sample received at the intake platform, and the put-away task that receipt made."""
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = bus.handle(
        c.CreateOrder(
            c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表", "quantity": 1}]
        )
    )
    number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
    bus.handle(c.ApplyTransition(c.SYSTEM, number, "receive", "intake_platform:IN1"))
    with services.uow_factory() as uow:
        (task,) = uow.tasks.for_sample(number)
    return number, task.id


def new_worker(settings: Settings, services: Services, clock: SimClock) -> FleetWorker:
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    worker = fleet_wiring.worker_factory(settings, services, site, clock)
    worker.start()
    return worker


def floor_of(worker: FleetWorker) -> SimFloor:
    """The simulated robots ``serve`` runs in process."""
    floor = worker.floor
    assert isinstance(floor, SimFloor)
    return floor


def run(worker: FleetWorker, clock: SimClock, done: Callable[[], bool], max_s: float = 900) -> None:
    start = clock.t
    while not done():
        assert clock.t - start < max_s, "the fleet did not get there in simulated time"
        clock.advance(0.5)
        worker.step()


def task_state(services: Services, task_id: str) -> TaskState:
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    return task.state


def task_steps(services: Services, number: str) -> list[str]:
    with services.uow_factory() as uow:
        records = uow.audit.records(sample_number=number)
    return [
        json.loads(r.payload)["state"] for r in records if r.event_type == "TransportTaskChanged"
    ]


def test_a_put_away_is_carried_to_a_slot_and_confirmed_by_rfid(
    settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state is SampleState.STORED
    assert sample.location.kind is LocationKind.STORAGE_SLOT
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert task.confirmation is Confirmation.RFID
    assert task.carrier is not None
    assert task.carrier.startswith("R0")
    assert task_steps(services, number) == [
        "created", "assigned", "picking", "carrying", "delivered", "done",
    ]  # fmt: skip
    assert queries.verify_audit(services.uow_factory).ok


@pytest.mark.parametrize("crash_at", [TaskState.ASSIGNED, TaskState.CARRYING])
def test_a_crash_mid_transport_is_taken_up_again_and_finishes_exactly_once(
    settings: Settings, services: Services, crash_at: TaskState
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    first = new_worker(settings, services, clock)
    run(first, clock, lambda: task_state(services, task_id) is crash_at)
    with services.uow_factory() as uow:
        before = uow.tasks.get(task_id)
    assert before is not None
    assert before.carrier is not None
    carrier = before.carrier
    del first  # dropped without cleanup, as a killed process would leave it
    second = new_worker(settings, services, clock)
    run(second, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state is SampleState.STORED
    assert sample.location.kind is LocationKind.STORAGE_SLOT
    steps = task_steps(services, number)
    assert steps == ["created", "assigned", "picking", "carrying", "delivered", "done"], steps
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert task.carrier == carrier
    assert task.attempts == 0
    assert queries.verify_audit(services.uow_factory).ok


def test_a_task_staff_cancel_while_a_robot_drives_to_it_is_let_go(
    settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.ASSIGNED)
    services.bus.handle(c.CancelTask(c.SYSTEM, task_id, "customer took it back"))
    run(worker, clock, lambda: not worker.bridge.tracked and all(
        r.task is None for r in worker.fleet.robots.values()))  # fmt: skip
    assert task_state(services, task_id) is TaskState.CANCELLED
    late = services.bus.handle(c.RequestTransport(c.SYSTEM, number, "put_away", "storage_slot:*"))
    run(worker, clock, lambda: task_state(services, late) is TaskState.DONE)
    assert queries.get_sample(services.uow_factory, c.SYSTEM, number).state is SampleState.STORED
    assert queries.verify_audit(services.uow_factory).ok


def carrier_of(services: Services, task_id: str) -> str | None:
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    return task.carrier


def robot_of(worker: FleetWorker, services: Services, task_id: str) -> SimRobot:
    carrier = carrier_of(services, task_id)
    assert carrier is not None
    floor = floor_of(worker)
    return floor.robots[carrier]


def test_a_robot_lost_before_pick_up_releases_the_task_to_another(
    settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.ASSIGNED)
    lost = robot_of(worker, services, task_id)
    lost.faults.silent = True
    run(worker, clock, lambda: carrier_of(services, task_id) not in (None, lost.serial))
    worker.fleet.recover(lost.serial, clock.t)  # staff take it off the lanes it still blocks
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert task.attempts == 1
    assert task.carrier != lost.serial
    assert queries.get_sample(services.uow_factory, c.SYSTEM, number).state is SampleState.STORED


def test_a_load_stranded_on_a_failed_robot_fails_the_task_and_holds_the_sample(
    settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.CARRYING)
    robot_of(worker, services, task_id).faults.fatal = True
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.FAILED)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state is SampleState.ON_HOLD
    assert sample.location.kind is LocationKind.ROBOT  # where it is: on the failed robot
    for _ in range(20):  # the fleet carries on
        clock.advance(0.5)
        worker.step()
    assert queries.verify_audit(services.uow_factory).ok


def test_a_task_re_routed_while_carried_is_delivered_to_the_new_target(
    settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.CARRYING)
    services.bus.handle(c.RerouteTask(c.SYSTEM, task_id, "storage_slot:RA4", "rack RA1 blocked"))
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert str(sample.location) == "storage_slot:RA4"
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert task.confirmation is Confirmation.RFID  # the robot dropped it where the record says


def test_a_robot_event_told_twice_is_recorded_once(
    settings: Settings, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.CARRYING)
    carrier = carrier_of(services, task_id)
    assert carrier is not None
    caplog.set_level(logging.INFO, "samplehub.fleet")
    worker.bridge.on_picked(task_id, number, carrier, clock.t)  # as after a replayed message
    assert "already carrying" in caplog.text
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    assert task_steps(services, number).count("carrying") == 1
    assert queries.verify_audit(services.uow_factory).ok


def test_back_pressure_hands_the_fleet_a_bounded_number_of_tasks(
    settings: Settings, services: Services
) -> None:
    first, first_task = received_sample(services)
    with services.uow_factory() as uow:
        sample = uow.samples.get(first)
    assert sample is not None
    second = services.bus.handle(
        c.RegisterSample(c.SYSTEM, sample.order_number, {"instrument_type": "压力表"})
    )
    services.bus.handle(c.ApplyTransition(c.SYSTEM, second, "receive", "intake_platform:IN1"))
    bounded = settings.model_copy(
        update={"fleet": settings.fleet.model_copy(update={"max_in_flight": 1})}
    )
    clock = SimClock()
    worker = new_worker(bounded, services, clock)
    seen: set[int] = set()

    def both_done() -> bool:
        seen.add(worker.bridge.in_flight())
        states = {task_state(services, t.id) for t in open_or_done(services, (first, second))}
        return states == {TaskState.DONE}

    run(worker, clock, both_done, max_s=1800)
    assert max(seen) == 1
    assert task_state(services, first_task) is TaskState.DONE


def open_or_done(services: Services, numbers: tuple[str, ...]) -> list[Record]:
    with services.uow_factory() as uow:
        return [t for n in numbers for t in uow.tasks.for_sample(n)]


def test_a_task_a_person_takes_first_is_left_to_the_person(
    settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)  # the fleet has it, no robot yet
    porter = c.Actor("warehouse", c.SYSTEM.role)
    services.bus.handle(c.AdvanceTask(porter, task_id, "assigned", carrier="staff:warehouse"))
    for _ in range(60):
        clock.advance(0.5)
        worker.step()
    assert carrier_of(services, task_id) == "staff:warehouse"
    assert task_state(services, task_id) is TaskState.ASSIGNED
    assert all(r.task is None for r in worker.fleet.robots.values())
    assert not worker.bridge.tracked
    assert task_steps(services, number) == ["created", "assigned"]


class ShelfS7(AnyPlace):
    """A storage site of one slot, S-7, served from rack node RA3 (a fake beside ``Places``)."""

    def choose_slot(
        self, uow: UnitOfWork, sample: Sample, near: Location, now: datetime
    ) -> tuple[Location, dict[str, object]]:
        return Location(LocationKind.STORAGE_SLOT, "S-7"), {"dwell_days": 3}

    def node(self, uow: UnitOfWork, location: Location) -> str | None:
        return "RA3" if str(location) == "storage_slot:S-7" else None


def test_nodes_and_slots_come_from_places_when_it_knows_them(
    settings: Settings, services: Services
) -> None:
    services.bus.context = dataclasses.replace(services.bus.context, places=ShelfS7())
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    assert worker.bridge.tracked[task_id].job.destination == "RA3"
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert str(sample.location) == "storage_slot:S-7"
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert task.confirmation is Confirmation.RFID  # read at S-7, where the robot dropped it


def test_an_unknown_serial_on_the_in_process_bus_is_refused_and_never_given_a_task(
    settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    floor = floor_of(worker)
    known = floor.robots["R01"]
    stranger = SimRobot(
        "R99", known.manufacturer, known.site, "P5", known.transport, known.prefix
    )  # a robot nobody declared, on the same bus, stepped with the others
    stranger.connect(clock.t)
    floor.robots["R99"] = stranger
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    assert "R99" not in worker.fleet.robots
    assert worker.fleet.stats.unknown_serials == {"R99"}
    assert stranger.order_id == ""  # never given an order
    assert carrier_of(services, task_id) != "R99"
    assert queries.get_sample(services.uow_factory, c.SYSTEM, number).state is SampleState.STORED


def test_a_robot_on_its_emergency_stop_is_told_to_the_staff_recipients_once(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="integration-key-0123456789",
        notify={"staff": "sms:13800000000"},
    )
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings)
    clock = SimClock()
    worker = new_worker(settings, services, clock)
    floor = floor_of(worker)
    floor.robots["R02"].faults.e_stop = "REMOTE"

    def stopped() -> bool:
        robot = worker.fleet.robots.get("R02")
        return robot is not None and robot.stopped == "REMOTE"

    run(worker, clock, stopped, max_s=30)
    stood = clock.t
    run(worker, clock, lambda: clock.t - stood > 30)  # it stays on its stop: told once
    with services.uow_factory() as uow:
        told = [m for m in uow.outbox.due(datetime.now(UTC)) if m.kind == "emergency_stop"]
    assert [m.recipient for m in told] == ["13800000000"]
    assert "机器人 R02" in (told[0].body or "")
    services.close()


def test_a_task_whose_robot_stays_on_its_stop_before_pick_up_is_carried_by_another(
    settings: Settings, services: Services
) -> None:
    clock = SimClock()
    number, task_id = received_sample(services)
    worker = new_worker(settings, services, clock)
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.ASSIGNED)
    first = carrier_of(services, task_id)
    assert first is not None
    floor_of(worker).robots[first].faults.e_stop = "MANUAL"
    run(worker, clock, lambda: task_state(services, task_id) is TaskState.DONE)
    assert carrier_of(services, task_id) not in (None, first)
    assert task_steps(services, number)[:3] == ["created", "assigned", "created"]  # released
    with services.uow_factory() as uow:
        released = [
            json.loads(r.payload).get("reason", "")
            for r in uow.audit.records(sample_number=number)
            if r.event_type == "TransportTaskChanged"
        ][2]
    assert released == f"re-dispatched to {carrier_of(services, task_id)}"
    assert queries.get_sample(services.uow_factory, c.SYSTEM, number).state is SampleState.STORED
    assert queries.verify_audit(services.uow_factory).ok
