"""The management centre's web app: every station's incidents, statistics and camera states
(zh-CN default, `?lang=en`), behind the same login as a station's pages; anonymous visitors
get the login form, scripts HTTP Basic."""

from __future__ import annotations

from fastapi import FastAPI

from laneguard.web.app import site_app
from laneguard.web.centre_context import CentreContext, CentrePages
from laneguard.web.routes import centre

__all__ = ["CentreContext", "create_centre_app"]


def create_centre_app(ctx: CentreContext) -> FastAPI:
    pages = CentrePages(ctx)
    app = site_app("LaneGuard centre", pages, ctx.max_body_bytes)
    app.include_router(centre.routes(pages, ctx))
    return app
