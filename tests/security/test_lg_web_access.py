"""LaneGuard's web UI was open to anyone on the network (issue 14, finding 3): zones, incidents,
snapshots, clips, live video, alarms and statistics. Every route of the app is walked from its
router: anonymous callers are refused everywhere but the login page, `/api/health` and the
terminal's own routes (which prove themselves by code or key); a viewer reads but changes
nothing; a change without the session's CSRF token is refused."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import Mount
from starlette.websockets import WebSocketDisconnect

from laneguard.access.domain.users import Action
from laneguard.web.auth import requires
from tests.security.conftest import MAX_BODY, Station

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/api/health"), ("GET", "/terminal")}
# the terminal's own routes: an enrolment code, a sealed acknowledgement, an enrolled terminal id
DEVICE = {("POST", "/api/terminals"), ("POST", "/api/acks")}
KEY = base64.b64encode(b"k" * 32).decode()
SAMPLE_PATH = {"camera": "cam-1", "incident_id": "inc-1", "terminal_id": "t-nobody"}


def walk(station: Station) -> list[tuple[str, str, Action | None]]:
    """(method, path, declared action) of every HTTP route the app serves, from its router
    (and the routers it includes)."""
    found: list[tuple[str, str, Action | None]] = []

    def visit(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                actions = {requires(d) for d in route.dependant.dependencies} - {None}
                assert len(actions) <= 1, route.path
                for method in sorted(route.methods):
                    found.append((method, prefix + route.path, next(iter(actions), None)))
            elif hasattr(route, "original_router"):  # an included router (FastAPI >= 0.13x)
                assert not route.include_context.dependencies
                visit(route.original_router.routes, prefix + route.include_context.prefix)
            else:
                assert isinstance(route, (Mount, APIWebSocketRoute)), f"unknown route {route}"

    visit(station.client().app.routes, "")  # type: ignore[attr-defined]
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH[m[1]], path)


def test_every_route_declares_its_action_or_is_listed_as_public(station: Station) -> None:
    routes = walk(station)
    assert len(routes) > 15
    undeclared = [
        (m, p) for m, p, action in routes if action is None and (m, p) not in PUBLIC | DEVICE
    ]
    assert undeclared == []
    changing = {(m, p) for m, p, action in routes if action is Action.CHANGE}
    assert {("PUT", "/api/cameras/{camera}/zones"), ("POST", "/api/simulate")} <= changing


def test_anonymous_is_refused_everywhere_but_login_health_and_terminals(station: Station) -> None:
    client = station.client()
    for method, path, _action in walk(station):
        if (method, path) in PUBLIC | DEVICE:
            continue
        answer = client.request(method, concrete(path), headers={"accept": "text/html"})
        if method == "GET" and not path.startswith("/api/"):
            # a page: the login form in its place, leading back to it, and nothing of the page
            assert answer.status_code == 200, (method, path, answer.status_code)
            assert 'id="login-form"' in answer.text, path
            assert f'name="next" value="{concrete(path)}"' in answer.text, path
            assert 'id="login-form"' in client.get("/login").text
        else:
            assert answer.status_code == 401, (method, path, answer.status_code)
        api = client.request(method, concrete(path), headers={"accept": "application/json"})
        assert api.status_code in (200, 401), (method, path)
        if api.status_code == 200:
            assert 'id="login-form"' in api.text, path
    assert client.get("/api/health").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/openapi.json").status_code == 404
    assert client.get("/docs").status_code == 404


def test_terminal_routes_refuse_callers_without_a_code_or_key(station: Station) -> None:
    client = station.client()
    bad_code = client.post(
        "/api/terminals", json={"name": "x", "code": "AAAAA-AAAAA", "public_key": KEY}
    )
    assert bad_code.status_code == 403
    assert client.post("/api/acks", content=b"{}").status_code == 422
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/ws/terminals/t-nobody") as ws,
    ):
        ws.receive_text()
    assert refused.value.code == 4403


def test_a_viewer_reads_but_cannot_change_zones_or_raise_alarms(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    viewer, csrf = station.login("viewer", lg_operator[1])
    for method, path, action in walk(station):
        if action is Action.VIEW and method == "GET" and "{" not in path:
            assert viewer.get(path).status_code == 200, path
        if action is Action.CHANGE:
            answer = viewer.request(method, concrete(path), headers={"x-csrf-token": csrf})
            assert answer.status_code == 403, (method, path)
    tiny = {"zones": [{"name": "z", "polygon": [[0, 0], [1, 0], [1, 1]]}]}
    refused = viewer.put("/api/cameras/cam-1/zones", json=tiny, headers={"x-csrf-token": csrf})
    assert refused.status_code == 403
    assert "may not change" in refused.json()["detail"]
    assert not (station.zones.folder / "cam-1.json").exists()
    assert viewer.get("/api/cameras/cam-1/zones").json()["origin"] == "config"


def test_an_operator_changes_only_with_the_sessions_csrf_token(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    operator, csrf = station.login(*lg_operator)
    layout = {"zones": [{"name": "z", "polygon": [[0, 0], [50, 0], [50, 50]]}]}
    forged = operator.put("/api/cameras/cam-1/zones", json=layout)
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    wrong = operator.put("/api/cameras/cam-1/zones", json=layout, headers={"x-csrf-token": "x"})
    assert wrong.status_code == 403
    saved = operator.put("/api/cameras/cam-1/zones", json=layout, headers={"x-csrf-token": csrf})
    assert saved.status_code == 200, saved.text
    logged_out = operator.post("/logout", data={"csrf": csrf})
    assert logged_out.status_code == 303
    assert operator.get("/api/incidents").status_code == 401


def test_session_cookie_is_httponly_lax_and_secure_when_configured(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    station.app_ctx.secure_cookie = True
    client = station.client("https://testserver")  # a Secure cookie comes back over HTTPS only
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    answer = client.post(
        "/login", data={"name": lg_operator[0], "password": lg_operator[1], "csrf": csrf[1]}
    )
    assert answer.status_code == 303, answer.text
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "lg_session=" in c).lower()
    assert "lg_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" in cookie


def test_login_refuses_a_wrong_password_a_foreign_form_and_an_open_redirect(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    client = station.client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    wrong = client.post("/login", data={"name": "operator", "password": "x", "csrf": csrf[1]})
    assert wrong.status_code == 401
    assert "lg_session" not in wrong.headers.get("set-cookie", "")
    foreign = station.client().post(
        "/login", data={"name": lg_operator[0], "password": lg_operator[1], "csrf": "forged"}
    )
    assert foreign.status_code == 403
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    away = client.post(
        "/login",
        data={
            "name": lg_operator[0],
            "password": lg_operator[1],
            "csrf": csrf[1],
            "next": "//evil.example/",
        },
    )
    assert away.status_code == 303
    assert away.headers["location"] == "/"


def test_a_disabled_user_loses_access_on_the_next_request(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    viewer, _ = station.login("viewer", lg_operator[1])
    assert viewer.get("/api/incidents").status_code == 200
    assert station.app_ctx.users is not None
    station.app_ctx.users.set_active("viewer", False)
    assert viewer.get("/api/incidents").status_code == 401


def test_oversized_bodies_are_refused_with_413_before_being_read(station: Station) -> None:
    client = station.client()
    declared = client.post("/api/acks", content=b"x" * (MAX_BODY + 1))
    assert declared.status_code == 413
    assert str(MAX_BODY) in declared.json()["detail"]

    def chunks() -> object:
        for _ in range(MAX_BODY // 1024 + 2):
            yield b"x" * 1024

    streamed = client.post("/api/acks", content=chunks())  # no Content-Length: counted
    assert streamed.status_code == 413
    enrol = client.post("/api/terminals", content=b"{" + b" " * MAX_BODY + b"}")
    assert enrol.status_code == 413


def test_password_guessing_is_slowed_per_name(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    client = station.client()
    answers = []
    for _ in range(11):
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf is not None
        data = {"name": "operator", "password": "guess", "csrf": csrf[1]}
        answers.append(client.post("/login", data=data).status_code)
    assert answers == [401] * 10 + [429]
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    right = {"name": "operator", "password": lg_operator[1], "csrf": csrf[1]}
    assert client.post("/login", data=right).status_code == 429  # even the right one, for now
