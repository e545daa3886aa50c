"""Users: created and listed by admins only."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from samplehub.core.domain.permissions import Action
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.web.access import allow
from samplehub.web.api.auth import client_address
from samplehub.web.api.deps import CurrentActor, ServicesDep, State
from samplehub.web.api.schemas import Strict, UserOut, all_of
from samplehub.web.sessions import change_user as change
from samplehub.web.sessions import set_password

router = APIRouter(tags=["users"], dependencies=[allow(Action.USERS_MANAGE)])


class UserIn(Strict):
    username: str
    password: str = Field(description="At least 8 characters")
    role: str = Field(description="customer, kiosk, lab, warehouse or admin")
    customer_id: str | None = Field(None, description="Required for role customer")
    display_name: str = ""


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserOut)
def create_user(body: UserIn, actor: CurrentActor, services: ServicesDep) -> UserOut:
    services.bus.handle(
        c.CreateUser(
            actor, body.username, body.password, body.role, body.customer_id, body.display_name
        )
    )
    users = queries.list_users(services.uow_factory, actor)
    return next(UserOut.of(u) for u in users if u.username == body.username)


@router.get("/users", response_model=list[UserOut])
def list_users(actor: CurrentActor, services: ServicesDep) -> list[UserOut]:
    return all_of(queries.list_users(services.uow_factory, actor), UserOut.of)


class UserChange(Strict):
    role: str | None = Field(None, description="A new role (a customer stays a customer)")
    active: bool | None = Field(None, description="false: disabled; every login ends at once")


@router.patch("/users/{username}", response_model=UserOut)
def change_user(username: str, body: UserChange, actor: CurrentActor, state: State) -> UserOut:
    """Disable a user or change their role: their logins see it on the next request (in this
    worker at once, in the others within ``auth_cache_seconds``)."""
    change(state, actor, username, body.role, body.active)
    users = queries.list_users(state.services.uow_factory, actor)
    return next(UserOut.of(u) for u in users if u.username == username)


class PasswordReset(Strict):
    password: str = Field(min_length=1, max_length=256, description="At least 8 characters")


@router.put(
    "/users/{username}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Reset a user's password; every login of the user ends",
)
def reset_password(
    username: str, body: PasswordReset, request: Request, actor: CurrentActor, state: State
) -> Response:
    set_password(state, actor, username, body.password, None, client_address(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
