"""Wiring of shelf inventory: the shelf readers (simulated over the world the simulated robots
move tags in; the LLRP readers plug in behind the same ``TagReaders`` port), the cycle count
``serve`` runs on a schedule and staff run on demand, and the demo's misplacement inbox."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.service.commands import SYSTEM, Actor
from samplehub.core.service.ports import TagReaders
from samplehub.storage.domain.inventory import InventoryPolicy
from samplehub.storage.service.inventory import CycleSummary, count_cycle

if TYPE_CHECKING:
    from samplehub.simulation.world import SimWorld

log = logging.getLogger(__name__)


def misplace_inbox(settings: Settings) -> Path:
    """Where ``samplehub simulate misplace`` leaves moves for the running simulation."""
    return settings.data_dir / "simulation" / "misplace.jsonl"


def policy(settings: Settings) -> InventoryPolicy:
    storage = settings.storage
    return InventoryPolicy(
        rounds=storage.inventory_rounds, missing_cycles=storage.inventory_missing_cycles
    )


def sync_world(world: SimWorld, services: Services) -> None:
    """The simulated world follows the records for tags nobody moved in it: a sample stored
    by hand (or seeded) lies in its recorded slot, one that left storage is gone."""
    recorded: dict[str, str] = {}
    with services.uow_factory() as uow:
        for slot in uow.slots.all():
            sample = uow.samples.get(slot.occupant) if slot.occupant else None
            if sample is not None and sample.epc:
                recorded[sample.epc] = slot.address
        reserved = {s.reserved_for for s in uow.slots.all() if s.reserved_for}
        epcs = {}
        for number in reserved:
            sample = uow.samples.get(number)
            if sample is not None and sample.epc:
                epcs[sample.epc] = number
    present: set[str] = set()
    for contents in world.slot_contents.values():
        for epc in list(contents):
            if epc not in recorded and epc not in epcs:
                contents.discard(epc)
        present |= contents
    for epc, address in recorded.items():
        if epc not in present:
            world.place(address, epc)


class InventoryRunner:
    """One cycle count at a time, by the schedule or by staff (the /storage button, the API)."""

    def __init__(
        self,
        settings: Settings,
        services: Services,
        readers: TagReaders,
        before: Callable[[], None] | None = None,
    ) -> None:
        self.settings, self.services, self.readers = settings, services, readers
        self.before = before
        self._lock = threading.Lock()

    def __call__(self, actor: Actor = SYSTEM) -> CycleSummary:
        with self._lock:
            if self.before is not None:
                self.before()
            summary = count_cycle(
                self.readers, self.services.uow_factory, self.services.bus.handle, actor,
                policy(self.settings), self.settings.storage.inventory_round_seconds,
            )  # fmt: skip
        log.info("cycle count %s: %s of %s records confirmed, %s findings", summary.cycle,
                 summary.confirmed, summary.expected, len(summary.findings))  # fmt: skip
        return summary


def simulated_runner(settings: Settings, services: Services, world: SimWorld) -> InventoryRunner:
    """The shelf readers of ``serve`` without real ones: simulated over ``world``."""
    from samplehub.simulation.shelf_readers import SimulatedShelfReaders, slot_antennas

    readers = SimulatedShelfReaders(world, {}, inbox=misplace_inbox(settings))

    def before() -> None:  # the site as loaded now, the world as the records say
        with services.uow_factory() as uow:
            readers.antennas = slot_antennas(uow.slots.all())
        sync_world(world, services)

    return InventoryRunner(settings, services, readers, before)
