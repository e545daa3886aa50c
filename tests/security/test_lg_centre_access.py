"""The management centre's pages and API, like a station's, are for signed-in users only: every
route declares its action; an anonymous visitor gets the login form in the page's place (and
nothing of it), an anonymous script 401; a viewer reads everything there is to read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from typer.testing import CliRunner

from laneguard.access.domain.users import Action
from laneguard.access.service.users import UserService
from laneguard.app.centre_bootstrap import centre_users
from laneguard.app.centre_config import load_centre_config
from laneguard.centre.adapters.memory import InMemoryCentreStore
from laneguard.centre.service.centre import CentreService
from laneguard.cli.main import app as cli
from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.service.statistics import StatisticsService
from laneguard.web.auth import requires
from laneguard.web.centre_app import CentreContext, create_centre_app
from tests.conftest import LANEGUARD_PASSWORD

PUBLIC = {("GET", "/login"), ("POST", "/login")}


@pytest.fixture
def client(lg_users: UserService) -> TestClient:
    store = InMemoryCentreStore()
    at = datetime.now(UTC)
    store.add(IncidentRecord("i-1", "嘉善", "cam-1", "z", "2", ObjectClass.BICYCLE, 1, 0.9, at))
    centre = CentreService(store, ["嘉善", "许村"])
    stats = StatisticsService(store, ZoneInfo("Asia/Shanghai"))
    ctx = CentreContext("管理中心", "zh-CN", centre, stats, lg_users)
    return TestClient(create_centre_app(ctx), follow_redirects=False)


def routes(client: TestClient) -> list[tuple[str, str, Action | None]]:
    found: list[tuple[str, str, Action | None]] = []

    def visit(items: list[Any], prefix: str) -> None:
        for route in items:
            if isinstance(route, APIRoute):
                actions = {requires(d) for d in route.dependant.dependencies} - {None}
                for method in sorted(route.methods):
                    found.append((method, prefix + route.path, next(iter(actions), None)))
            elif hasattr(route, "original_router"):
                visit(route.original_router.routes, prefix + route.include_context.prefix)
            else:
                assert isinstance(route, Mount), f"unknown route {route}"

    visit(client.app.routes, "")  # type: ignore[attr-defined]
    return found


def test_every_centre_route_declares_its_action(client: TestClient) -> None:
    found = routes(client)
    assert len(found) >= 10
    assert [(m, p) for m, p, a in found if a is None and (m, p) not in PUBLIC] == []
    assert {a for m, p, a in found if (m, p) not in PUBLIC} == {Action.VIEW}


def test_anonymous_gets_the_login_form_or_401_and_a_viewer_reads(client: TestClient) -> None:
    for method, path, _ in routes(client):
        if (method, path) in PUBLIC or path == "/logout":
            continue
        answer = client.request(method, path, headers={"accept": "text/html"})
        if method == "GET" and not path.startswith("/api/"):
            assert answer.status_code == 200, path
            assert 'id="login-form"' in answer.text, path
            assert "嘉善" not in answer.text, path
        else:
            assert answer.status_code == 401, (path, answer.status_code)
        signed = client.request(method, path, auth=("viewer", LANEGUARD_PASSWORD))
        assert signed.status_code == 200, (path, signed.status_code)
    overview = client.get("/", auth=("viewer", LANEGUARD_PASSWORD)).text
    assert "嘉善" in overview
    assert "许村" in overview
    assert "总览" in overview
    english = client.get("/?lang=en", auth=("viewer", LANEGUARD_PASSWORD)).text
    assert "Overview" in english


def test_the_centre_has_its_own_logins_made_with_the_user_command(tmp_path: Path) -> None:
    config = tmp_path / "centre.yaml"
    config.write_text(f"data_dir: {tmp_path}\nstations: [嘉善]\nlink: {{tls: 'off'}}\n")
    added = CliRunner().invoke(
        cli,
        ["user", "add", "chief", "--role", "viewer", "--config", str(config)],
        input="long-enough-secret\n",
    )
    assert added.exit_code == 0, added.output
    users = centre_users(load_centre_config(config))
    assert users.authenticate("chief", "long-enough-secret") is not None
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("stations: [嘉善]\nmystery: 1\n")
    refused = CliRunner().invoke(cli, ["user", "list", "--config", str(wrong)])
    assert refused.exit_code == 2
    assert "mystery" in refused.output
    assert "stations" not in refused.output  # the centre's own error, not a station's
