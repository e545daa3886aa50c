"""Schedules are the station's wall-clock hours (Asia/Shanghai by default), not UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from laneguard.detection.adapters.config import ZonesFile
from laneguard.detection.domain.zones import STATION_TZ, ScheduleWindow

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHTS = ScheduleWindow(frozenset(range(7)), time(22, 0), time(6, 0))
MONDAY_NIGHT = ScheduleWindow(frozenset({0}), time(22, 0), time(6, 0))
WORKDAY = ScheduleWindow(frozenset({0}), time(8, 0), time(18, 0))


def sh(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A Shanghai wall-clock time in the week of Monday 30 November 2026, given in UTC."""
    local = datetime(2026, 11, 30, hour, minute, second, tzinfo=SHANGHAI) + timedelta(days=day)
    return local.astimezone(UTC)


def test_default_zone_is_shanghai() -> None:
    assert STATION_TZ == SHANGHAI
    assert NIGHTS.tz == SHANGHAI


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (sh(0, 21, 59, 59), False),
        (sh(0, 22), True),  # 14:00 UTC: the old UTC reading said no
        (sh(0, 23), True),
        (sh(1, 0), True),  # midnight crossing
        (sh(1, 5, 59, 59), True),
        (sh(1, 6), False),
        (sh(1, 12), False),
    ],
)
def test_night_window_boundaries_in_shanghai(at: datetime, inside: bool) -> None:
    assert NIGHTS.contains(at) is inside


def test_window_wrapping_midnight_belongs_to_the_day_it_starts() -> None:
    assert MONDAY_NIGHT.contains(sh(0, 23))
    assert MONDAY_NIGHT.contains(sh(1, 0))  # Tuesday 00:00 Shanghai is Monday's night
    assert MONDAY_NIGHT.contains(sh(1, 5, 59, 59))
    assert not MONDAY_NIGHT.contains(sh(1, 6))
    assert not MONDAY_NIGHT.contains(sh(1, 23))  # Tuesday's own night is not scheduled
    # Monday 23:00 in Shanghai is Monday 15:00 UTC; Sunday 23:00 Shanghai is not Monday's
    assert not MONDAY_NIGHT.contains(sh(0, 1))


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (sh(0, 7, 59, 59), False),
        (sh(0, 8), True),
        (sh(0, 17, 59, 59), True),
        (sh(0, 18), False),
        (sh(1, 9), False),  # Tuesday
    ],
)
def test_window_within_one_day(at: datetime, inside: bool) -> None:
    assert WORKDAY.contains(at) is inside


def test_a_utc_frame_time_near_midnight_lands_on_the_stations_day() -> None:
    # Monday 17:00 UTC is Tuesday 01:00 in Shanghai: Monday's night, not Monday's workday
    at = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert MONDAY_NIGHT.contains(at)
    assert not WORKDAY.contains(at)


def test_naive_times_are_read_as_utc() -> None:
    assert NIGHTS.contains(datetime(2026, 11, 30, 15, 0))  # 23:00 Shanghai


def test_camera_config_reads_schedules_in_the_station_zone() -> None:
    doc = {
        "camera": "cam",
        "zones": [{"name": "L1", "polygon": [[0, 0], [10, 0], [10, 10], [0, 10]]}],
        "schedule": [{"start": "22:00", "end": "06:00"}],
    }
    rules = ZonesFile.model_validate(doc).to_rules()
    assert rules.active(sh(0, 23))
    berlin = ZonesFile.model_validate(doc).to_rules(ZoneInfo("Europe/Berlin"))
    assert not berlin.active(sh(0, 23))  # 16:00 in Berlin
