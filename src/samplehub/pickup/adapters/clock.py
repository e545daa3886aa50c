"""A wall clock that can be moved forward: demos and browser tests jump to a pickup window."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class ShiftedClock:
    """UTC now plus an offset; ``shift`` moves it (never the machine's clock)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self.offset

    def shift(self, delta: timedelta) -> None:
        with self._lock:
            self.offset += delta

    def jump_to(self, at: datetime) -> None:
        """Move so that now is ``at`` (and runs on from there)."""
        with self._lock:
            self.offset = at - datetime.now(UTC)
