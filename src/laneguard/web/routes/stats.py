"""Statistics: the page with its charts, the JSON API and the CSV export. The centre's
statistics (laneguard.web.routes.centre) are built from the same pieces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from laneguard.records.domain.stats import (
    Dimension,
    Period,
    StatsRow,
    YearOverYear,
    percent,
    recent_period,
)
from laneguard.records.service.statistics import StatisticsService, summary, to_csv
from laneguard.web.charts import stacked_bars
from laneguard.web.context import Pages, SitePages
from laneguard.web.i18n import CLASSES, DIMENSIONS, OUTCOMES, Translator

From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]


def period(start: date | None, end: date | None, tz: tzinfo) -> Period:
    """The asked period: by default the 30 days up to today (in `tz`); 422 when reversed."""
    try:
        return recent_period(start, end, datetime.now(tz).date())
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


def chart_labels(t: Translator) -> dict[str, str]:
    """The charts' legends (outcomes) and the names of classes under their bars."""
    return {str(key): t(msgid) for key, msgid in (CLASSES | OUTCOMES).items()}


def render_stats(
    pages: SitePages,
    request: Request,
    p: Period,
    by: Dimension,
    rows: list[StatsRow],
    yoy: YearOverYear,
    charts: list[str],
) -> HTMLResponse:
    return pages.page(
        request,
        "stats.html",
        rows=rows,
        by=by.value,
        period=p,
        total=yoy.current,
        yoy=yoy,
        charts=charts,
        rate=percent,
        dimensions=[d.value for d in Dimension],
    )


def stats_summary(stats: StatisticsService, p: Period, by: Dimension) -> dict[str, Any]:
    return summary(p, by, stats.rows(p, by), stats.year_over_year(p))


def csv_download(stats: StatisticsService, p: Period, by: Dimension, prefix: str) -> Response:
    """The rows as a CSV download (with a BOM, so spreadsheet programs read it as UTF-8)."""
    name = f"{prefix}-{by.value}-{p.start}-{p.end}.csv"
    return Response(
        "\ufeff" + to_csv(stats.rows(p, by), by),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


Charts = Callable[[Period, Dimension, list[StatsRow], Translator], list[str]]


def add_stats_page(
    router: APIRouter,
    pages: SitePages,
    stats: StatisticsService,
    default_by: Dimension,
    charts: Charts,
    csv_prefix: str,
) -> None:
    """The statistics page and its CSV export, a station's and the centre's alike: counts by
    `default_by` unless `?by=` says otherwise; `charts` draws the page's charts from the period,
    the dimension, its rows and the visitor's language."""
    tz = stats.tz

    @router.get("/stats", response_class=HTMLResponse, dependencies=pages.view)
    def stats_page(
        request: Request, start: From = None, end: To = None, by: Dimension = default_by
    ) -> HTMLResponse:
        p = period(start, end, tz)
        rows = stats.rows(p, by)
        drawn = charts(p, by, rows, pages.translator(request))
        return render_stats(pages, request, p, by, rows, stats.year_over_year(p), drawn)

    @router.get("/stats.csv", dependencies=pages.view)
    def stats_csv(start: From = None, end: To = None, by: Dimension = default_by) -> Response:
        return csv_download(stats, period(start, end, tz), by, csv_prefix)


def routes(pages: Pages) -> APIRouter:
    ctx, view = pages.ctx, pages.view
    tz = ctx.stats.tz
    router = APIRouter()

    def charts(p: Period, by: Dimension, rows: list[StatsRow], t: Translator) -> list[str]:
        labels = chart_labels(t)
        return [
            stacked_bars(rows, labels, f"{t('records.incidents')} · {t(DIMENSIONS[by])}"),
            stacked_bars(ctx.stats.rows(p, Dimension.LANE), labels, t("records.lane")),
            stacked_bars(ctx.stats.rows(p, Dimension.CLASS), labels, t("records.class")),
        ]

    add_stats_page(router, pages, ctx.stats, Dimension.DAY, charts, "laneguard")

    @router.get("/api/stats", dependencies=view)
    def stats_api(
        start: From = None, end: To = None, by: Dimension = Dimension.DAY
    ) -> dict[str, Any]:
        return stats_summary(ctx.stats, period(start, end, tz), by)

    return router
