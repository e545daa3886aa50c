"""FastAPI app for LaneGuard: pages (zh-CN default, `?lang=en` switches) and the terminal API.

Pages and API call services only. Alerts reach browsers as sealed messages over a WebSocket;
acknowledgements come back sealed and are opened by the alert service, never here. The routes
live in `laneguard.web.routes`, one module per page group; this module puts them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from laneguard.core.domain.records import StaleIncidentError
from laneguard.core.errors import LaneGuardError
from laneguard.web.auth import LoginRequired
from laneguard.web.body_limit import BodyLimit
from laneguard.web.context import HERE, Pages, WebContext
from laneguard.web.routes import enrolment, incidents, live, login, stats, terminals, zones

__all__ = ["WebContext", "create_app"]

log = logging.getLogger(__name__)


def create_app(ctx: WebContext) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ctx.ws_hub.bind_loop(asyncio.get_running_loop())
        yield

    # no /docs or /openapi.json: nothing but the login page and /api/health is anonymous
    app = FastAPI(
        title="LaneGuard", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.add_middleware(BodyLimit, max_bytes=ctx.max_body_bytes)

    @app.exception_handler(StaleIncidentError)
    async def stale(_: Request, exc: StaleIncidentError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(LaneGuardError)
    async def unavailable(_: Request, exc: LaneGuardError) -> JSONResponse:
        log.error("request failed: %s", exc)
        return JSONResponse({"detail": str(exc)}, status_code=503)

    pages = Pages(ctx)

    @app.exception_handler(LoginRequired)
    async def sign_in_first(request: Request, exc: LoginRequired) -> HTMLResponse:
        return login.login_form(pages, request, exc.target)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for group in (login, incidents, stats, terminals, enrolment, live, zones):
        app.include_router(group.routes(pages))
    return app
