"""Typed dependencies shared by the API slices (``Annotated`` aliases, as in Netflix/dispatch)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from samplehub.app.services import Services
from samplehub.core.domain.errors import InvalidValue
from samplehub.core.service.commands import Actor
from samplehub.web.sessions import bearer_of
from samplehub.web.state import AppState

_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/auth/token")


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.samplehub
    return state


State = Annotated[AppState, Depends(get_state)]


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.samplehub.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def current_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The actor named by a valid bearer token; 401 otherwise.

    The dependencies here are ``async`` although they never wait: they only check an HMAC, and
    a sync dependency would cost a thread-pool hop on every request.
    """
    return actor_of(request.app.state.samplehub, credentials.credentials if credentials else None)


def bearer_actor(request: Request) -> Actor:
    """``current_actor`` for a hot endpoint that reads the header itself, without dependencies."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return actor_of(request.app.state.samplehub, token if scheme.lower() == "bearer" else None)


def actor_of(state: AppState, token: str | None) -> Actor:
    actor = bearer_of(state, token) if token else None
    if actor is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail={"error": "unauthenticated", "message": "a valid bearer token is required"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")]
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (1 to 200)")]


def if_match_version(value: str | None) -> int | None:
    """The version a caller loaded, from an ``If-Match`` header (``3`` or ``"3"``); None when
    absent."""
    if value is None:
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 10:
        raise InvalidValue("If-Match", value, 'a version number, e.g. "3"')
    return int(text)


IfMatch = Annotated[
    str | None,
    Header(description="the version loaded; a save over a newer one is refused (409)"),
]
