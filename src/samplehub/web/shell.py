"""The web shell: server-rendered pages (Jinja2), static CSS and JS, no CDN, no build step."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from samplehub.core.domain.errors import DomainError
from samplehub.intake import pages as kiosk_pages
from samplehub.lab import pages as lab_pages
from samplehub.lab import verify_pages
from samplehub.pickup import kiosk_pages as kiosk_pickup
from samplehub.pickup import pages as pickup_pages
from samplehub.recall import pages as recall_pages
from samplehub.storage import pages as storage_pages
from samplehub.web import (
    account_pages,
    flow_pages,
    live,
    orders_form,
    pages,
    status_pages,
    tasks_pages,
)
from samplehub.web.api.errors import domain_error_body
from samplehub.web.context import page_context
from samplehub.web.error_text import error_text

STATIC_DIR = Path(__file__).parent / "static"


def router() -> APIRouter:
    """Every slice's pages in one router, in this order (the first route that matches wins)."""
    combined = APIRouter(include_in_schema=False)
    for part in (
        live.router,
        orders_form.router,
        kiosk_pages.router,
        pages.router,
        lab_pages.router,
        tasks_pages.router,
        flow_pages.router,
        status_pages.router,
        account_pages.account,
        account_pages.users,
        verify_pages.router,
        recall_pages.router,
        storage_pages.router,
        storage_pages.counting,
        pickup_pages.router,
        kiosk_pickup.router,
    ):
        combined.include_router(part)
    return combined


def error_page(
    request: Request, status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """An error as a page in the visitor's language; a 303 (login required) as the redirect."""
    ctx = page_context(request)
    response: Response
    if status_code == 303 and headers and "Location" in headers:
        response = ctx.finish(RedirectResponse(headers["Location"], status_code=303))
    else:
        if status_code == 404:
            title, message = ctx.t("web.not_found_title"), ctx.t("web.not_found_text")
        elif status_code == 403:
            title = ctx.t("web.forbidden_title")
        else:
            title = ctx.t("web.error_title")
        values = {"title": title, "message": message, "code": status_code}
        response = ctx.render("error.html", status_code, **values)
    for name, value in (headers or {}).items():
        if name.lower() != "location":
            response.headers[name] = value
    return response


def domain_error_page(request: Request, error: DomainError) -> Response:
    """A domain error no page caught, said from the catalogue in the visitor's language."""
    status_code = domain_error_body(error)[0]
    return error_page(request, status_code, error_text(page_context(request).t, error))
