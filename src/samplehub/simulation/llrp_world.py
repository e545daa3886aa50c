"""The world the simulated LLRP readers see: named readers, their antennas, tags on them.

Tags are placed per antenna (``place``, ``move``, ``remove``). Each inventory round misses a
tag with ``miss_probability`` and, with ``cross_read_probability``, also hears it on each
neighbouring antenna of the same reader (antenna ± 1) ``cross_read_drop_db`` weaker. An
antenna can hold a roll of blank tags (``roll``): it always presents one blank tag; a tag that
was written and read back moves off the antenna (it leaves with its sample), and a tag whose
write failed is voided and replaced by a fresh blank one. ``fail_writes`` makes the next writes
fail as a tag out of reach does ("No response from tag").
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

BLANK_EPC = "000000000000000000000000"
TID_PREFIX = "e2801170"  # a Gen2 TID's class and mask designer, the shape of a real chip's TID


@dataclass
class SimTag:
    """One tag: EPC bank (lower-case hex), TID, whether a write needs the access password."""

    epc: str
    tid: str
    locked: bool = False
    access_password: int = 0
    read_back: bool = False


@dataclass(frozen=True)
class Sighting:
    """A tag heard by an antenna in a round, and how strongly (dBm)."""

    tag: SimTag
    antenna: int
    rssi: int


class ReaderWorld(Protocol):
    """What a simulated LLRP reader serves: readers (name → antenna count), what a round hears,
    and the tag operations of an AccessSpec (``SimulatedReaderWorld``, or another simulation's
    tags seen through ``simulation.llrp_tags``)."""

    @property
    def readers(self) -> Mapping[str, int]: ...

    def add_reader(self, name: str, antennas: int) -> None: ...

    def observe(self, reader: str, antennas: tuple[int, ...]) -> list[Sighting]: ...

    def write(self, tag: SimTag, reader: str, words: tuple[int, ...], password: int) -> int: ...

    def read_back(self, tag: SimTag) -> None: ...


@dataclass
class SimulatedReaderWorld:
    """Readers (name → antenna count) and where every tag lies; safe to use from any thread."""

    readers: dict[str, int] = field(default_factory=dict)
    miss_probability: float = 0.0
    cross_read_probability: float = 0.0
    cross_read_drop_db: int = 15
    seed: int | None = None
    fail_writes: int = 0
    _where: dict[str, tuple[str, int]] = field(default_factory=dict)
    _tags: dict[str, SimTag] = field(default_factory=dict)
    _rolls: set[tuple[str, int]] = field(default_factory=set)
    _next_tid: int = 1
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def add_reader(self, name: str, antennas: int) -> None:
        with self._lock:
            self.readers[name] = antennas

    def _check(self, reader: str, antenna: int) -> None:
        if reader not in self.readers or not 1 <= antenna <= self.readers[reader]:
            raise ValueError(
                f"reader {reader!r} antenna {antenna}: known readers {self.readers} (antennas 1..n)"
            )

    def _new_tid(self) -> str:
        tid = f"{TID_PREFIX}{self._next_tid:016x}"
        self._next_tid += 1
        return tid

    def place(self, epc: str, reader: str, antenna: int, *, tid: str | None = None) -> SimTag:
        """Put a tag carrying ``epc`` on an antenna (a known EPC is moved there)."""
        with self._lock:
            self._check(reader, antenna)
            key = epc.lower()
            tag = self._tags.get(key) or SimTag(key, tid or self._new_tid())
            self._tags[key] = tag
            self._where[key] = (reader, antenna)
            return tag

    def move(self, epc: str, reader: str, antenna: int) -> None:
        with self._lock:
            if epc.lower() not in self._tags:
                raise KeyError(f"no tag with EPC {epc} in the simulated world")
            self.place(epc, reader, antenna)

    def remove(self, epc: str) -> None:
        """Take a tag out of every reader's field (it stays known and can be placed again)."""
        with self._lock:
            self._where.pop(epc.lower(), None)

    def where(self, epc: str) -> tuple[str, int] | None:
        with self._lock:
            return self._where.get(epc.lower())

    def known(self, epc: str) -> SimTag | None:
        """The tag carrying this EPC, wherever it is (on an antenna or gone with its sample)."""
        with self._lock:
            return self._tags.get(epc.lower())

    def tags_at(self, reader: str, antenna: int) -> list[str]:
        with self._lock:
            return sorted(e for e, at in self._where.items() if at == (reader, antenna))

    def roll(self, reader: str, antenna: int) -> None:
        """Keep one fresh blank tag on this antenna (the intake's roll of inlays)."""
        with self._lock:
            self._check(reader, antenna)
            self._rolls.add((reader, antenna))
            self._feed(reader, antenna)

    def _feed(self, reader: str, antenna: int) -> None:
        if (reader, antenna) in self._rolls and not self.tags_at(reader, antenna):
            tid = self._new_tid()
            self._place_tag(SimTag(f"{BLANK_EPC[:8]}{tid[8:]}", tid), reader, antenna)

    def _place_tag(self, tag: SimTag, reader: str, antenna: int) -> None:
        self._tags[tag.epc] = tag
        self._where[tag.epc] = (reader, antenna)

    def observe(self, reader: str, antennas: tuple[int, ...]) -> list[Sighting]:
        """What one round on ``antennas`` (empty or 0: all) hears."""
        with self._lock:
            count = self.readers.get(reader, 0)
            wanted = set(antennas) - {0} or set(range(1, count + 1))
            seen: list[Sighting] = []
            for epc, (at_reader, at_antenna) in sorted(self._where.items()):
                if at_reader != reader:
                    continue
                tag = self._tags[epc]
                rssi = -50 + self._rng.randint(-4, 4)
                if at_antenna in wanted and self._rng.random() >= self.miss_probability:
                    seen.append(Sighting(tag, at_antenna, rssi))
                for near in (at_antenna - 1, at_antenna + 1):
                    heard = self._rng.random() < self.cross_read_probability
                    if heard and near in wanted and 1 <= near <= count:
                        seen.append(Sighting(tag, near, rssi - self.cross_read_drop_db))
            return seen

    def write(self, tag: SimTag, reader: str, words: tuple[int, ...], password: int) -> int:
        """Write the EPC bank; the C1G2WriteOpSpecResult code (0 success, 2 locked, 5 no reply)."""
        with self._lock:
            at = self._where.get(tag.epc)
            if self.fail_writes > 0:
                self.fail_writes -= 1
                self._void(tag, at)
                return 5
            if tag.locked and password != tag.access_password:
                return 2
            new = "".join(f"{w:04x}" for w in words)
            self._tags.pop(tag.epc, None)
            self._where.pop(tag.epc, None)
            tag.epc, tag.read_back = new, False
            self._tags[new] = tag
            if at is not None:
                self._where[new] = at
            return 0

    def _void(self, tag: SimTag, at: tuple[str, int] | None) -> None:
        self._where.pop(tag.epc, None)
        if at is not None:
            self._feed(*at)

    def read_back(self, tag: SimTag) -> None:
        """A written tag read on a roll antenna leaves with its sample; a blank one follows."""
        with self._lock:
            at = self._where.get(tag.epc)
            if at in self._rolls and tag.epc[:8] != BLANK_EPC[:8]:
                self._where.pop(tag.epc, None)
                self._feed(*at)
