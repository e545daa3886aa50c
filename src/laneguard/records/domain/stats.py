"""Statistics the management centre reports: counts per day, station, lane and class, the
turned-back rate, the false-alarm rate from staff feedback, and the year-over-year comparison.

Definitions (stated here so every report means the same):
- incidents: every opened incident in the period;
- false-alarm rate = false alarms / incidents closed by staff;
- turned-back rate = turned back / real closed incidents (closed minus false alarms);
- year-over-year change = (this period - same period a year earlier) / same period a year earlier.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from laneguard.core.domain.incidents import Outcome
from laneguard.core.domain.records import IncidentRecord


class Dimension(enum.StrEnum):
    DAY = "day"
    STATION = "station"
    LANE = "lane"
    CLASS = "class"


@dataclass(frozen=True)
class StatsRow:
    key: str
    incidents: int
    turned_back: int
    left_by_itself: int
    false_alarm: int
    open: int

    @property
    def closed(self) -> int:
        return self.turned_back + self.left_by_itself + self.false_alarm

    @property
    def turned_back_rate(self) -> float | None:
        real = self.closed - self.false_alarm
        return None if real == 0 else self.turned_back / real

    @property
    def false_alarm_rate(self) -> float | None:
        return None if self.closed == 0 else self.false_alarm / self.closed

    def to_dict(self) -> dict[str, object]:
        """The row with its rates, as JSON answers and `laneguard stats --json` give it."""
        return {
            "key": self.key,
            "incidents": self.incidents,
            "turned_back": self.turned_back,
            "left_by_itself": self.left_by_itself,
            "false_alarm": self.false_alarm,
            "open": self.open,
            "turned_back_rate": self.turned_back_rate,
            "false_alarm_rate": self.false_alarm_rate,
        }


def percent(rate: float | None) -> str:
    """A rate for people: one decimal percent, or a dash when there is nothing to divide."""
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _key(record: IncidentRecord, by: Dimension, tz: tzinfo) -> str:
    if by is Dimension.DAY:
        return record.opened_at.astimezone(tz).date().isoformat()
    if by is Dimension.STATION:
        return record.station
    if by is Dimension.LANE:
        return f"{record.station}/{record.lane}"
    return record.object_class.value


def summarise(key: str, records: Iterable[IncidentRecord]) -> StatsRow:
    counts = {o: 0 for o in Outcome}
    total = open_ = 0
    for r in records:
        total += 1
        if r.outcome is None:
            open_ += 1
        else:
            counts[r.outcome] += 1
    return StatsRow(
        key=key,
        incidents=total,
        turned_back=counts[Outcome.TURNED_BACK],
        left_by_itself=counts[Outcome.LEFT_BY_ITSELF],
        false_alarm=counts[Outcome.FALSE_ALARM],
        open=open_,
    )


def group(records: Iterable[IncidentRecord], by: Dimension, tz: tzinfo) -> list[StatsRow]:
    """One row per key, sorted by key; days are calendar days in the station's time zone."""
    buckets: dict[str, list[IncidentRecord]] = {}
    for r in records:
        buckets.setdefault(_key(r, by, tz), []).append(r)
    return [summarise(k, buckets[k]) for k in sorted(buckets)]


def year_earlier(day: date) -> date:
    """The same calendar day a year earlier; 29 February maps to 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """Calendar days `start` to `end` inclusive, in the station's time zone."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period end={self.end} is before start={self.start}")

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        lo = datetime.combine(self.start, datetime.min.time(), tzinfo=tz)
        hi = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        return lo, hi

    def previous_year(self) -> Period:
        return Period(year_earlier(self.start), year_earlier(self.end))

    def contains(self, at: datetime, tz: tzinfo) -> bool:
        lo, hi = self.bounds(tz)
        return lo <= at < hi


def recent_period(start: date | None, end: date | None, today: date) -> Period:
    """`start` to `end`; without an end, up to `today`; without a start, the 30 days up to the
    end. ValueError when the end is before the start."""
    end = end or today
    return Period(start or end - timedelta(days=29), end)


def change(current: int, previous: int) -> float | None:
    return None if previous == 0 else (current - previous) / previous


@dataclass(frozen=True)
class YearOverYear:
    current: StatsRow
    previous: StatsRow

    @property
    def incidents_change(self) -> float | None:
        return change(self.current.incidents, self.previous.incidents)

    @property
    def turned_back_change(self) -> float | None:
        return change(self.current.turned_back, self.previous.turned_back)


def year_over_year(records: Iterable[IncidentRecord], period: Period, tz: tzinfo) -> YearOverYear:
    """This period against the same calendar days a year earlier."""
    rows = list(records)
    prev = period.previous_year()
    return YearOverYear(
        current=summarise(
            f"{period.start}..{period.end}", (r for r in rows if period.contains(r.opened_at, tz))
        ),
        previous=summarise(
            f"{prev.start}..{prev.end}", (r for r in rows if prev.contains(r.opened_at, tz))
        ),
    )
