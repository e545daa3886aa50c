"""The read model of the hot path: each sample's current status document, kept in memory.

Kiosks, tracking pages and devices ask "what is the state of JX2026-000123?" far more often
than anything changes. ``StatusCache`` keeps the answer the entrypoint rendered (its owner and
the bytes) and drops it when a committed event names the sample: bootstrap has every unit of
work tell it each commit's events (``after_commit``), whoever commits. Entries also expire
after ``ttl`` seconds, which bounds how long a status can trail a change committed by another
process (several API workers on one PostgreSQL).

A lookup that misses reads the database outside the cache's lock; if an event arrived while it
read, its answer is returned but not kept, so a stale document is never stored.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from samplehub.core.domain.events import Event


@dataclass(frozen=True)
class Status:
    owner: str  # the customer id the sample belongs to, for the tenant check
    document: bytes  # the rendered answer


class StatusCache:
    def __init__(
        self,
        ttl: float,
        max_entries: int = 50_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError(f"status cache ttl {ttl!r}: must be 0 (off) or more seconds")
        self.ttl = ttl
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[str, tuple[float, Status]] = OrderedDict()
        self._generation = 0  # bumped by every invalidation
        self._lock = threading.Lock()

    def get(self, number: str) -> Status | None:
        """The kept status, if fresh; never reads the database (safe on the event loop)."""
        with self._lock:
            kept = self._entries.get(number)
            if kept is None:
                return None
            expires, status = kept
            if self._monotonic() >= expires:
                del self._entries[number]
                return None
            self._entries.move_to_end(number)
            return status

    def load(self, number: str, loader: Callable[[], Status]) -> Status:
        """The kept status, else ``loader()``'s (which may raise), kept when nothing changed."""
        kept = self.get(number)
        if kept is not None:
            return kept
        with self._lock:
            generation = self._generation
        status = loader()
        if self.ttl == 0:
            return status
        with self._lock:
            if self._generation == generation:
                self._entries[number] = (self._monotonic() + self.ttl, status)
                self._entries.move_to_end(number)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return status

    def publish(self, events: Sequence[Event]) -> None:
        """Forget every sample a committed event names."""
        numbers = {e.sample_number for e in events if e.sample_number is not None}
        if not numbers:
            return
        with self._lock:
            self._generation += 1
            for number in numbers:
                self._entries.pop(number, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
