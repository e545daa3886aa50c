"""A cycle count on the memory unit of work with simulated shelf readers: a misplacement seen
steadily becomes a finding and a relocation task back to the recorded slot; a tag gone for N
cycles holds its sample; one bad cycle finds nothing; an unreachable reader is left out."""

from __future__ import annotations

import random

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring.storage import site_places
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.domain.errors import Forbidden
from samplehub.core.domain.lifecycle import HoldReason, SampleState
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import TaskKind
from samplehub.core.service import commands as c
from samplehub.simulation.shelf_readers import SimulatedShelfReaders, slot_antennas
from samplehub.simulation.world import SimWorld
from samplehub.storage.adapters.site_yaml import read_site_text
from samplehub.storage.domain.inventory import FindingKind, FindingState, InventoryPolicy
from samplehub.storage.service import queries
from samplehub.storage.service.inventory import CycleSummary, count_cycle
from samplehub.storage.service.site import LoadSite

FLEET = c.Actor("fleet", Role.WAREHOUSE)
KIOSK = c.Actor("kiosk", Role.KIOSK)
POLICY = InventoryPolicy(rounds=3, missing_cycles=3)
SITE = """\
map:
  nodes:
  - {id: IN1, x: 0, y: 0}
  - {id: RA1, x: 5, y: 0}
storage:
  areas:
  - id: A
    racks:
    - number: 1
      access_node: RA1
      reader: RD-A01
      shelves:
      - {size_class: S, slots: 3, first_antenna: 101}
      - {size_class: L, slots: 2, first_antenna: 201}
places:
  intake_platform:K1: IN1
"""
EPC = "E28011700000020000000001"


class Rig:
    def __init__(self) -> None:
        store = MemoryStore()
        self.services: Services = bootstrap.bootstrap(
            Settings(), uow_factory=lambda: MemoryAppUnitOfWork(store), clock=FixedClock(),
            hasher=PlainHasher(), places=site_places(Settings()),
        )  # fmt: skip
        tree, lines = read_site_text(SITE)
        self.services.bus.handle(LoadSite(c.SYSTEM, tree, "test", lines))
        self.number, self.slot = self._stored()
        self.world = SimWorld()
        self.world.place(self.slot, EPC)
        with self.services.uow_factory() as uow:
            antennas = slot_antennas(uow.slots.all())
        self.readers = SimulatedShelfReaders(
            self.world, antennas, miss=0.0, cross=0.0, rng=random.Random(1)
        )

    def _stored(self) -> tuple[str, str]:
        bus = self.services.bus
        customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "某公司", "91350100M000100Y43", []))
        instrument = {"instrument_type": "压力表", "model": "Y-100"}
        order = bus.handle(c.CreateOrder(c.SYSTEM, customer, "verification", [instrument]))
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, instrument))
        bus.handle(c.ApplyTransition(KIOSK, number, "receive", "intake_platform:K1"))
        with self.services.uow_factory() as uow:
            [task] = uow.tasks.for_sample(number)
        for step in ("assigned", "picking", "carrying", "delivered", "done"):
            bus.handle(c.AdvanceTask(FLEET, task.id, step, carrier="R01"))
        with self.services.uow_factory() as uow:
            sample = uow.samples.get(number)
            assert sample is not None
            sample.epc = EPC
            uow.samples.add(sample)
            uow.commit()
            [slot] = uow.slots.holding(number)
        return number, slot.address

    def count(self, actor: c.Actor = FLEET) -> CycleSummary:
        s = self.services
        return count_cycle(self.readers, s.uow_factory, s.bus.handle, actor, POLICY, 0.1)


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_a_tag_where_recorded_is_confirmed(rig: Rig) -> None:
    done = rig.count()
    assert (done.expected, done.confirmed, done.findings) == (1, 1, [])
    assert queries.inventory(rig.services.uow_factory).accuracy == 1.0


def test_a_steady_misplacement_becomes_a_finding_and_a_relocation_back(rig: Rig) -> None:
    assert rig.slot == "A-01-1-01"
    rig.readers.move(EPC, "A-01-2-02")
    first = rig.count()
    assert first.findings == []
    second = rig.count()
    [finding] = second.findings
    assert finding.kind is FindingKind.MISPLACED
    assert finding.seen is not None
    assert finding.seen.startswith("A-01-2-02")
    with rig.services.uow_factory() as uow:
        [task] = [t for t in uow.tasks.for_sample(rig.number) if t.is_open]
        history = [r.event_type for r in uow.audit.records(rig.number)]
    assert task.kind is TaskKind.RELOCATE
    assert (str(task.source), str(task.target)) == (
        "storage_slot:A-01-2-02",
        f"storage_slot:{rig.slot}",
    )
    assert finding.task_id == task.id
    assert "ShelfFinding" in history
    assert rig.count().findings == []  # open, not raised again
    view = queries.inventory(rig.services.uow_factory)
    assert [f.kind for f in view.open] == [FindingKind.MISPLACED]
    assert [c.accuracy for c in view.trend] == [0.0, 0.0, 0.0]


def test_a_tag_gone_for_three_cycles_holds_the_sample_as_missing(rig: Rig) -> None:
    rig.world.slot_contents[rig.slot].clear()
    assert [len(rig.count().findings) for _ in range(3)] == [0, 0, 1]
    with rig.services.uow_factory() as uow:
        sample = uow.samples.get(rig.number)
    assert sample is not None
    assert (sample.state, sample.hold_reason) == (SampleState.ON_HOLD, HoldReason.MISSING)
    rig.world.place(rig.slot, EPC)
    assert rig.count().confirmed == 1
    view = queries.inventory(rig.services.uow_factory)
    assert view.open == []
    assert view.recent[0].state is FindingState.RESOLVED


def test_an_unreachable_reader_is_left_out_and_misses_nothing(rig: Rig) -> None:
    rig.readers.offline.add("RD-A01")
    done = [rig.count() for _ in range(4)]
    assert [d.findings for d in done] == [[], [], [], []]
    assert done[-1].unavailable == ("RD-A01",)
    assert done[-1].expected == 0


def test_customers_and_the_kiosk_may_not_count(rig: Rig) -> None:
    with pytest.raises(Forbidden):
        rig.count(KIOSK)
