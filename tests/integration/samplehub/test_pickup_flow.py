"""A whole pickup over the lead's message bus and a simulated Modbus cabinet on real TCP.

At the end every sample's state must agree with its custody records, and the chain must verify.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.domain import audit
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.transport import Confirmation
from samplehub.core.service import commands as c
from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
from samplehub.pickup.adapters.lockers.register_map import LockerBank, load_bank
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.capacity import CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.kiosk import KioskVerdict
from samplehub.simulation.carrier import InstantCarrier, stage_at_once
from samplehub.simulation.lockers import SimulatedLoader, SimulatedLocker

FIXTURES = Path(__file__).parents[2] / "fixtures" / "samplehub" / "modbus"
START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in China


@pytest.fixture
def sim() -> Iterator[SimulatedLocker]:
    model = load_bank(FIXTURES / "cabinet-generic-8.yaml").cabinets["C1"].model
    with SimulatedLocker(model, sensor_delay_s=0.02) as locker:
        yield locker


@pytest.fixture
def world(sim: SimulatedLocker) -> Iterator[tuple[Services, MemoryStore, pickup.PickupDeps]]:
    store = MemoryStore()
    clock = FixedClock(START)
    services = bootstrap.bootstrap(
        Settings(),
        uow_factory=lambda: MemoryAppUnitOfWork(store),
        clock=clock,
        hasher=PlainHasher(),
    )
    lockers = ModbusLockerController(LockerBank({"C1": sim.cabinet("C1")}))
    deps = pickup_wiring.pickup_deps(
        services,
        lockers,
        ListNotifier(),
        clock,
        CodeHasher(b"integration-key-0123456789"),
        PickupPolicy(opening=time(9), closing=time(17)),
    )
    yield services, store, deps
    lockers.close()


def _ready_samples(services: Services, count: int) -> tuple[str, list[str]]:
    """Samples whose service is completed and that are back in storage."""
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43"))
    order = bus.handle(
        c.CreateOrder(
            c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表", "quantity": count}]
        )
    )
    numbers = []
    for _ in range(count):
        n = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
        for transition, where in [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:R1"),
            ("deliver_to_lab", "lab_bench:B1"),
            ("complete_service", None),
            ("start_transport", "robot:R1"),
            ("store", "storage_slot:A-01-1-01"),
        ]:
            bus.handle(c.ApplyTransition(c.SYSTEM, n, transition, where))
        numbers.append(n)
    return order, numbers


def _carrier(services: Services) -> InstantCarrier:
    return InstantCarrier(services.bus.handle, services.uow_factory)


def _consistent(store: MemoryStore) -> None:
    assert audit.verify(store.audit).ok
    for sample in store.samples.values():
        moves = [
            r
            for r in store.audit
            if r.sample_number == sample.number and r.event_type == "SampleTransitioned"
        ]
        assert moves
        assert f'"to_state":"{sample.state.value}"' in moves[-1].payload
        assert f'"location":"{sample.location}"' in moves[-1].payload


def test_book_stage_and_collect_over_modbus(
    world: tuple[Services, MemoryStore, pickup.PickupDeps], sim: SimulatedLocker
) -> None:
    services, store, deps = world
    order, samples = _ready_samples(services, 2)
    customer_id = store.samples[samples[0]].customer_id
    actor = c.Actor("cust-a", c.Role.CUSTOMER, customer_id)
    sizes = {samples[0]: CompartmentSize.S, samples[1]: CompartmentSize.L}
    window = pickup.offer(deps, list(sizes.values()))[0].window
    booking_id = pickup.book(deps, actor, order, customer_id, sizes, window)

    sim.jam(1)  # the first S compartment will not open: its task is re-routed to the next
    staged = stage_at_once(deps, SimulatedLoader({"C1": sim}), booking_id, _carrier(services))
    assert sorted(staged) == sorted(samples)
    assert {store.samples[s].state for s in samples} == {SampleState.STAGED}
    assert "C1-01" in deps.out_of_service
    for sample in samples:  # the simulated cabinet has a presence bit, no tag reader
        [task] = [t for t in _carrier(services).tasks(sample) if t.kind.value == "to_locker"]
        assert (task.state.value, task.confirmation) == ("done", Confirmation.PRESENCE_ONLY)

    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = window.start
    assert isinstance(deps.notifier, ListNotifier)
    answer = pickup_kiosk.enter_code(deps, "K1", deps.notifier.codes[booking_id])
    assert answer.verdict is KioskVerdict.ACCEPTED
    assert len(answer.opened) == 2
    for code in answer.opened:
        door = int(code.split("-")[1])
        assert sim.is_open(door)
        sim.take(door)
        sim.close(door)
    receipt = pickup_kiosk.doors_closed(deps, booking_id)
    assert receipt.collected == sorted(samples)
    assert {store.samples[s].state for s in samples} == {SampleState.COLLECTED}
    _consistent(store)


def test_uncollected_path_returns_the_sample_to_storage(
    world: tuple[Services, MemoryStore, pickup.PickupDeps], sim: SimulatedLocker
) -> None:
    services, store, deps = world
    order, (sample,) = _ready_samples(services, 1)
    customer_id = store.samples[sample].customer_id
    window = pickup.offer(deps, [CompartmentSize.M])[0].window
    booking_id = pickup.book(
        deps, c.SYSTEM, order, customer_id, {sample: CompartmentSize.M}, window
    )
    carrier = _carrier(services)
    stage_at_once(deps, SimulatedLoader({"C1": sim}), booking_id, carrier)
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = window.end + timedelta(days=3, seconds=1)
    assert pickup_kiosk.expire_overdue(deps) == [booking_id]
    # a back-to-storage task: the sample moves when its carrier picks it up
    assert store.samples[sample].state is SampleState.STAGED
    carrier.carry_sample(sample, place="storage_slot:A-01-1-01")
    assert store.samples[sample].state is SampleState.STORED
    assert str(store.samples[sample].location) == "storage_slot:A-01-1-01"
    _consistent(store)


def test_lockout_then_the_right_code_with_robot_staging(
    world: tuple[Services, MemoryStore, pickup.PickupDeps], sim: SimulatedLocker
) -> None:
    services, store, deps = world
    order, (sample,) = _ready_samples(services, 1)
    customer_id = store.samples[sample].customer_id
    window = pickup.offer(deps, [CompartmentSize.S])[0].window
    booking_id = pickup.book(
        deps, c.SYSTEM, order, customer_id, {sample: CompartmentSize.S}, window
    )
    staged = stage_at_once(deps, SimulatedLoader({"C1": sim}), booking_id, _carrier(services))
    door = int(staged[sample].code.split("-")[1])
    assert store.samples[sample].state is SampleState.STAGED
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = window.start
    for _ in range(5):
        wrong = pickup_kiosk.enter_code(deps, "K1", "999999")
        assert wrong.verdict is KioskVerdict.REJECTED
    assert isinstance(deps.notifier, ListNotifier)
    code = deps.notifier.codes[booking_id]
    assert pickup_kiosk.enter_code(deps, "K1", code).verdict is KioskVerdict.LOCKED
    assert not sim.is_open(door)
    deps.clock.advance(5 * 60)
    answer = pickup_kiosk.enter_code(deps, "K1", code)
    assert answer.opened == [f"C1-{door:02d}"]
    sim.take(door)
    sim.close(door)
    assert pickup_kiosk.doors_closed(deps, booking_id).collected == [sample]
    assert store.samples[sample].state is SampleState.COLLECTED
    _consistent(store)
