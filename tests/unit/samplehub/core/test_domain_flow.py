from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from samplehub.core.domain import flow
from samplehub.core.domain.flow import percentile


def test_percentile_is_the_nearest_rank() -> None:
    twenty = [float(v) for v in range(20, 0, -1)]  # 20 … 1, unsorted on purpose
    assert percentile(twenty, 95) == 19.0  # the 19th of 20, not the slowest
    assert percentile(twenty, 50) == 10.0
    assert percentile(twenty, 100) == 20.0
    assert percentile(twenty, 1) == 1.0
    assert percentile([7.0, 3.0, 5.0], 95) == 7.0  # ⌈2.85⌉ = 3rd of 3
    assert percentile([], 95) == 0.0


CHINA = timezone(timedelta(hours=8))
MIDNIGHT = datetime(2026, 12, 1, tzinfo=CHINA)


def _wait(figure: str, ends_after_h: float, seconds: float, late: bool = False) -> flow.Wait:
    end = MIDNIGHT + timedelta(hours=ends_after_h)
    return flow.Wait(figure, end - timedelta(seconds=seconds), end, late)


def test_a_wait_belongs_to_the_china_day_it_ended_on() -> None:
    waits = [
        _wait("put_away", 0.5, 3600),  # 23:30 the day before → 00:30: the 1st
        _wait("put_away", 23.9, 100),
        _wait("put_away", 24.1, 200),  # 00:06 on the 2nd
        _wait("to_bench", 30, 50),
        _wait("put_away", 24 * 5, 10),  # after the last day asked: left out
    ]
    days = flow.by_day(waits, date(2026, 12, 1), date(2026, 12, 3), CHINA)
    assert [d for d, _ in days] == [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]
    first, second, third = (f for _, f in days)
    assert first.spreads["put_away"] == flow.Spread(2, 100, 3600, 3600)
    assert second.spreads["put_away"] == flow.Spread(1, 200, 200, 200)
    assert second.spreads["to_bench"].n == 1
    assert third.spreads["put_away"] == flow.Spread(0, None, None, None)
    # the same instants seen from UTC fall on other days
    in_utc = flow.by_day(waits, date(2026, 12, 1), date(2026, 12, 1), UTC)
    assert (
        in_utc[0][1].spreads["put_away"].n == 2
    )  # 23:54 on the 1st and 00:06 on the 2nd (China): both the 1st in UTC


def test_figures_count_late_bookings_and_keep_every_figure() -> None:
    waits = [_wait("pickup_prep", 10, s, late=s > 100) for s in (60, 80, 120, 300)]
    found = flow.Figures.of(waits)
    assert found.late == 2
    assert found.spreads["pickup_prep"] == flow.Spread(4, 80, 300, 300)
    assert set(found.spreads) == set(flow.FIGURES)
    assert found.spreads["to_bench"].n == 0


def test_a_wait_of_an_unknown_figure_is_refused_and_never_negative() -> None:
    with pytest.raises(ValueError, match="intake_to_lunch"):
        flow.Wait("intake_to_lunch", MIDNIGHT, MIDNIGHT)
    assert flow.Wait("put_away", MIDNIGHT, MIDNIGHT - timedelta(seconds=5)).seconds == 0.0
