"""Cookies got Secure only when the request's own scheme was https (issue 14, finding 9), so
behind a TLS-terminating proxy every session cookie went out without it. Now SampleHub believes
X-Forwarded-Proto from its trusted proxies only (`trusted_proxies`, as `serve` runs the app)
or takes `secure_cookies` as configured; LaneGuard has `web.secure_cookie`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp

from laneguard.app.config import WebConfig
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD
from samplehub.app.services import Services
from samplehub.web.app import behind_proxies, create_app
from tests.security.samplehub_site import csrf_of, seeded, site_settings


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Settings, Services]]:
    settings = site_settings(tmp_path)
    for services, _ in seeded(settings):
        yield settings, services


def login_cookies(app: ASGIApp, headers: dict[str, str] | None = None) -> dict[str, str]:
    """Each cookie the login answer sets: name -> its Set-Cookie line (lower case). The app
    sees plain http, as behind a proxy; the browser's side is https, so the CSRF cookie is
    sent back by hand (the test client's jar keeps a Secure cookie to https)."""
    client = TestClient(app, follow_redirects=False, headers=headers or {})
    form = client.get("/login")
    csrf_cookie = next(
        line.split(";", 1)[0] for line in form.headers.get_list("set-cookie") if "sh_csrf=" in line
    )
    client.cookies.clear()
    answer = client.post(
        "/login",
        data={"username": "lab", "password": DEMO_PASSWORD, "csrf": csrf_of(form.text)},
        headers={"Cookie": csrf_cookie},
    )
    assert answer.status_code == 303, answer.text
    lines = [*form.headers.get_list("set-cookie"), *answer.headers.get_list("set-cookie")]
    return {line.split("=", 1)[0]: line.lower() for line in lines}


def secure(cookies: dict[str, str]) -> set[str]:
    return {name for name, line in cookies.items() if "; secure" in line}


def test_behind_a_trusted_tls_proxy_every_cookie_is_secure(
    world: tuple[Settings, Services],
) -> None:
    settings, services = world
    served = behind_proxies(create_app(services, settings), ["testclient"])
    cookies = login_cookies(served, {"X-Forwarded-Proto": "https"})
    assert {"sh_session", "sh_csrf"} <= secure(cookies)


def test_a_forwarded_proto_from_anyone_else_is_not_believed(
    world: tuple[Settings, Services],
) -> None:
    settings, services = world
    served = behind_proxies(create_app(services, settings), settings.trusted_proxies)
    assert settings.trusted_proxies == ["127.0.0.1"]  # the default: a proxy on this host
    assert secure(login_cookies(served, {"X-Forwarded-Proto": "https"})) == set()


def test_secure_cookies_set_for_a_proxy_that_says_nothing(world: tuple[Settings, Services]) -> None:
    settings, services = world
    configured = settings.model_copy(update={"secure_cookies": True})
    assert {"sh_session", "sh_csrf"} <= secure(login_cookies(create_app(services, configured)))


def test_laneguard_cookie_is_secure_behind_a_proxy_when_configured() -> None:
    assert WebConfig(tls="off").cookie_secure() is False
    assert WebConfig(tls="off", secure_cookie=True).cookie_secure() is True
