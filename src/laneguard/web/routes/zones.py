"""The zone editor: its page, each camera's layout (read and save), and the camera's latest
frame to draw on."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from laneguard.detection.service.ports import LayoutInvalidError
from laneguard.detection.service.zone_editor import UnknownCameraError, ZoneEditorService
from laneguard.web.context import Pages
from laneguard.web.i18n import message_id

# what zones.js shows, by the names it looks them up under
SCRIPT_TEXTS = {
    "ze_points": message_id("detection.ze_points"),
    "ze_lane": message_id("detection.ze_lane"),
    "ze_remove": message_id("detection.ze_remove"),
    "ze_no_snapshot": message_id("detection.ze_no_snapshot"),
    "ze_invalid": message_id("detection.ze_invalid"),
    "ze_saved": message_id("detection.ze_saved"),
    "ze_saved_live": message_id("detection.ze_saved_live"),
    "ze_need_name": message_id("detection.ze_need_name"),
    "ze_need_points": message_id("detection.ze_need_points"),
}


def routes(pages: Pages) -> APIRouter:
    ctx, view, change = pages.ctx, pages.view, pages.change
    router = APIRouter()

    def editor() -> ZoneEditorService:
        if ctx.zones is None:
            raise HTTPException(404, "the zone editor is not set up on this station")
        return ctx.zones

    @router.get("/zones", response_class=HTMLResponse, dependencies=view)
    def zones_page(request: Request, camera: str | None = None) -> HTMLResponse:
        cameras = editor().cameras()
        t = pages.translator(request)
        texts = {key: t(msgid) for key, msgid in SCRIPT_TEXTS.items()}
        chosen = camera if camera in cameras else (cameras[0] if cameras else None)
        return pages.page(request, "zones.html", cameras=cameras, camera=chosen, texts=texts)

    @router.get("/api/cameras/{camera}/zones", dependencies=view)
    def get_layout(camera: str) -> dict[str, object]:
        try:
            layout, origin = editor().layout(camera)
        except UnknownCameraError as exc:
            raise HTTPException(404, str(exc)) from exc
        return {"camera": camera, "origin": origin, "layout": layout}

    @router.put("/api/cameras/{camera}/zones", dependencies=change)
    async def put_layout(camera: str, request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            problem = {"field": "body", "value": None, "allowed": "a JSON object"}
            return JSONResponse({"detail": [problem]}, status_code=422)
        try:
            saved = await asyncio.to_thread(editor().save, camera, body)
        except UnknownCameraError as exc:
            raise HTTPException(404, str(exc)) from exc
        except LayoutInvalidError as exc:
            return JSONResponse({"detail": exc.problems}, status_code=422)
        applies = "now" if saved.live else "next_start"
        return JSONResponse({"camera": camera, "saved": saved.path, "applies": applies})

    @router.get("/api/cameras/{camera}/snapshot.jpg", dependencies=view)
    def camera_snapshot(camera: str) -> Response:
        latest = ctx.frames.latest(camera)
        if latest is None:
            raise HTTPException(404, f"camera={camera!r} has sent no frame yet")
        return Response(latest[1], media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    return router
