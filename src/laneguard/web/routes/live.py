"""The live view: camera states (health), the page, and each camera's MJPEG stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from laneguard.web.context import Pages


def routes(pages: Pages) -> APIRouter:
    ctx, view = pages.ctx, pages.view
    router = APIRouter()

    @router.get("/api/health")
    def health() -> dict[str, object]:
        return ctx.health()

    @router.get("/live", response_class=HTMLResponse, dependencies=view)
    def live_page(request: Request) -> HTMLResponse:
        cameras = sorted(set(ctx.cameras) | set(ctx.frames.cameras()))
        states = ctx.health().get("cameras", {})
        return pages.page(
            request, "live.html", cameras=cameras, states=states if isinstance(states, dict) else {}
        )

    @router.get("/live/{camera}.mjpg", dependencies=view)
    async def live_stream(camera: str) -> StreamingResponse:
        async def frames() -> AsyncIterator[bytes]:
            seq = 0
            while True:
                got = await asyncio.to_thread(ctx.frames.wait_newer, camera, seq, 5.0)
                if got is None or got[0] == seq:
                    continue
                seq, jpeg = got
                yield (
                    b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                    + str(len(jpeg)).encode()
                    + b"\r\n\r\n"
                    + jpeg
                    + b"\r\n"
                )

        return StreamingResponse(frames(), media_type="multipart/x-mixed-replace; boundary=frame")

    return router
