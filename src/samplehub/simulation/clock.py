"""A clock that moves forward a fixed step at every reading, for demo histories that look lived."""

from __future__ import annotations

from datetime import datetime, timedelta


class SteppingClock:
    def __init__(self, start: datetime, step: timedelta) -> None:
        self._next = start
        self._step = step

    def now(self) -> datetime:
        current = self._next
        self._next += self._step
        return current
