"""The centre's pages and API: overview per station, incidents of every station, statistics
(per station, lane, class, day; year over year, per station too) and camera states."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from laneguard.alerting.domain.alerts import iso_z
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.domain.stats import Dimension, Period, StatsRow, percent, year_over_year
from laneguard.web.centre_context import CentreContext, CentrePages
from laneguard.web.charts import paired_bars, stacked_bars
from laneguard.web.context import incident_fields
from laneguard.web.i18n import Translator, message_id
from laneguard.web.routes.stats import (
    From,
    To,
    add_stats_page,
    chart_labels,
    period,
    stats_summary,
)

STATES = {
    "ok": message_id("alerting.camera_ok"),
    "stalled": message_id("alerting.camera_stalled"),
    "failed": message_id("alerting.camera_failed"),
}


def routes(pages: CentrePages, ctx: CentreContext) -> APIRouter:
    view = pages.view
    router = APIRouter()
    tz = ctx.stats.tz

    def both_years(p: Period) -> list[IncidentRecord]:
        lo, _ = p.previous_year().bounds(tz)
        _, hi = p.bounds(tz)
        return ctx.centre.incidents(since=lo, until=hi, limit=None)

    def per_month_yoy(p: Period, rows: list[IncidentRecord]) -> list[tuple[str, int, int, str]]:
        """(month, last year's incidents, this year's, change) per calendar month of `p`."""
        out = []
        start = p.start
        while start <= p.end:
            following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
            month = Period(start, min(p.end, following - timedelta(days=1)))
            yoy = year_over_year(rows, month, tz)
            label = f"{start:%Y-%m}"
            out.append(
                (
                    label,
                    yoy.previous.incidents,
                    yoy.current.incidents,
                    percent(yoy.incidents_change),
                )
            )
            start = following
        return out

    def per_station_yoy(
        p: Period, rows: list[IncidentRecord]
    ) -> list[tuple[str, int, int, float | None]]:
        """(station, last year's incidents, this period's, change) per station."""
        names = list(dict.fromkeys([*ctx.centre.stations, *sorted({r.station for r in rows})]))
        out = []
        for name in names:
            yoy = year_over_year((r for r in rows if r.station == name), p, tz)
            out.append((name, yoy.previous.incidents, yoy.current.incidents, yoy.incidents_change))
        return out

    @router.get("/", response_class=HTMLResponse, dependencies=view)
    def overview(request: Request) -> HTMLResponse:
        return pages.page(
            request,
            "centre_overview.html",
            stations=ctx.centre.overview(),
            link_up=ctx.link_up(),
            tz=tz,
        )

    @router.get("/incidents", response_class=HTMLResponse, dependencies=view)
    def incidents_page(
        request: Request, start: From = None, end: To = None, station: str | None = None
    ) -> HTMLResponse:
        p = period(start, end, tz)
        lo, hi = p.bounds(tz)
        rows = ctx.centre.incidents(since=lo, until=hi, station=station or None)
        return pages.page(
            request,
            "centre_incidents.html",
            incidents=rows,
            period=p,
            chosen=station or "",
            stations=ctx.centre.stations,
            tz=tz,
        )

    def charts(p: Period, _by: Dimension, _rows: list[StatsRow], t: Translator) -> list[str]:
        labels = chart_labels(t)
        month = t("centre.month")
        rows = both_years(p)
        pairs = [(n, prev, cur, percent(ch)) for n, prev, cur, ch in per_station_yoy(p, rows)]
        return [
            stacked_bars(ctx.stats.rows(p, Dimension.STATION), labels, t("records.station")),
            paired_bars(
                pairs,
                (t("records.previous_year"), t("centre.this_period")),
                f"{t('records.yoy')} · {t('records.station')}",
            ),
            paired_bars(
                per_month_yoy(p, rows)[-24:],
                (t("records.previous_year"), t("centre.this_period")),
                f"{t('records.yoy')} · {month}",
            ),
            stacked_bars(ctx.stats.rows(p, Dimension.CLASS), labels, t("records.class")),
            stacked_bars(ctx.stats.rows(p, Dimension.DAY), labels, t("records.day")),
        ]

    add_stats_page(router, pages, ctx.stats, Dimension.STATION, charts, "laneguard-centre")

    @router.get("/cameras", response_class=HTMLResponse, dependencies=view)
    def cameras_page(request: Request) -> HTMLResponse:
        return pages.page(
            request, "centre_cameras.html", cameras=ctx.centre.cameras(), tz=tz, states=STATES
        )

    @router.get("/api/centre/overview", dependencies=view)
    def overview_api() -> dict[str, Any]:
        return {
            "link": "ok" if ctx.link_up() else "down",
            "stations": [
                {
                    "station": s.station,
                    "incidents": s.incidents,
                    "open": s.open,
                    "cameras": s.cameras,
                    "cameras_down": s.cameras_down,
                    "last_incident": None if s.last_incident is None else iso_z(s.last_incident),
                    "link": s.link,
                    "link_since": None if s.link_since is None else iso_z(s.link_since),
                }
                for s in ctx.centre.overview()
            ],
        }

    @router.get("/api/centre/incidents", dependencies=view)
    def incidents_api(
        start: From = None, end: To = None, station: str | None = None
    ) -> list[dict[str, Any]]:
        lo, hi = period(start, end, tz).bounds(tz)
        return [
            {**incident_fields(r), "version": r.version}
            for r in ctx.centre.incidents(since=lo, until=hi, station=station, limit=1000)
        ]

    @router.get("/api/centre/stats", dependencies=view)
    def stats_api(start: From = None, end: To = None, by: Dimension = Dimension.STATION) -> Any:
        p = period(start, end, tz)
        rows = both_years(p)
        return {
            **stats_summary(ctx.stats, p, by),
            "months_year_over_year": [
                {"month": m, "previous": prev, "current": cur}
                for m, prev, cur, _ in per_month_yoy(p, rows)
            ],
            "stations_year_over_year": [
                {"station": n, "previous": prev, "current": cur, "change": ch}
                for n, prev, cur, ch in per_station_yoy(p, rows)
            ],
        }

    @router.get("/api/centre/cameras", dependencies=view)
    def cameras_api() -> list[dict[str, Any]]:
        return [
            {
                "station": c.station,
                "camera": c.camera,
                "state": c.state.value,
                "since": iso_z(c.since),
                "detail": c.detail,
            }
            for c in ctx.centre.cameras()
        ]

    return router
