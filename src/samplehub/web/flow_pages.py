"""The staff page of flow figures (/flow, and /flow.csv): how long the institute's moves take,
day by day in China time, for the last seven days or the days asked for.

The pickup preparation wait (booking made → every sample in its compartment), intake → on the
shelf (put-away) and lab request → at the bench (to-bench): how many, p50, p95 and the slowest
of each day, bookings ready only after their window had started, and a chart of the p50 and
p95 per day. The same figures as ``benchmarks/flow_bench.py``, from the running records. The
staff who see transport tasks see it; kiosks and customers never do.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from samplehub.core.domain import flow
from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.messages import message_id
from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.web.access import allow
from samplehub.web.context import Page, PageContext
from samplehub.web.csv_file import csv_download
from samplehub.web.error_text import error_text
from samplehub.web.flow_figures import Asked, days_asked, figures, today_of
from samplehub.web.tasks_pages import tasks_reader

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.TASKS_SEE)])
LABELS = {
    "pickup_prep": message_id("web.flow_pickup_prep"),
    "put_away": message_id("web.flow_put_away"),
    "to_bench": message_id("web.flow_to_bench"),
}
FIELDS = {"from": message_id("web.flow_from"), "to": message_id("web.flow_to")}


def chart(days: list[tuple[date, flow.Figures]], figure: str) -> dict[str, object]:
    """Bars of one figure's p95 per day, each with its p50 inside, scaled to the range's
    highest p95 (None when no day has a wait; a day without waits has no bar)."""
    highest = max((f.spreads[figure].p95 or 0 for _, f in days), default=0) or None
    bars = [
        {
            "day": day,
            "p50": (f.spreads[figure].p50 or 0) / (highest or 1),
            "p95": (f.spreads[figure].p95 or 0) / (highest or 1),
            "spread": f.spreads[figure],
        }
        for day, f in days
    ]
    return {"figure": figure, "highest": highest, "bars": bars}


@router.get("/flow")
def flow_page(ctx: Page, asked: Annotated[Asked, Depends()]) -> Response:
    actor = tasks_reader(ctx)
    today = today_of(ctx.state.services)
    try:
        start, end = days_asked(today, asked.first, asked.last)
    except InvalidValue as error:
        start, end = days_asked(today, None, None)
        return _render(ctx, actor, start, end, 422, error_text(ctx.t, error, FIELDS))
    return _render(ctx, actor, start, end)


def _render(
    ctx: PageContext, actor: Actor, start: date, end: date, status: int = 200, error: str = ""
) -> Response:
    days, total = figures(ctx.state.services, actor, start, end)
    return ctx.render(
        "flow.html",
        status,
        days=days,
        total=total,
        charts=[chart(days, name) for name in flow.FIGURES],
        labels=LABELS,
        figures=flow.FIGURES,
        start=start,
        end=end,
        error=error,
    )


@router.get("/flow.csv")
def flow_csv(ctx: Page, asked: Annotated[Asked, Depends()]) -> Response:
    """One row a day: for each figure the count, p50, p95 and slowest in seconds, then the
    late bookings (UTF-8 with a byte-order mark, so that a spreadsheet opens it as such)."""
    actor = tasks_reader(ctx)
    start, end = days_asked(today_of(ctx.state.services), asked.first, asked.last)
    days, _ = figures(ctx.state.services, actor, start, end)
    columns = [
        f"{name}_{part}" for name in flow.FIGURES for part in ("n", "p50_s", "p95_s", "max_s")
    ]
    rows = []
    for day, found in days:
        row: list[object] = [day.isoformat()]
        for name in flow.FIGURES:
            s = found.spreads[name]
            row += [s.n, *("" if v is None else round(v, 1) for v in (s.p50, s.p95, s.slowest))]
        rows.append([*row, found.late])
    name = f"flow-{start.isoformat()}-{end.isoformat()}.csv"
    return csv_download(["day", *columns, "bookings_late"], rows, name)
