"""Statistics queries over the incident records, and their CSV export."""

from __future__ import annotations

import csv
import io
from datetime import tzinfo
from typing import Any

from laneguard.core.ports import IncidentRepository
from laneguard.records.domain.stats import (
    Dimension,
    Period,
    StatsRow,
    YearOverYear,
    group,
    year_over_year,
)

CSV_COLUMNS = (
    "key",
    "incidents",
    "turned_back",
    "left_by_itself",
    "false_alarm",
    "open",
    "turned_back_rate",
    "false_alarm_rate",
)


class StatisticsService:
    def __init__(self, incidents: IncidentRepository, tz: tzinfo) -> None:
        self._incidents = incidents
        self.tz = tz

    def rows(self, period: Period, by: Dimension) -> list[StatsRow]:
        lo, hi = period.bounds(self.tz)
        return group(self._incidents.list(since=lo, until=hi), by, self.tz)

    def year_over_year(self, period: Period) -> YearOverYear:
        lo, _ = period.previous_year().bounds(self.tz)
        _, hi = period.bounds(self.tz)
        return year_over_year(self._incidents.list(since=lo, until=hi), period, self.tz)


def summary(
    period: Period, by: Dimension, rows: list[StatsRow], yoy: YearOverYear
) -> dict[str, Any]:
    """The figures of `period` as the JSON API and `laneguard stats --json` give them."""
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "by": by.value,
        "rows": [r.to_dict() for r in rows],
        "total": yoy.current.to_dict(),
        "previous_year": yoy.previous.to_dict(),
        "incidents_change": yoy.incidents_change,
        "turned_back_change": yoy.turned_back_change,
    }


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets
    a leading `'`, so a lane or station named `=HYPERLINK(...)` is shown, never evaluated."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_csv(rows: list[StatsRow], dimension: Dimension) -> str:
    """CSV with a header naming the grouping dimension; rates as fractions, empty when undefined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((dimension.value, *CSV_COLUMNS[1:]))
    for r in rows:
        writer.writerow(
            (
                neutralise(r.key),
                r.incidents,
                r.turned_back,
                r.left_by_itself,
                r.false_alarm,
                r.open,
                _rate(r.turned_back_rate),
                _rate(r.false_alarm_rate),
            )
        )
    return out.getvalue()
