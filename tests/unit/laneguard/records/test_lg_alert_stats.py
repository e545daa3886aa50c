"""Statistics maths: rates, grouping, year over year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentAlreadyClosedError, IncidentRecord
from laneguard.records.domain.stats import (
    Dimension,
    Period,
    group,
    summarise,
    year_earlier,
    year_over_year,
)
from laneguard.records.service.statistics import to_csv

CST = timezone(timedelta(hours=8))


def _rec(
    n: int,
    at: datetime,
    outcome: Outcome | None,
    lane: str = "1",
    cls: ObjectClass = ObjectClass.PEDESTRIAN,
    station: str = "S1",
) -> IncidentRecord:
    r = IncidentRecord(f"i{n}", station, "cam", "z", lane, cls, n, 0.9, at)
    if outcome is not None:
        r.close(outcome, "t", at)
    return r


def test_rates_exclude_false_alarms_from_turned_back_rate() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        _rec(1, at, Outcome.TURNED_BACK),
        _rec(2, at, Outcome.TURNED_BACK),
        _rec(3, at, Outcome.LEFT_BY_ITSELF),
        _rec(4, at, Outcome.FALSE_ALARM),
        _rec(5, at, None),
    ]
    s = summarise("all", rows)
    assert (s.incidents, s.closed, s.open) == (5, 4, 1)
    assert s.turned_back_rate == pytest.approx(2 / 3)
    assert s.false_alarm_rate == pytest.approx(1 / 4)


def test_rates_undefined_without_closed_incidents() -> None:
    s = summarise("x", [_rec(1, datetime(2026, 1, 1, tzinfo=UTC), None)])
    assert s.turned_back_rate is None
    assert s.false_alarm_rate is None


def test_days_are_station_local_calendar_days() -> None:
    late_utc = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # 01:00 on 2 March in UTC+8
    rows = group(
        [_rec(1, late_utc, None), _rec(2, late_utc - timedelta(hours=2), None)], Dimension.DAY, CST
    )
    assert [(r.key, r.incidents) for r in rows] == [("2026-03-01", 1), ("2026-03-02", 1)]


def test_group_by_lane_and_class() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        _rec(1, at, None, lane="1"),
        _rec(2, at, None, lane="2", cls=ObjectClass.BICYCLE),
        _rec(3, at, None, lane="2", cls=ObjectClass.BICYCLE),
    ]
    assert [(r.key, r.incidents) for r in group(rows, Dimension.LANE, UTC)] == [
        ("S1/1", 1),
        ("S1/2", 2),
    ]
    assert [(r.key, r.incidents) for r in group(rows, Dimension.CLASS, UTC)] == [
        ("bicycle", 2),
        ("pedestrian", 1),
    ]


def test_year_over_year_matches_the_reference_station_figure() -> None:
    """1,265 turned back this year against 1,150 a year earlier is the reported +10%."""
    period = Period(date(2026, 1, 1), date(2026, 10, 31))
    rows = [_rec(i, datetime(2026, 5, 1, tzinfo=UTC), Outcome.TURNED_BACK) for i in range(1265)]
    rows += [
        _rec(10_000 + i, datetime(2025, 5, 1, tzinfo=UTC), Outcome.TURNED_BACK) for i in range(1150)
    ]
    rows.append(_rec(99_999, datetime(2025, 11, 5, tzinfo=UTC), Outcome.TURNED_BACK))
    yoy = year_over_year(rows, period, CST)
    assert yoy.current.turned_back == 1265
    assert yoy.previous.turned_back == 1150
    assert yoy.turned_back_change == pytest.approx(0.10)


def test_leap_day_maps_to_28_february() -> None:
    assert year_earlier(date(2028, 2, 29)) == date(2027, 2, 28)


def test_period_rejects_reversed_bounds() -> None:
    with pytest.raises(ValueError, match="before start"):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_second_close_is_refused() -> None:
    r = _rec(1, datetime(2026, 1, 1, tzinfo=UTC), Outcome.TURNED_BACK)
    with pytest.raises(IncidentAlreadyClosedError, match="already closed as turned_back"):
        r.close(Outcome.FALSE_ALARM, "other", datetime(2026, 1, 1, tzinfo=UTC))


def test_csv_export() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    rows = group(
        [_rec(1, at, Outcome.TURNED_BACK), _rec(2, at, Outcome.FALSE_ALARM)], Dimension.DAY, UTC
    )
    assert to_csv(rows, Dimension.DAY) == (
        "day,incidents,turned_back,left_by_itself,false_alarm,open,turned_back_rate,"
        "false_alarm_rate\n2026-03-01,2,1,0,1,0,1.0000,0.5000\n"
    )
