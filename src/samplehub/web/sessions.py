"""Who a token names: the one place bearer tokens and session cookies are turned into actors."""

from __future__ import annotations

from fastapi import Request

from samplehub.core.service.commands import Actor
from samplehub.web.security import BEARER, SESSION, read_token
from samplehub.web.state import AppState

SESSION_COOKIE = "sh_session"


def bearer_of(state: AppState, token: str) -> Actor | None:
    """The actor of a valid bearer token; None for anything else."""
    return read_token(token, state.settings.secret_key, BEARER, state.services.clock.now())


def session_of(state: AppState, request: Request) -> Actor | None:
    """The actor of the request's session cookie while it is valid and not logged out."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    now = state.services.clock.now()
    if state.revoked.is_revoked(token, now):
        return None
    return read_token(token, state.settings.secret_key, SESSION, now)
