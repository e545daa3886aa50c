"""Clocks for simulations and demos.

``SimClock`` gives the fleet simulation its time (``t``, epoch seconds; ``now()`` for the Clock
port; simulated time starts on a fixed Monday); ``SteppingClock`` moves a fixed step at every
reading, for demo histories.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SIM_EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC).timestamp()


class SimClock:
    def __init__(self, start: float = SIM_EPOCH) -> None:
        self.start = start
        self.t = start

    def now(self) -> datetime:
        """The core's Clock port: simulated time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.t, UTC)

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t

    @property
    def elapsed(self) -> float:
        return self.t - self.start


class SteppingClock:
    def __init__(self, start: datetime, step: timedelta) -> None:
        self._next = start
        self._step = step

    def now(self) -> datetime:
        current = self._next
        self._next += self._step
        return current
