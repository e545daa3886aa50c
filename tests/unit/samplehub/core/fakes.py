"""The core tests' doubles: a monotonic clock a test moves by hand. The fakes the product ships
(``MemoryStore``, ``FixedClock``, ``PlainHasher`` …) live in ``samplehub.core.adapters.memory``;
the units of work that fail on demand are the integration tests' (their conftest)."""

from __future__ import annotations


class Ticks:
    """A monotonic clock that moves only when a test sets ``now``."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now
