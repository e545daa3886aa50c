"""The login page, logging in and out. Wrong passwords are counted per name and per address
(`LoginLimiter`); past the limit the login answers 429 for five minutes. The login form carries
its own CSRF token (a cookie and a hidden field that must match), so another site cannot log a
browser into an account of its choosing; logging out needs the session's token like every other
change."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from laneguard.access.domain.users import Action
from laneguard.web.auth import LoginLimiter
from laneguard.web.context import SitePages

LOGIN_CSRF_COOKIE = "lg_login_csrf"


def _local(target: str) -> str:
    """Only a path on this site: never `//host` or `https://host` (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def login_form(
    pages: SitePages, request: Request, next_: str, *, error: bool = False, status: int = 200
) -> HTMLResponse:
    """The login form, leading back to ``next_`` (a path of this site) once signed in."""
    token = secrets.token_urlsafe(24)
    response = pages.page(
        request, "login.html", csrf=token, next=_local(next_), error=error, users=None
    )
    response.status_code = status
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        secure=pages.guard.secure_cookie,
        samesite="lax",
    )
    return response


def routes(pages: SitePages) -> APIRouter:
    guard = pages.guard
    limiter = LoginLimiter()
    router = APIRouter()

    def form(request: Request, next_: str, error: bool, status: int) -> HTMLResponse:
        return login_form(pages, request, next_, error=error, status=status)

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return form(request, next, error=False, status=200)

    @router.post("/login", response_model=None)
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=256)],
        csrf: Annotated[str, Form(max_length=64)] = "",
        next: Annotated[str, Form(max_length=512)] = "/",
    ) -> Response:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(csrf, expected):
            return form(request, next, error=True, status=403)
        address = request.client.host if request.client else ""
        if limiter.blocked(name, address):
            return form(request, next, error=True, status=429)
        user = guard.users.authenticate(name, password)
        if user is None:
            limiter.failed(name, address)
            return form(request, next, error=True, status=401)
        response = RedirectResponse(_local(next), status_code=303)
        guard.start(response, user)
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @router.post("/logout", dependencies=[guard.need(Action.VIEW)])
    def logout() -> RedirectResponse:
        response = RedirectResponse("/login", status_code=303)
        guard.end(response)
        return response

    return router
