"""Real samples, registered through the bus, moved by the simulated fleet through their lifecycle.

Put-away, a lab round trip and staging run in simulated time over the production fleet classes;
each robot event must land in the sample's record (state, location, custody timeline) and the
audit chain must still verify.  A move the lifecycle refuses holds the sample, never the fleet.
"""

from __future__ import annotations

from samplehub.app.services import Services
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.fleet.service.lifecycle import BusFleetLifecycle
from samplehub.simulation.runner import FleetSimulation
from tests.unit.samplehub.fleet.fakes import quiet_sim, run_until

EPCS = ("3414000000000000000F1E01", "3414000000000000000F1E02")


def _received_samples(services: Services, count: int) -> list[str]:
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = bus.handle(
        c.CreateOrder(
            c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表", "quantity": count}]
        )
    )
    numbers = []
    for _ in range(count):
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
        bus.handle(c.ApplyTransition(c.SYSTEM, number, "receive", "intake_platform:IN1"))
        numbers.append(number)
    return numbers


def _fleet(services: Services) -> tuple[FleetSimulation, BusFleetLifecycle]:
    lifecycle = BusFleetLifecycle(services.bus.handle)
    return quiet_sim(robots=3, seed=11, lifecycle=lifecycle), lifecycle


def _where(services: Services, number: str) -> tuple[str, str]:
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    return sample.state.value, str(sample.location)


def test_put_away_lab_round_trip_and_staging_follow_the_lifecycle(services: Services) -> None:
    first, second = _received_samples(services, 2)
    sim, lifecycle = _fleet(services)
    for epc, number in zip(EPCS, (first, second), strict=True):
        lifecycle.register(epc, number)

    put = [sim.storage.put_away(epc, "S", 86400, sim.clock.t) for epc in EPCS]
    run_until(sim, lambda: all(t.task_id in sim.storage.done for t in put))
    for task, number in zip(put, (first, second), strict=True):
        assert _where(services, number) == ("stored", f"storage_slot:{task.slot_address}")

    out = sim.storage.deliver_to_lab(EPCS[0], "LAB1", sim.clock.t)
    run_until(sim, lambda: out.task_id in sim.storage.done)
    assert _where(services, first) == ("in_lab", "lab_bench:LAB1")
    services.bus.handle(c.ApplyTransition(c.SYSTEM, first, "complete_service"))

    back = sim.storage.return_from_lab(EPCS[0], "LAB1", "S", 86400, sim.clock.t)
    run_until(sim, lambda: back.task_id in sim.storage.done)
    assert _where(services, first) == ("stored", f"storage_slot:{back.slot_address}")

    staged = sim.storage.stage_for_pickup(EPCS[0], "LOCK1", sim.clock.t)
    run_until(sim, lambda: staged.task_id in sim.storage.done)
    assert _where(services, first) == ("staged", "locker_compartment:LOCK1")
    assert sim.storage.alerts == []
    assert sim.storage.refused == {}

    moves = [
        (e.state, e.location, e.actor)
        for e in queries.timeline(services.uow_factory, c.SYSTEM, first)
        if e.task is None  # the sample's moves (its tasks' steps are entries of their own)
    ]
    robots = [loc for state, loc, _ in moves if state == "in_transit"]
    assert len(robots) == 4
    assert all(loc is not None and loc.startswith("robot:R") for loc in robots)
    assert [state for state, _, _ in moves] == [
        "registered",
        "received",
        "in_transit",
        "stored",
        "in_transit",
        "in_lab",
        "calibrated",
        "in_transit",
        "stored",
        "in_transit",
        "staged",
    ]
    assert {actor for state, _, actor in moves[2:] if state != "calibrated"} == {"fleet"}
    assert queries.verify_audit(services.uow_factory).ok


def test_a_move_the_lifecycle_refuses_holds_the_sample_and_the_fleet_carries_on(
    services: Services,
) -> None:
    (number,) = _received_samples(services, 1)
    sim, lifecycle = _fleet(services)
    lifecycle.register(EPCS[0], number)
    put = sim.storage.put_away(EPCS[0], "S", 86400, sim.clock.t)
    run_until(sim, lambda: put.task_id in sim.storage.done)

    # staging before the service is completed: the domain's guard refuses it at the locker port
    staged = sim.storage.stage_for_pickup(EPCS[0], "LOCK1", sim.clock.t)
    run_until(sim, lambda: staged.task_id in sim.storage.done)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state is SampleState.ON_HOLD
    assert sample.held_from is SampleState.IN_TRANSIT
    assert str(sample.location).startswith("robot:R")
    assert EPCS[0] in sim.storage.on_hold
    assert "service is not completed" in sim.storage.refused[staged.task_id]
    assert [a.code for a in sim.storage.alerts] == ["lifecycle_refused"]

    # the fleet still works: an unregistered load is moved without any lifecycle record
    other = sim.storage.put_away("3414000000000000000F1E09", "S", 86400, sim.clock.t)
    run_until(sim, lambda: other.task_id in sim.storage.done)
    assert sim.warehouse.slot_of("3414000000000000000F1E09") is not None
    assert queries.verify_audit(services.uow_factory).ok


def test_an_rfid_mismatch_puts_the_real_sample_on_hold(services: Services) -> None:
    (number,) = _received_samples(services, 1)
    sim, lifecycle = _fleet(services)
    lifecycle.register(EPCS[1], number)
    sim.world.misplace[EPCS[1]] = "B-02-1-05"
    put = sim.storage.put_away(EPCS[1], "S", 86400, sim.clock.t)
    run_until(sim, lambda: put.task_id in sim.storage.done)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state is SampleState.ON_HOLD
    assert sample.hold_reason is not None
    assert sample.hold_reason.value == "mismatch"
    entries = queries.timeline(services.uow_factory, c.SYSTEM, number)
    assert entries[-1].reason is not None
    assert "not read at" in entries[-1].reason
    assert queries.verify_audit(services.uow_factory).ok
