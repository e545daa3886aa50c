"""FastAPI app for LaneGuard: pages (zh-CN default, `?lang=en` switches) and the terminal API.

Pages and API call services only. Alerts reach browsers as sealed messages over a WebSocket;
acknowledgements come back sealed and are opened by the alert service, never here. The routes
live in `laneguard.web.routes`, one module per page group; this module puts them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from laneguard.core.domain.records import StaleIncidentError
from laneguard.core.errors import LaneGuardError
from laneguard.web.auth import LoginRequired
from laneguard.web.body_limit import BodyLimit
from laneguard.web.context import HERE, Pages, SitePages, WebContext
from laneguard.web.routes import enrolment, incidents, live, login, stats, terminals, zones

__all__ = ["WebContext", "create_app"]

log = logging.getLogger(__name__)


def site_app(
    title: str,
    pages: SitePages,
    max_body_bytes: int,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    """A station's or the centre's app before its routes: no /docs or /openapi.json (nothing
    but the login page and /api/health is anonymous), request bodies capped, storage and other
    LaneGuard errors answered 503, anonymous page visits sent to the login form, the login
    routes and the static files."""
    app = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    @app.exception_handler(LaneGuardError)
    async def unavailable(_: Request, exc: LaneGuardError) -> JSONResponse:
        log.error("request failed: %s", exc)
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(LoginRequired)
    async def sign_in_first(request: Request, exc: LoginRequired) -> HTMLResponse:
        return login.login_form(pages, request, exc.target)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(login.routes(pages))
    return app


def create_app(ctx: WebContext) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ctx.ws_hub.bind_loop(asyncio.get_running_loop())
        yield

    pages = Pages(ctx)
    app = site_app("LaneGuard", pages, ctx.max_body_bytes, lifespan)

    @app.exception_handler(StaleIncidentError)
    async def stale(_: Request, exc: StaleIncidentError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    for group in (incidents, stats, terminals, enrolment, live, zones):
        app.include_router(group.routes(pages))
    return app
