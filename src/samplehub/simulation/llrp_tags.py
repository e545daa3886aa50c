"""Another simulation's tags served as LLRP readers: the shelves and the locker compartments.

The shelf readers (``SimulatedShelfReaders``, over the world the simulated robots move tags in)
and the locker readers (``SimulatedLockerReaders``, over the simulated cabinets) answer the
``TagReaders`` port in process. ``TagReadersWorld`` puts one of them behind simulated LLRP
readers, so the running product reads shelves and compartments through its LLRP client over a
TCP socket, as it reads real readers. These tags are fixed: a write is answered as a tag out of
reach does ("No response from tag").
"""

from __future__ import annotations

import logging
import threading

from samplehub.core.domain.rfid import ReaderUnavailable
from samplehub.core.service.ports import TagReaders
from samplehub.simulation.llrp_world import TID_PREFIX, Sighting, SimTag

log = logging.getLogger(__name__)
NO_RESPONSE = 5  # C1G2WriteOpSpecResult: no response from tag
TRIES = 3  # a round that met a move of the robots' thread is read again


def _is_epc(text: str) -> bool:
    try:
        return len(bytes.fromhex(text)) in range(2, 63)
    except ValueError:
        return False


class TagReadersWorld:
    """Implements ``ReaderWorld`` over ``TagReaders``: what a round of a reader hears is what
    ``tags.inventory`` reads on its antennas (0 or none: all)."""

    def __init__(self, tags: TagReaders) -> None:
        self.tags = tags
        self._readers: dict[str, int] = {}
        self._known: dict[str, SimTag] = {}
        self._lock = threading.Lock()

    @property
    def readers(self) -> dict[str, int]:
        return self._readers

    def add_reader(self, name: str, antennas: int) -> None:
        with self._lock:
            self._readers[name] = antennas

    def observe(self, reader: str, antennas: tuple[int, ...]) -> list[Sighting]:
        wanted = sorted(set(antennas) - {0}) or None
        for attempt in range(TRIES):
            try:
                reads = self.tags.inventory(reader, wanted, 0.0)
                break
            except ReaderUnavailable as error:
                log.warning("simulated LLRP reader %s: %s", reader, error)
                return []
            except RuntimeError:  # the simulation's thread moved a tag while it was read
                if attempt == TRIES - 1:
                    raise
        seen = []
        for read in reads:
            if _is_epc(read.epc) and read.antenna is not None:
                rssi = -50 if read.peak_rssi is None else read.peak_rssi
                seen.append(Sighting(self._tag(read.epc.lower()), read.antenna, rssi))
        return seen

    def _tag(self, epc: str) -> SimTag:
        with self._lock:
            if epc not in self._known:
                self._known[epc] = SimTag(epc, f"{TID_PREFIX}{len(self._known) + 1:016x}")
            return self._known[epc]

    def write(self, tag: SimTag, reader: str, words: tuple[int, ...], password: int) -> int:
        return NO_RESPONSE

    def read_back(self, tag: SimTag) -> None:
        """Nothing moves: the tag stays where the other simulation has it."""
