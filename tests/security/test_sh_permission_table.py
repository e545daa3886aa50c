"""Every route of SampleHub, walked from the router as every role and as nobody, answers as
the permission table says (issue 14, finding 1): the table lets a role in, or the door refuses
it (401 or the way to /login for nobody, 403 for a role) naming the action. A route that
declares no action fails the walk."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from samplehub.core.domain.model import Role
from samplehub.core.domain.permissions import PERMISSIONS, Action
from samplehub.web.access import DENIED_HEADER, declared
from tests.security.samplehub_site import USERS, seeded, signed_in, site_app, site_settings

# query values that make a live stream end at once
QUERY = {"/api/fleet/events": {"limit": "1"}}
LAST = ("/logout", "/api/auth/token")  # walked after the rest: no login ends mid-walk


def routes(app: FastAPI) -> Iterator[tuple[str, str, Action | None]]:
    """(method, path, declared action) of every route the router holds."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = context.path or ""
        if isinstance(route, Mount):
            yield "GET", f"{path}/app.css", declared(route)
            continue
        for method in sorted(context.methods or {"GET"}):
            if method != "HEAD":
                yield method, path, declared(context)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "X-1", path)


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, object]]]:
    settings = site_settings(tmp_path_factory.mktemp("walk"))
    for services, _ in seeded(settings):
        app = site_app(settings, services)
        callers: dict[str, object] = {"anonymous": (TestClient(app, follow_redirects=False), {})}
        callers |= {role: signed_in(app, user) for role, user in USERS.items()}
        yield app, callers


def test_every_route_declares_an_action(walk: tuple[FastAPI, dict[str, object]]) -> None:
    app, _ = walk
    walked = list(routes(app))
    assert len(walked) > 100
    assert [(m, p) for m, p, action in walked if action is None] == []


def test_every_route_answers_every_role_as_the_table_says(
    walk: tuple[FastAPI, dict[str, object]],
) -> None:
    app, callers = walk
    wrong = []
    ordered = sorted(routes(app), key=lambda r: r[1] in LAST)
    for method, path, action in ordered:
        assert action is not None
        for role, caller in callers.items():
            client, bearer = caller  # type: ignore[misc]
            url = concrete(path)
            headers = bearer if url.startswith("/api/") else {}
            answer = client.request(method, url, headers=headers, params=QUERY.get(path))
            allowed = (None if role == "anonymous" else Role(role)) in PERMISSIONS[action]
            refused = answer.headers.get(DENIED_HEADER) == action.value
            if allowed == refused or (refused and answer.status_code not in (303, 401, 403)):
                wrong.append((method, path, role, action.value, answer.status_code))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_kiosk_row_is_only_the_kiosk() -> None:
    kiosk_actions = {a for a, roles in PERMISSIONS.items() if Role.KIOSK in roles}
    assert kiosk_actions == {
        Action.PUBLIC,
        Action.SIGNED_IN,
        Action.KIOSK_DESK,
        Action.PICKUP_KIOSK,
    }


def test_a_route_without_an_action_is_found() -> None:
    app = FastAPI(docs_url=None, redoc_url=None)

    @app.get("/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    assert [(m, p) for m, p, action in routes(app) if action is None] == [("GET", "/forgotten")]
