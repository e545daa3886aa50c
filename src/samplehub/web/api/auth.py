"""Login for API clients and devices: username and password in, a signed bearer token out."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, State
from samplehub.web.api.schemas import Strict
from samplehub.web.security import BEARER
from samplehub.web.sessions import (
    check_password,
    end_login,
    open_login,
    refuse_while_limited,
    set_password,
)
from samplehub.web.state import AppState

router = APIRouter(tags=["auth"])


class Credentials(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    expires_in: int = Field(description="Seconds until the token expires")
    username: str
    role: str
    customer_id: str | None


class WhoAmI(BaseModel):
    username: str
    role: str
    customer_id: str | None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login(state: AppState, username: str, password: str, address: str) -> Actor | None:
    """Check a password under the failed-login limit; raises 429 while the limit holds."""
    now = state.services.clock.now()
    refuse_while_limited(state, username, address, now)
    actor = check_password(state, username, password)
    if actor is None:
        state.limiter.failed(username, address, now)
    else:
        state.limiter.succeeded(username)
    return actor


@router.post(
    "/auth/token",
    response_model=TokenOut,
    summary="Log in and get a bearer token",
    dependencies=[allow(Action.PUBLIC)],
)
def create_token(body: Credentials, request: Request, state: State) -> TokenOut:
    actor = login(state, body.username, body.password, client_address(request))
    if actor is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail={"error": "bad_credentials", "message": "wrong username or password"},
        )
    token, seconds = open_login(state, actor, BEARER)
    return TokenOut(
        access_token=token,
        expires_in=seconds,
        username=actor.username,
        role=actor.role.value,
        customer_id=actor.customer_id,
    )


@router.get(
    "/auth/me",
    response_model=WhoAmI,
    summary="Who the token belongs to",
    dependencies=[allow(Action.SIGNED_IN)],
)
def who_am_i(actor: CurrentActor) -> WhoAmI:
    return WhoAmI(username=actor.username, role=actor.role.value, customer_id=actor.customer_id)


@router.delete(
    "/auth/token",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Log out: revoke the bearer token this request carries, in every worker",
    dependencies=[allow(Action.SIGNED_IN)],
)
def revoke_token(request: Request, state: State) -> Response:
    _, _, token = request.headers.get("authorization", "").partition(" ")
    end_login(state, token.strip(), BEARER)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=1, max_length=256, description="At least 8 characters")


@router.post(
    "/auth/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change one's own password; every login of the user ends (log in again)",
    dependencies=[allow(Action.ACCOUNT)],
    openapi_extra={"x-roles": ["customer", "lab", "approver", "warehouse", "admin"]},
)
def change_password(
    body: PasswordChange, request: Request, actor: CurrentActor, state: State
) -> Response:
    """A wrong current password is a 422 naming ``current_password`` and counts as a failed
    login; a device login (the kiosk) cannot change its own (403: an admin resets it)."""
    set_password(
        state, actor, actor.username, body.password, body.current_password, client_address(request)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
