"""Pickup windows and what they can hold: compartments by size, the counter, staging throughput.

The portal offers a window only if two things can really be met:

* space: at every moment the window's samples would be held (from the start of staging, a lead
  time before the window, to its end), all bookings then held fit into the compartments, a
  sample fitting any compartment of its size or larger, with the rest on the staff counter
  within its capacity;
* staging: the fleet stages samples at a known rate (from the fleet's estimate), and each
  booking's samples must be staged between its staging start (never before now) and its window.
  That is a single-resource schedule with release times and deadlines; it is feasible exactly
  when, for every release ``a`` and deadline ``b``, the work released at or after ``a`` and due
  by ``b`` fits into ``b - a`` (the earliest-deadline-first condition).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.messages import Message

CHINA = timezone(timedelta(hours=8), "CST")


class CompartmentSize(enum.IntEnum):
    """Ordered, so that a sample fits any compartment of its size or larger."""

    S = 1
    M = 2
    L = 3

    @classmethod
    def parse(cls, value: object, field_name: str = "size") -> CompartmentSize:
        if isinstance(value, CompartmentSize):
            return value
        try:
            return cls[str(value).upper()]
        except KeyError:
            raise InvalidValue(field_name, value, ", ".join(m.name for m in cls)) from None


@dataclass(frozen=True)
class Compartment:
    code: str  # e.g. "C1-07": cabinet C1, door 7
    size: CompartmentSize


@dataclass(frozen=True, order=True)
class PickupWindow:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidValue("window", self.start, "timezone-aware times")
        if self.end <= self.start:
            raise InvalidValue("window.end", self.end.isoformat(), f"after {self.start}")


@dataclass(frozen=True)
class PickupPolicy:
    """The institute's pickup settings; times of day are in ``tz``."""

    window_length: timedelta = timedelta(minutes=30)
    opening: time = time(8, 30)
    closing: time = time(17, 30)
    open_weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    tz: tzinfo = CHINA
    staging_lead: timedelta = timedelta(hours=2)
    grace: timedelta = timedelta(days=3)
    staging_per_hour: int = 40  # samples the fleet can stage per hour, from its estimate
    counter_capacity: int = 20  # samples the staff counter can hold at once
    horizon: timedelta = timedelta(days=7)

    def __post_init__(self) -> None:
        if self.window_length <= timedelta(0):
            raise InvalidValue("pickup.window_length", self.window_length, "> 0")
        if self.closing <= self.opening:
            raise InvalidValue("pickup.closing", self.closing, f"after {self.opening}")
        if self.staging_per_hour < 1:
            raise InvalidValue("pickup.staging_per_hour", self.staging_per_hour, ">= 1")
        if self.counter_capacity < 0:
            raise InvalidValue("pickup.counter_capacity", self.counter_capacity, ">= 0")
        if self.staging_lead < timedelta(0) or self.grace < timedelta(0):
            raise InvalidValue("pickup.staging_lead/grace", self.staging_lead, ">= 0")

    @property
    def staging_seconds_per_sample(self) -> float:
        return 3600.0 / self.staging_per_hour


def windows_between(policy: PickupPolicy, since: datetime, until: datetime) -> list[PickupWindow]:
    """The grid of windows in opening hours that lie between ``since`` and ``until``."""
    found: list[PickupWindow] = []
    day: date = since.astimezone(policy.tz).date()
    while True:
        day_open = datetime.combine(day, policy.opening, policy.tz)
        if day_open > until:
            return found
        if day.weekday() in policy.open_weekdays:
            start = day_open
            close = datetime.combine(day, policy.closing, policy.tz)
            while start + policy.window_length <= close:
                end = start + policy.window_length
                if start >= since and end <= until:
                    found.append(PickupWindow(start, end))
                start = end
        day += timedelta(days=1)


@dataclass(frozen=True)
class Allocation:
    """Where each sample goes: a compartment code, or the counter."""

    lockers: dict[str, str] = field(default_factory=dict)  # sample -> compartment code
    counter: tuple[str, ...] = ()


def allocate(samples: Mapping[str, CompartmentSize], free: Iterable[Compartment]) -> Allocation:
    """Smallest samples first, each into the smallest free compartment it fits.

    For sizes that nest (S < M < L) this places as many samples as any assignment can; the
    rest go to the counter.
    """
    pool = sorted(free, key=lambda c: (c.size, c.code))
    lockers: dict[str, str] = {}
    counter: list[str] = []
    for number, size in sorted(samples.items(), key=lambda kv: (kv[1], kv[0])):
        index = next((i for i, c in enumerate(pool) if c.size >= size), None)
        if index is None:
            counter.append(number)
        else:
            lockers[number] = pool.pop(index).code
    return Allocation(lockers, tuple(counter))


@dataclass(frozen=True)
class Demand:
    """A booking as capacity sees it: its window, its samples' sizes, whether still to stage."""

    key: str
    window: PickupWindow
    sizes: tuple[CompartmentSize, ...]
    to_stage: int  # samples not yet staged

    def held_from(self, policy: PickupPolicy) -> datetime:
        return self.window.start - policy.staging_lead


@dataclass(frozen=True)
class WindowOffer:
    window: PickupWindow
    at_counter: int  # samples that would wait on the staff counter rather than in a locker


def not_offered(start: str) -> InvalidValue:
    """A window was asked for that is not (or no longer) among those offered."""
    return InvalidValue(
        "window", start, "one of the offered windows", Message("pickup.allowed_offered_window")
    )


def _space(
    policy: PickupPolicy,
    compartments: Sequence[Compartment],
    demands: Sequence[Demand],
    new: Demand,
) -> int | None:
    """How many of ``new``'s samples would wait on the counter; None if the counter overflows.

    Checked at every moment a booking starts being held while ``new`` is held: holdings only
    grow at those moments.
    """
    start, end = new.held_from(policy), new.window.end
    moments = {start} | {d.held_from(policy) for d in demands if start <= d.held_from(policy) < end}
    extra = 0
    for moment in sorted(moments):
        held = [d for d in demands if d.held_from(policy) <= moment < d.window.end]
        before = len(allocate(_sizes(held), compartments).counter)
        after = len(allocate(_sizes([*held, new]), compartments).counter)
        if after > policy.counter_capacity:
            return None
        extra = max(extra, after - before)
    return extra


def _sizes(demands: Iterable[Demand]) -> dict[str, CompartmentSize]:
    return {f"{d.key}#{i}": size for d in demands for i, size in enumerate(d.sizes)}


def staging_feasible(policy: PickupPolicy, now: datetime, demands: Sequence[Demand]) -> bool:
    """Whether every booking's remaining samples can be staged before its window opens."""
    per = policy.staging_seconds_per_sample
    jobs = sorted(
        (
            (d.window.start - now).total_seconds(),
            (max(now, d.held_from(policy)) - now).total_seconds(),
            d.to_stage * per,
        )
        for d in demands
        if d.to_stage > 0
    )  # in deadline order, times in seconds from now
    for release in {r for _, r, _ in jobs}:
        total = 0.0
        for deadline, r, work in jobs:
            if r >= release:
                total += work
                if total > deadline - release + 1e-6:
                    return False
    return True


def offer_windows(
    policy: PickupPolicy,
    now: datetime,
    sizes: Sequence[CompartmentSize],
    compartments: Sequence[Compartment],
    booked: Sequence[Demand],
    candidates: Sequence[PickupWindow] | None = None,
) -> list[WindowOffer]:
    """The windows a new booking of ``sizes`` can really be given, earliest first.

    ``compartments`` are those in service and not held by samples outside the bookings (for
    example uncollected ones); ``booked`` are the other live bookings (leave out the one being
    moved).
    """
    if not sizes:
        raise InvalidValue(
            "samples", [], "at least one sample to collect", Message("pickup.allowed_samples")
        )
    if candidates is None:
        candidates = windows_between(policy, now, now + policy.horizon)
    per = timedelta(seconds=policy.staging_seconds_per_sample)
    # Bookings already too late to stage are moved by the staging use case; they must not
    # block every new offer meanwhile.
    pending = [d for d in booked if now + d.to_stage * per <= d.window.start]
    offers: list[WindowOffer] = []
    for window in candidates:
        if window.start <= now:
            continue
        new = Demand("new", window, tuple(sizes), len(sizes))
        at_counter = _space(policy, compartments, booked, new)
        if at_counter is None:
            continue
        if not staging_feasible(policy, now, [*pending, new]):
            continue
        offers.append(WindowOffer(window, at_counter))
    return offers
