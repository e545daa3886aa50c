"""Locker identity over Modbus with a compartment reader: the simulated cabinet behind its
pymodbus server, the reader on the ``TagReaders`` port (in process, and over LLRP). A wrong
item is refused; the right one is confirmed by its tag; a cabinet whose reader is silent
confirms nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.app.wiring.rfid import ServedReaders
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.domain.epc import giai_for_sample
from samplehub.core.domain.transport import Confirmation, TaskState
from samplehub.core.service import commands as c
from samplehub.core.service.ports import TagReaders
from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
from samplehub.pickup.adapters.lockers.register_map import LockerBank
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.capacity import CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service.identity import IdentifiedLockers
from samplehub.simulation.llrp_tags import TagReadersWorld
from samplehub.simulation.lockers import SimulatedLoader, SimulatedLocker, SimulatedLockerReaders
from tests.integration.samplehub.test_pickup_flow import START, _carrier, _ready_samples, sim

__all__ = ["sim"]  # the fixture, used by name


def _epc(number: str) -> str:
    return giai_for_sample(number, "0614141").to_hex()


@pytest.fixture(params=["in process", "llrp"])
def rig(
    sim: SimulatedLocker, request: pytest.FixtureRequest
) -> Iterator[tuple[Services, pickup.PickupDeps, SimulatedLockerReaders]]:
    """The cabinet behind Modbus; its reader read in process, or over LLRP as ``serve`` reads
    it (a simulated LLRP reader on a TCP socket, an antenna per door)."""
    store = MemoryStore()
    clock = FixedClock(START)
    services = bootstrap.bootstrap(
        Settings(), uow_factory=lambda: MemoryAppUnitOfWork(store), clock=clock,
        hasher=PlainHasher(),
    )  # fmt: skip
    modbus = ModbusLockerController(LockerBank({"C1": sim.cabinet("C1")}))
    readers = SimulatedLockerReaders({"C1": sim}, {"RD-C1": "C1"})
    tags: TagReaders = readers
    served = ServedReaders(TagReadersWorld(readers))
    if request.param == "llrp":
        served.add_simulated_reader("RD-C1", len(sim.doors))
        tags = served.readers
    lockers = IdentifiedLockers(modbus, tags, {"C1": "RD-C1"})
    deps = pickup_wiring.pickup_deps(
        services, lockers, ListNotifier(), clock, CodeHasher(b"integration-key-0123456789"),
        PickupPolicy(opening=time(9), closing=time(17)),
    )  # fmt: skip
    yield services, deps, readers
    served.close()
    modbus.close()


def test_a_wrong_item_is_refused_and_the_right_one_confirmed_by_its_tag(
    rig: tuple[Services, pickup.PickupDeps, SimulatedLockerReaders], sim: SimulatedLocker
) -> None:
    services, deps, _ = rig
    order, [number] = _ready_samples(services, 1)
    customer = services.uow_factory().samples.get(number)
    assert customer is not None
    actor = c.Actor("cust-a", c.Role.CUSTOMER, customer.customer_id)
    window = pickup.offer(deps, [CompartmentSize.S])[0].window
    booking_id = pickup.book(deps, actor, order, customer.customer_id,
                             {number: CompartmentSize.S}, window)  # fmt: skip
    [target] = pickup.request_staging(deps, booking_id).values()
    task_id = _carrier(services).carry_sample(number, TaskState.DELIVERED)
    wrong = SimulatedLoader({"C1": sim}, lambda _: _epc("WT9999-01"))
    assert pickup.follow_staging(deps, wrong, booking_id) == {}
    assert [k for k, _ in deps.notifier.staff] == ["locker_wrong_item"]  # type: ignore[attr-defined]
    door = int(target.code.rpartition("-")[2])
    sim.take(door)
    right = SimulatedLoader({"C1": sim}, _epc)
    assert pickup.follow_staging(deps, right, booking_id) == {number: target}
    [task] = [t for t in _carrier(services).tasks(number) if t.id == task_id]
    assert (task.state, task.confirmation) == (TaskState.DONE, Confirmation.RFID)
