"""The permission table at the door: every route declares its action with ``allow(action)``.

The check runs before the handler (and before its body is read): the caller is the bearer
token's actor when an ``Authorization: Bearer`` header is sent, else the page session's; an
anonymous caller of a page is sent to /login, of the API gets 401; a role the table does not
list for the action gets 403. Every refusal names the action in ``X-Denied-Action`` so that
the route walk in tests/security can tell the table's answer from a handler's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends, HTTPException, Request, status

from samplehub.core.domain.permissions import Action, may
from samplehub.core.service.commands import Actor
from samplehub.web.sessions import bearer_of, session_of
from samplehub.web.state import AppState

DENIED_HEADER = "X-Denied-Action"
# routes FastAPI and Starlette add themselves (no dependency can be declared on them)
BUILT_IN: dict[str, Action] = {
    "/openapi.json": Action.PUBLIC,
    "/static": Action.PUBLIC,
    "/docs-static": Action.PUBLIC,
}


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith("/api/")


def request_actor(request: Request) -> Actor | None:
    """Who calls: the bearer token's actor, else the session cookie's; None when neither is
    valid. Resolved once per request."""
    if hasattr(request.state, "actor"):
        found: Actor | None = request.state.actor
        return found
    state: AppState = request.app.state.samplehub
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        actor = bearer_of(state, token)
    else:
        actor = session_of(state, request)
    request.state.actor = actor
    return actor


def check(request: Request, action: Action) -> Actor | None:
    """The caller if the table lets them do ``action``; raises 303/401/403 otherwise."""
    actor = request_actor(request)
    role = actor.role if actor is not None else None
    if may(role, action):
        return actor
    headers = {DENIED_HEADER: action.value}
    if actor is None:
        if is_api(request):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail={"error": "unauthenticated", "message": "a valid bearer token is required"},
                headers=headers | {"WWW-Authenticate": "Bearer"},
            )
        raise HTTPException(303, "login required", headers=headers | {"Location": "/login"})
    raise HTTPException(
        status.HTTP_403_FORBIDDEN,
        detail={
            "error": "forbidden",
            "action": action.value,
            "message": f"the {role} role may not {action.value}",
        },
        headers=headers,
    )


class Permission:
    """The dependency ``allow`` declares; the route walk reads ``action`` back from it."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(self, request: Request) -> None:
        check(request, self.action)


def allow(action: Action) -> Any:
    """``dependencies=[allow(Action.X)]`` on a route or router: the table's row X applies."""
    return Depends(Permission(action))


E = TypeVar("E", bound=Callable[..., Any])
_PLAIN: dict[Callable[..., Any], Action] = {}


def plain_route(action: Action) -> Callable[[E], E]:
    """Declares ``action`` for an endpoint served without dependencies (it calls ``check``)."""

    def mark(endpoint: E) -> E:
        _PLAIN[endpoint] = action
        return endpoint

    return mark


def declared(route: Any) -> Action | None:
    """The action a route declares (by ``allow`` or ``plain_route``)."""
    dependant = getattr(route, "dependant", None)
    pending = list(dependant.dependencies) if dependant is not None else []
    while pending:
        dependency = pending.pop()
        if isinstance(dependency.call, Permission):
            return dependency.call.action
        pending.extend(dependency.dependencies)
    endpoint = getattr(route, "endpoint", None)
    if endpoint in _PLAIN:
        return _PLAIN[endpoint]
    return BUILT_IN.get(getattr(route, "path", ""))
