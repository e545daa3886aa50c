"""Flow figures: how long the institute's moves take, day by day in China time.

Three waits are measured, the seed institute's complaints (取样备货等候较久, slow flow):

* ``pickup_prep``: a pickup booking made → every sample of it confirmed in its compartment (or
  at the counter); a booking that was ready only after its window had started counts as late;
* ``put_away``: a put-away task created at intake → done (the sample on its shelf);
* ``to_bench``: a to-bench task created at a lab request → done (the sample at the bench).

Each wait belongs to the day it ended on. Percentiles are by nearest rank, as the flow
benchmark (``benchmarks/flow_bench.py``) reports them: of 20 waits the p95 is the 19th
shortest and the p50 the 10th.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

FIGURES = ("pickup_prep", "put_away", "to_bench")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, ``q`` in per cent (0 for no values): the smallest value that at
    least ``q`` % of the values do not exceed, the ⌈q/100 · n⌉-th smallest (of 20 values the
    95th percentile is the 19th, the 50th the 10th)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered) - 1e-9)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Spread:
    """How many waits, and their p50, p95 and slowest in seconds (None when there are none)."""

    n: int
    p50: float | None
    p95: float | None
    slowest: float | None


def spread(seconds: Sequence[float]) -> Spread:
    if not seconds:
        return Spread(0, None, None, None)
    return Spread(len(seconds), percentile(seconds, 50), percentile(seconds, 95), max(seconds))


@dataclass(frozen=True)
class Wait:
    """One measured wait of a figure (one of ``FIGURES``)."""

    figure: str
    start: datetime
    end: datetime
    late: bool = False

    def __post_init__(self) -> None:
        if self.figure not in FIGURES:
            raise ValueError(f"figure {self.figure!r} is none of {', '.join(FIGURES)}")

    @property
    def seconds(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds())


@dataclass(frozen=True)
class Figures:
    """The spread of every figure over some waits (a day's, or a whole range's), and how many
    bookings were ready only after their window had started."""

    spreads: dict[str, Spread]
    late: int

    @classmethod
    def of(cls, waits: Iterable[Wait]) -> Figures:
        seconds: dict[str, list[float]] = {name: [] for name in FIGURES}
        late = 0
        for wait in waits:
            seconds[wait.figure].append(wait.seconds)
            late += wait.late
        return cls({name: spread(seconds[name]) for name in FIGURES}, late)


def days(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def by_day(
    waits: Iterable[Wait], first: date, last: date, tz: tzinfo
) -> list[tuple[date, Figures]]:
    """Each day from ``first`` to ``last`` (in ``tz``) with the figures of the waits that ended on
    it; waits that ended on no such day are left out."""
    on: dict[date, list[Wait]] = {day: [] for day in days(first, last)}
    for wait in waits:
        day = wait.end.astimezone(tz).date()
        if day in on:
            on[day].append(wait)
    return [(day, Figures.of(on[day])) for day in sorted(on)]
