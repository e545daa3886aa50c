"""Wiring of shelf inventory: the shelf readers over LLRP (real ones from ``rfid.readers``,
simulated ones served over the world the simulated robots move tags in), the cycle count
``serve`` runs on a schedule and staff run on demand, the put-away's confirming read, and the
demo's misplacement inbox."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.domain.rfid import ReaderUnavailable, TagRead
from samplehub.core.service.commands import SYSTEM, Actor
from samplehub.core.service.ports import TagReaders
from samplehub.storage.domain.inventory import InventoryPolicy
from samplehub.storage.service.inventory import CycleSummary, count_cycle

if TYPE_CHECKING:
    from samplehub.simulation.world import SimWorld

log = logging.getLogger(__name__)
CONFIRM_ROUNDS = 2
CONFIRM_SECONDS = 0.1


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


class LlrpShelves:
    """The site's shelf readers as ``serve`` reads them: over LLRP, through the project's client.

    A reader the site file names and ``rfid.readers`` configures is read there (a real reader
    on the network); every other one is served here as a simulated LLRP reader over ``world``
    (where the simulated robots move tags), on 127.0.0.1. Implements core's ``TagReaders`` (the
    cycle counts: ``runner``) and the fleet's ``RfidReader`` (a put-away confirmed by a read of
    its slot's antenna)."""

    def __init__(self, settings: Settings, services: Services, world: SimWorld) -> None:
        from samplehub.app.wiring.rfid import ServedReaders
        from samplehub.simulation.llrp_tags import TagReadersWorld
        from samplehub.simulation.shelf_readers import SimulatedShelfReaders

        self.settings, self.services, self.world = settings, services, world
        self.shelves = SimulatedShelfReaders(world, {}, inbox=misplace_inbox(settings))
        self.served = ServedReaders(
            TagReadersWorld(self.shelves), timeout_s=settings.rfid.timeout_s
        )
        self.configured = set(settings.rfid.all_readers())
        self.spots: dict[str, tuple[str, int]] = {}
        self.runner = InventoryRunner(settings, services, self, self.before_count)
        self.before_count()

    def load_site(self) -> None:
        """The slots' antennas as the site is loaded now; their readers served."""
        from samplehub.simulation.shelf_readers import slot_antennas

        with self.services.uow_factory() as uow:
            slots = uow.slots.all()
        self.shelves.antennas = slot_antennas(slots)
        spots = {s.address: (s.reader, s.antenna) for s in slots if s.reader and s.antenna}
        self.spots = spots
        top: dict[str, int] = {}
        for reader, antenna in spots.values():
            top[reader] = max(antenna, top.get(reader, 0))
        for reader, antennas in sorted(top.items()):
            if reader not in self.configured:
                self.served.add_simulated_reader(reader, antennas)

    def before_count(self) -> None:
        """The site as loaded now, the world as the records say (tags nobody moved)."""
        self.load_site()
        sync_world(self.world, self.services)

    def inventory(
        self, reader: str, antennas: Sequence[int] | None = None, seconds: float = 1.0
    ) -> list[TagRead]:
        if reader in self.configured:
            from samplehub.app.wiring.rfid import rfid_site

            return rfid_site(self.settings).readers.inventory(reader, antennas, seconds)
        return self.served.readers.inventory(reader, antennas, seconds)

    def read(self, location_tag: str) -> list[str]:
        """EPCs (upper-case, as the records have them) read at a slot's antenna now: a few
        short rounds, so one missed read does not leave a put-away unconfirmed. A slot
        without an antenna, or a reader not answering, reads nothing (logged)."""
        address = location_tag.removeprefix("LOC-")
        if address not in self.spots:
            self.load_site()
        spot = self.spots.get(address)
        if spot is None:
            return []
        seen: set[str] = set()
        try:
            for _ in range(CONFIRM_ROUNDS):
                reads = self.inventory(spot[0], [spot[1]], CONFIRM_SECONDS)
                seen |= {r.epc.upper() for r in reads if r.antenna == spot[1]}
        except ReaderUnavailable as error:
            log.warning("slot %s: no confirming read: %s", address, error)
        return sorted(seen)

    def close(self) -> None:
        self.served.close()


def llrp_shelves(settings: Settings, services: Services, world: SimWorld) -> LlrpShelves:
    """The shelf readers of ``serve`` over LLRP (simulated ones over ``world``); their
    ``runner`` is the cycle count, and they confirm the robots' put-aways."""
    return LlrpShelves(settings, services, world)
