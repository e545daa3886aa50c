"""The management centre's web app: every station's incidents, statistics and camera states
(zh-CN default, `?lang=en`), behind the same login as a station's pages; anonymous visitors
get the login form, scripts HTTP Basic."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from laneguard.core.errors import LaneGuardError
from laneguard.web.auth import LoginRequired
from laneguard.web.body_limit import BodyLimit
from laneguard.web.centre_context import CentreContext, CentrePages
from laneguard.web.context import HERE
from laneguard.web.routes import centre, login

__all__ = ["CentreContext", "create_centre_app"]

log = logging.getLogger(__name__)


def create_centre_app(ctx: CentreContext) -> FastAPI:
    app = FastAPI(title="LaneGuard centre", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(BodyLimit, max_bytes=ctx.max_body_bytes)
    pages = CentrePages(ctx)

    @app.exception_handler(LaneGuardError)
    async def unavailable(_: Request, exc: LaneGuardError) -> JSONResponse:
        log.error("request failed: %s", exc)
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(LoginRequired)
    async def sign_in_first(request: Request, exc: LoginRequired) -> HTMLResponse:
        return login.login_form(pages, request, exc.target)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(login.routes(pages))
    app.include_router(centre.routes(pages, ctx))
    return app
