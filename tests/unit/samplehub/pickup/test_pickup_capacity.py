"""Capacity maths: window grid, allocation by size, space and staging feasibility."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samplehub.core.domain.errors import InvalidValue
from samplehub.pickup.domain.capacity import (
    CHINA,
    Compartment,
    CompartmentSize,
    Demand,
    PickupPolicy,
    PickupWindow,
    allocate,
    offer_windows,
    staging_feasible,
    windows_between,
)

S, M, L = CompartmentSize.S, CompartmentSize.M, CompartmentSize.L
MON = datetime(2026, 11, 2, 6, 0, tzinfo=CHINA)  # a Monday, before opening


def _policy(**kw: object) -> PickupPolicy:
    base: dict[str, object] = {"opening": time(9), "closing": time(12), "counter_capacity": 0}
    base.update(kw)
    return PickupPolicy(**base)  # type: ignore[arg-type]


def _window(hour: int, minute: int = 0, day: int = 0) -> PickupWindow:
    start = MON.replace(hour=hour, minute=minute) + timedelta(days=day)
    return PickupWindow(start, start + timedelta(minutes=30))


def test_windows_follow_opening_hours_and_skip_weekends() -> None:
    policy = _policy()
    found = windows_between(policy, MON, MON + timedelta(days=7))
    assert len(found) == 5 * 6
    assert found[0] == _window(9)
    assert found[5] == _window(11, 30)
    assert all(w.start.weekday() < 5 for w in found)


def test_windows_start_after_since() -> None:
    found = windows_between(_policy(), MON.replace(hour=10, minute=5), MON.replace(hour=12))
    assert [w.start.hour * 60 + w.start.minute for w in found] == [630, 660, 690]


def test_size_parse_names_allowed_values() -> None:
    assert CompartmentSize.parse("m") is M
    with pytest.raises(InvalidValue, match="S, M, L"):
        CompartmentSize.parse("XL")


def test_window_must_be_aware_and_positive() -> None:
    with pytest.raises(InvalidValue):
        PickupWindow(MON, MON)
    with pytest.raises(InvalidValue):
        PickupWindow(MON.replace(tzinfo=None), MON.replace(tzinfo=None) + timedelta(hours=1))


def test_allocate_prefers_the_smallest_fitting_compartment() -> None:
    free = [Compartment("L1", L), Compartment("S1", S), Compartment("M1", M)]
    got = allocate({"a": S, "b": M, "c": L}, free)
    assert got.lockers == {"a": "S1", "b": "M1", "c": "L1"}
    assert got.counter == ()


def test_allocate_falls_back_to_the_counter() -> None:
    got = allocate({"a": L, "b": S}, [Compartment("M1", M)])
    assert got.lockers == {"b": "M1"}
    assert got.counter == ("a",)


def _best_placed(sizes: list[CompartmentSize], comps: list[CompartmentSize]) -> int:
    """Brute force: every way of lining the samples (and empty places) up with the compartments."""
    items: list[CompartmentSize | None] = [*sizes, *([None] * len(comps))]
    best = 0
    for order in itertools.permutations(items, len(comps)):
        best = max(best, sum(1 for s, c in zip(order, comps, strict=True) if s and c >= s))
    return best


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(list(CompartmentSize)), max_size=4),
    st.lists(st.sampled_from(list(CompartmentSize)), max_size=4),
)
def test_allocate_places_as_many_as_any_assignment(
    sizes: list[CompartmentSize], comps: list[CompartmentSize]
) -> None:
    got = allocate(
        {f"s{i}": s for i, s in enumerate(sizes)},
        [Compartment(f"c{i}", c) for i, c in enumerate(comps)],
    )
    assert len(got.lockers) == _best_placed(sizes, comps)
    assert len(got.lockers) + len(got.counter) == len(sizes)
    assert len(set(got.lockers.values())) == len(got.lockers)


def test_staging_feasible_uses_the_deadline_condition() -> None:
    policy = _policy(staging_per_hour=60, staging_lead=timedelta(hours=1))
    now = MON.replace(hour=8)
    one = Demand("a", _window(9), (S,) * 60, 60)  # an hour of work, an hour of lead
    assert staging_feasible(policy, now, [one])
    two = Demand("b", _window(9, 30), (S,) * 31, 31)  # shares the 8:30-9:00 half hour
    assert not staging_feasible(policy, now, [one, two])
    assert staging_feasible(policy, now, [one, Demand("b", _window(9, 30), (S,) * 30, 30)])


def test_staging_never_starts_before_now() -> None:
    policy = _policy(staging_per_hour=60, staging_lead=timedelta(hours=2))
    late_now = MON.replace(hour=8, minute=50)
    assert not staging_feasible(policy, late_now, [Demand("a", _window(9), (S,) * 11, 11)])
    assert staging_feasible(policy, late_now, [Demand("a", _window(9), (S,) * 10, 10)])


def test_offer_only_windows_with_space() -> None:
    policy = _policy(staging_lead=timedelta(minutes=30))
    comps = [Compartment("M1", M), Compartment("S1", S)]
    booked = [Demand("x", _window(10), (M,), 0)]  # holds M1 from 9:30 to 10:30
    offers = offer_windows(policy, MON, [M], comps, booked)
    starts = {o.window.start.strftime("%H:%M") for o in offers if o.window.start.day == 2}
    # the 9:30 to 10:30 windows would be held (from 30 min before) while M1 is taken
    assert starts == {"09:00", "11:00", "11:30"}


def test_counter_takes_the_overflow_up_to_its_capacity() -> None:
    policy = _policy(counter_capacity=1, staging_lead=timedelta(minutes=30))
    offers = offer_windows(policy, MON, [L, S], [Compartment("S1", S)], [])
    assert offers
    assert all(o.at_counter == 1 for o in offers)
    assert offer_windows(policy, MON, [L, L], [Compartment("S1", S)], []) == []


def test_offer_skips_windows_the_fleet_cannot_stage_in_time() -> None:
    policy = _policy(staging_per_hour=4, staging_lead=timedelta(hours=1))
    comps = [Compartment(f"L{i}", L) for i in range(10)]
    now = MON.replace(hour=8, minute=30)
    offers = offer_windows(policy, now, [S] * 3, comps, [])
    assert offers[0].window.start == MON.replace(hour=9, minute=30)  # 45 min of work


def test_a_hopelessly_late_booking_does_not_block_offers() -> None:
    policy = _policy(staging_per_hour=60, staging_lead=timedelta(hours=1))
    comps = [Compartment(f"L{i}", L) for i in range(100)]
    now = MON.replace(hour=8, minute=59)
    late = Demand("late", _window(9), (S,) * 50, 50)
    assert offer_windows(policy, now, [S], comps, [late])


def test_offer_needs_samples() -> None:
    with pytest.raises(InvalidValue, match="samples"):
        offer_windows(_policy(), MON, [], [], [])


def test_policy_validates_fields() -> None:
    with pytest.raises(InvalidValue, match="staging_per_hour"):
        PickupPolicy(staging_per_hour=0)
    with pytest.raises(InvalidValue, match="closing"):
        PickupPolicy(opening=time(12), closing=time(9))


def _edf_by_the_second(jobs: list[tuple[int, int, int]]) -> bool:
    """Stage one sample per second, earliest deadline first; jobs are (release, deadline, n)."""
    left = [n for _, _, n in jobs]
    horizon = max((d for _, d, _ in jobs), default=0)
    for second in range(horizon):
        ready = [i for i, (r, d, _) in enumerate(jobs) if r <= second and left[i] > 0]
        if ready:
            left[min(ready, key=lambda i: jobs[i][1])] -= 1
        if any(left[i] > 0 and d <= second + 1 for i, (_, d, _) in enumerate(jobs)):
            return False
    return True


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 40), st.integers(1, 6)), min_size=1, max_size=5),
    st.integers(0, 30),
)
def test_staging_check_agrees_with_an_edf_schedule(raw: list[tuple[int, int]], lead_s: int) -> None:
    policy = _policy(staging_per_hour=3600, staging_lead=timedelta(seconds=lead_s))
    now = MON
    demands = [
        Demand(
            f"d{i}",
            PickupWindow(now + timedelta(seconds=due), now + timedelta(hours=1)),
            (S,) * n,
            n,
        )
        for i, (due, n) in enumerate(raw)
    ]
    jobs = [(max(0, due - lead_s), due, n) for due, n in raw]
    assert staging_feasible(policy, now, demands) == _edf_by_the_second(jobs)
