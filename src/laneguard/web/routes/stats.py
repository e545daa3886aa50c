"""Statistics: the page with its charts, the JSON API and the CSV export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from laneguard.records.domain.stats import Dimension, Period, percent
from laneguard.records.service.statistics import to_csv
from laneguard.web.charts import stacked_bars
from laneguard.web.context import Pages
from laneguard.web.i18n import CLASSES, DIMENSIONS, OUTCOMES


def routes(pages: Pages) -> APIRouter:
    ctx, view = pages.ctx, pages.view
    router = APIRouter()

    def period(start: date | None, end: date | None) -> Period:
        today = datetime.now(ctx.stats.tz).date()
        end = end or today
        start = start or end - timedelta(days=29)
        try:
            return Period(start, end)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc

    @router.get("/stats", response_class=HTMLResponse, dependencies=view)
    def stats_page(
        request: Request,
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        by: Dimension = Dimension.DAY,
    ) -> HTMLResponse:
        p = period(start, end)
        t = pages.translator(request)
        # the charts' legends (outcomes) and the names of classes under their bars
        labels = {str(key): t(msgid) for key, msgid in (CLASSES | OUTCOMES).items()}
        rows = ctx.stats.rows(p, by)
        lanes = ctx.stats.rows(p, Dimension.LANE)
        classes = ctx.stats.rows(p, Dimension.CLASS)
        yoy = ctx.stats.year_over_year(p)
        total = yoy.current
        charts = [
            stacked_bars(rows, labels, f"{t('records.incidents')} · {t(DIMENSIONS[by])}"),
            stacked_bars(lanes, labels, t("records.lane")),
            stacked_bars(classes, labels, t("records.class")),
        ]
        return pages.page(
            request,
            "stats.html",
            rows=rows,
            by=by.value,
            period=p,
            total=total,
            yoy=yoy,
            charts=charts,
            rate=percent,
            dimensions=[d.value for d in Dimension],
        )

    @router.get("/api/stats", dependencies=view)
    def stats_api(
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        by: Dimension = Dimension.DAY,
    ) -> dict[str, Any]:
        p = period(start, end)
        yoy = ctx.stats.year_over_year(p)
        return {
            "from": p.start.isoformat(),
            "to": p.end.isoformat(),
            "by": by.value,
            "rows": [r.to_dict() for r in ctx.stats.rows(p, by)],
            "total": yoy.current.to_dict(),
            "previous_year": yoy.previous.to_dict(),
            "incidents_change": yoy.incidents_change,
            "turned_back_change": yoy.turned_back_change,
        }

    @router.get("/stats.csv", dependencies=view)
    def stats_csv(
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        by: Dimension = Dimension.DAY,
    ) -> Response:
        p = period(start, end)
        name = f"laneguard-{by.value}-{p.start}-{p.end}.csv"
        return Response(
            "\ufeff" + to_csv(ctx.stats.rows(p, by), by),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return router
