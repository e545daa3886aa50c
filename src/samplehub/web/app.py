"""The FastAPI application: the JSON API under /api, the pages, offline API docs, health."""

from __future__ import annotations

import importlib.resources
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from samplehub import __version__
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.permissions import Action
from samplehub.core.domain.status import Check
from samplehub.core.service.commands import Actor
from samplehub.fleet.api import FleetSource, make_router
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.intake.service.ports import MAX_IMAGE_BYTES
from samplehub.pickup.service.app import PickupApp
from samplehub.storage.service.inventory import CycleSummary
from samplehub.web import shell as web
from samplehub.web.access import allow, is_api
from samplehub.web.api import api_routers, samples
from samplehub.web.api.errors import domain_error_body, validation_error_body
from samplehub.web.middleware import BodyLimit, SecurityHeaders
from samplehub.web.security import LoginLimiter, SharedLoginLimiter
from samplehub.web.state import AppState

log = logging.getLogger(__name__)
# photo uploads may be up to 20 MB; the margin lets the kiosk say so in its own words
KIOSK_UPLOAD_PATHS = ("/api/kiosk/sessions/", "/kiosk/photo")
KIOSK_UPLOAD_BYTES = MAX_IMAGE_BYTES + 4 * 1024 * 1024
DESCRIPTION = """SampleHub 样品自助流转系统: orders (委托单), samples (样品), their lifecycle
and the chain of custody. Get a token from `POST /api/auth/token`, then press *Authorize*."""


def create_app(
    services: Services,
    settings: Settings,
    fleet: FleetSource | None = None,
    kiosk: KioskDesk | None = None,
    pickup: PickupApp | None = None,
    inventory: Callable[[Actor], CycleSummary] | None = None,
    status: Callable[[], list[Check]] | None = None,
) -> FastAPI:
    """The application over ``services``; nothing here chooses an adapter.

    ``fleet`` (the fleet ``serve`` runs, or none) adds the live map at ``/fleet`` for staff;
    ``kiosk`` (made by ``app.wiring.intake.build_kiosk``) serves ``/kiosk`` and ``/api/kiosk``.
    ``pickup`` (made by ``app.wiring.pickup.pickup_app``) serves ``/pickup`` and
    ``/kiosk/pickup``. ``inventory`` (``app.wiring.inventory``) runs a cycle count on demand.
    ``status`` (``app.status.StatusReader``) reads the installation's health for ``/status``.
    """
    if len(settings.secret_key) < 16:
        raise ValueError("secret_key must be at least 16 characters (see app.secret_key)")
    app = FastAPI(
        title="SampleHub",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    limiter = SharedLoginLimiter(
        services.auth, settings.login_attempts_per_minute, settings.login_attempts_per_address
    )
    app.state.samplehub = AppState(
        services,
        settings,
        limiter,
        hashing=threading.BoundedSemaphore(settings.password_hash_concurrency),
        kiosk=kiosk,
        inventory=inventory,
        status=status,
    )
    app.state.pickup = pickup
    app.state.verify_limiter = LoginLimiter(settings.signing.verify_per_minute)
    samples.add_status_route(app)
    for router in api_routers():
        app.include_router(router, prefix="/api")
    app.include_router(web.router())
    if fleet is not None:
        app.include_router(make_router(fleet, dependencies=[allow(Action.FLEET_SEE)]))

        @app.get("/fleet", include_in_schema=False, dependencies=[allow(Action.FLEET_SEE)])
        def fleet_page() -> RedirectResponse:
            return RedirectResponse("/fleet/map", status_code=303)

    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    _mount_docs(app)

    @app.get("/healthz", tags=["health"], summary="Liveness", dependencies=[allow(Action.PUBLIC)])
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, error: DomainError) -> Response:
        status_code, body = domain_error_body(error)
        if is_api(request):
            return JSONResponse(body, status_code)
        return web.domain_error_page(request, error)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, error: RequestValidationError) -> Response:
        body = validation_error_body(error)
        if is_api(request):
            return JSONResponse(body, 422)
        return web.error_page(request, 422, body["message"])

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if isinstance(error.detail, dict):
            body = error.detail
        else:
            body = {"error": f"http_{error.status_code}", "message": str(error.detail)}
        if is_api(request) or request.url.path == "/openapi.json":
            return JSONResponse(body, error.status_code, headers=headers)
        return web.error_page(request, error.status_code, str(body["message"]), headers)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_paths=KIOSK_UPLOAD_PATHS,
        upload_max_bytes=KIOSK_UPLOAD_BYTES,
    )
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from the files the fastapi-offline package ships: /docs works offline."""
    assets = Path(str(importlib.resources.files("fastapi_offline") / "static"))
    app.mount("/docs-static", StaticFiles(directory=assets), name="docs-static")

    @app.get("/docs", include_in_schema=False, dependencies=[allow(Action.PUBLIC)])
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="SampleHub API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )


def behind_proxies(app: FastAPI, trusted: list[str]) -> ProxyHeadersMiddleware:
    """The app as `serve` runs it: X-Forwarded-Proto and -For are believed only from the
    ``trusted`` proxy addresses (so a cookie gets Secure behind a TLS-terminating proxy, and
    the login limiter sees the client's address, not the proxy's)."""
    return ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]
