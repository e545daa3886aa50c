"""Simulated and real clocks with the same ``now()``; simulated time starts on a fixed Monday."""

from __future__ import annotations

import time
from datetime import UTC, datetime

SIM_EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC).timestamp()


class SimClock:
    def __init__(self, start: float = SIM_EPOCH) -> None:
        self.start = start
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t

    @property
    def elapsed(self) -> float:
        return self.t - self.start


class RealClock:
    def now(self) -> float:
        return time.time()
