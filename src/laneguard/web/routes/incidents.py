"""The incident list, its JSON, each incident's snapshot and clip, and simulated incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel

from laneguard.alerting.domain.alerts import iso_z
from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.errors import LaneGuardError
from laneguard.web.context import Pages, incident_json


class SimulateRequest(BaseModel):
    lane: str | None = None
    object_class: ObjectClass = ObjectClass.PEDESTRIAN


def routes(pages: Pages) -> APIRouter:
    ctx, view, change = pages.ctx, pages.view, pages.change
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse, dependencies=view)
    def incidents_page(request: Request) -> HTMLResponse:
        return pages.page(
            request,
            "incidents.html",
            incidents=ctx.records.recent(200),
            tz=ctx.stats.tz,
            can_simulate=ctx.simulator is not None,
            camera_states=ctx.health().get("cameras", {}),
        )

    @router.get("/api/incidents", dependencies=view)
    def incidents_api(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
        return [incident_json(r) for r in ctx.records.recent(limit)]

    def logged(request: Request, incident_id: str, media: str) -> None:
        """Pictures of the public: every view is logged first, or not shown."""
        try:
            ctx.records.viewed(incident_id, request.state.session.user.name, media)
        except LaneGuardError as exc:
            raise HTTPException(503, f"view not logged, so not shown: {exc}") from exc

    @router.get("/incidents/{incident_id}/snapshot.jpg", dependencies=view)
    def snapshot(incident_id: str, request: Request) -> Response:
        record = ctx.records.get(incident_id)
        if record is None or not record.snapshot_jpeg:
            raise HTTPException(404, f"incident_id={incident_id!r} has no snapshot")
        logged(request, incident_id, "snapshot")
        return Response(record.snapshot_jpeg, media_type="image/jpeg")

    @router.get("/incidents/{incident_id}/clip.avi", dependencies=view)
    def clip(incident_id: str, request: Request) -> FileResponse:
        record = ctx.records.get(incident_id)
        if record is None or record.clip_path is None or not Path(record.clip_path).is_file():
            raise HTTPException(404, f"incident_id={incident_id!r} has no clip")
        logged(request, incident_id, "clip")
        return FileResponse(
            record.clip_path, media_type="video/x-msvideo", filename=f"{incident_id}.avi"
        )

    @router.get("/api/media-access", dependencies=change)
    def media_access(
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> list[dict[str, str]]:
        """Who viewed which snapshot or clip, newest first (operators only)."""
        return [
            {"incident_id": a.incident_id, "user": a.user, "media": a.media, "at": iso_z(a.at)}
            for a in ctx.records.access_log(limit)
        ]

    @router.post("/api/simulate", status_code=201, dependencies=change)
    def simulate(body: SimulateRequest) -> dict[str, str]:
        if ctx.simulator is None:
            raise HTTPException(404, "this station runs real cameras; simulation is off")
        try:
            event = ctx.simulator.trigger(body.lane, body.object_class)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        return {"incident_id": event.incident_id, "lane": event.lane}

    return router
