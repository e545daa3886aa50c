"""Simulated shelf readers (the ``TagReaders`` port) over the simulated world.

Each slot has an antenna of its rack's reader (the site file). A round reads every tag in the
slots under the asked antennas, missing each read with ``miss`` probability; with ``cross``
probability a tag is also read, weaker, by the antenna of a neighbouring slot (the next slot on
the shelf, or the same place on the shelf above or below). Tags move when robots move them
(the world) or when the demo misplaces one (``move``, or a line in the misplacement inbox a
``samplehub simulate misplace`` in another process writes).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from samplehub.core.domain.rfid import ReaderUnavailable, TagRead
from samplehub.simulation.world import SimWorld
from samplehub.storage.domain.site import SlotRecord

log = logging.getLogger(__name__)
DIRECT_DBM = -45.0
CROSS_DBM = -67.0
NOISE_DB = 3.0


@dataclass(frozen=True)
class SlotAntenna:
    reader: str
    antenna: int
    neighbours: tuple[str, ...]


def slot_antennas(slots: Sequence[SlotRecord]) -> dict[str, SlotAntenna]:
    """Each slot with a reader, with its antenna and its neighbours on the same rack."""
    place = {(s.area, s.rack, s.shelf, int(s.address[-2:])): s.address for s in slots}
    antennas = {}
    for s in slots:
        if s.reader is None or s.antenna is None:
            continue
        n = int(s.address[-2:])
        around = [(s.shelf, n - 1), (s.shelf, n + 1), (s.shelf - 1, n), (s.shelf + 1, n)]
        near = tuple(place[k] for sh, m in around if (k := (s.area, s.rack, sh, m)) in place)
        antennas[s.address] = SlotAntenna(s.reader, s.antenna, near)
    return antennas


class SimulatedShelfReaders:
    """Implements ``TagReaders`` on a ``SimWorld`` whose slot contents are EPCs (hex)."""

    def __init__(
        self,
        world: SimWorld,
        antennas: Mapping[str, SlotAntenna],
        *,
        miss: float = 0.03,
        cross: float = 0.05,
        rng: random.Random | None = None,
        inbox: Path | None = None,
        clock_us: int = 0,
    ) -> None:
        self.world, self.antennas = world, dict(antennas)
        self.miss, self.cross = miss, cross
        self.rng = rng or random.Random(5084)
        self.inbox = inbox
        self.offline: set[str] = set()
        self.clock_us = clock_us

    def move(self, epc: str, address: str) -> None:
        """The tag is now in ``address`` (taken from wherever it was): nobody recorded it."""
        key = epc  # the world keeps the robots' load ids: the EPC as the sample record has it
        for contents in self.world.slot_contents.values():
            for held in [e for e in contents if e.lower() == epc.lower()]:
                contents.discard(held)
                key = held
        self.world.place(address, key)

    def take_inbox(self) -> int:
        """Apply the misplacements written to the inbox since the last look."""
        if self.inbox is None or not self.inbox.exists():
            return 0
        taken = self.inbox.with_suffix(".taking")
        self.inbox.replace(taken)
        moved = 0
        for line in taken.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
                self.move(str(item["epc"]), str(item["slot"]))
                moved += 1
            except (ValueError, KeyError, TypeError):
                log.warning("misplacement inbox: line ignored: %r", line[:200])
        taken.unlink()
        return moved

    def inventory(
        self, reader: str, antennas: Sequence[int] | None = None, seconds: float = 1.0
    ) -> list[TagRead]:
        if reader in self.offline:
            raise ReaderUnavailable(f"RFID reader {reader} not answering (simulated)")
        self.take_inbox()
        wanted = None if antennas is None else set(antennas)
        self.clock_us += int(seconds * 1e6)
        reads: list[TagRead] = []
        for address, contents in sorted(self.world.slot_contents.items()):
            here = self.antennas.get(address)
            if here is None or here.reader != reader:
                continue
            for epc in sorted(contents):
                if (wanted is None or here.antenna in wanted) and self.rng.random() >= self.miss:
                    reads.append(self._read(epc, reader, here.antenna, DIRECT_DBM))
                if here.neighbours and self.rng.random() < self.cross:
                    near = self.antennas[self.rng.choice(here.neighbours)]
                    if near.reader == reader and (wanted is None or near.antenna in wanted):
                        reads.append(self._read(epc, reader, near.antenna, CROSS_DBM))
        return reads

    def _read(self, epc: str, reader: str, antenna: int, dbm: float) -> TagRead:
        rssi = round(dbm + self.rng.gauss(0.0, NOISE_DB))
        return TagRead(epc.lower(), reader, antenna, rssi, self.clock_us, 1)


def write_misplacement(inbox: Path, epc: str, slot: str) -> None:
    """Ask the running simulation to move a tag (``samplehub simulate misplace``)."""
    inbox.parent.mkdir(parents=True, exist_ok=True)
    with inbox.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"epc": epc, "slot": slot}) + "\n")
