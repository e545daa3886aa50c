"""Live fleet map: JSON snapshot, server-sent events of robot positions, and the SVG map page.

``make_router(source)`` returns an ``APIRouter``; the application mounts it and passes whatever
serves the fleet's read model (``FleetSupervisor`` in ``serve``, ``LiveFleet`` in ``simulate
live``).  Routes:

* ``GET /fleet/map``: the HTML page (inline SVG; its script and style at ``/fleet/map.js`` and
  ``/fleet/map.css``, files rather than inline so the app's Content-Security-Policy holds; no CDN),
* ``GET /api/fleet/snapshot``: site, robots, racks, tasks in flight, alerts,
* ``GET /api/fleet/events``: ``text/event-stream`` of positions (``?limit=N`` ends after N),
* ``GET /api/fleet/robots/{serial}``, ``/api/fleet/slots/{address}``,
  ``/api/fleet/racks/{node}``: what a robot or slot holds and its history (404 if unknown).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

WEB = Path(__file__).resolve().parents[1] / "web"
TEMPLATE = WEB / "templates" / "fleet_map.html"
ASSETS = {  # served by the router itself, so the standalone map needs no /static mount
    "map.js": (WEB / "static" / "fleet_map.js", "text/javascript; charset=utf-8"),
    "map.css": (WEB / "static" / "fleet_map.css", "text/css; charset=utf-8"),
}


class FleetSource(Protocol):
    def snapshot(self) -> dict[str, Any]: ...

    def positions(self) -> dict[str, Any]: ...

    def robot(self, serial: str) -> dict[str, Any]: ...

    def slot(self, address: str) -> dict[str, Any]: ...

    def rack(self, node: str) -> list[dict[str, Any]]: ...


def make_router(
    source: FleetSource, interval_s: float = 0.5, dependencies: Sequence[Any] = ()
) -> APIRouter:
    """``dependencies`` guard every route (the main app passes its staff-only check)."""
    router = APIRouter(tags=["fleet"], dependencies=list(dependencies))

    @router.get("/fleet/map", response_class=HTMLResponse)
    def fleet_map(lang: str = "zh-CN") -> HTMLResponse:
        page = TEMPLATE.read_text(encoding="utf-8")
        return HTMLResponse(page.replace("__LANG__", "en" if lang.startswith("en") else "zh-CN"))

    @router.get("/fleet/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(status_code=404, detail=f"no fleet map asset {name}")
        path, media_type = ASSETS[name]
        return Response(path.read_bytes(), media_type=media_type)

    @router.get("/api/fleet/snapshot")
    def snapshot() -> dict[str, Any]:
        return source.snapshot()

    @router.get("/api/fleet/events")
    async def events(limit: int | None = Query(None, ge=1, le=100_000)) -> EventSourceResponse:
        async def stream() -> AsyncIterator[ServerSentEvent]:
            sent = 0
            while limit is None or sent < limit:
                yield ServerSentEvent(json.dumps(source.positions()), event="positions")
                sent += 1
                await asyncio.sleep(interval_s)

        # sse-starlette ends the stream when the client goes away
        return EventSourceResponse(stream(), headers={"Cache-Control": "no-cache"})

    def found(call: Any, *args: str) -> Any:
        try:
            return call(*args)
        except LookupError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None

    @router.get("/api/fleet/robots/{serial}")
    def robot(serial: str) -> dict[str, Any]:
        return dict(found(source.robot, serial))

    @router.get("/api/fleet/slots/{address}")
    def slot(address: str) -> dict[str, Any]:
        return dict(found(source.slot, address))

    @router.get("/api/fleet/racks/{node}")
    def rack(node: str) -> list[dict[str, Any]]:
        slots = found(source.rack, node)
        if not slots:
            raise HTTPException(status_code=404, detail=f"no rack is served from node {node!r}")
        return list(slots)

    return router
