"""Fixtures for the API and page tests: the app over the memory fakes, seeded with the demo data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.app.services import Services
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.web.app import create_app

Headers = dict[str, str]


@pytest.fixture
def settings() -> Settings:
    return Settings(  # every value the tests rely on is explicit, so the environment cannot leak in
        secret_key="unit-test-secret",
        login_attempts_per_minute=3,
        max_body_bytes=4096,
        session_hours=12,
        default_locale="zh-CN",
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def web_store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def web_services(settings: Settings, clock: FixedClock, web_store: MemoryStore) -> Services:
    return bootstrap.bootstrap(
        settings,
        uow_factory=lambda: MemoryAppUnitOfWork(web_store),
        hasher=PlainHasher(),
        clock=clock,
    )


@pytest.fixture
def made(web_services: Services) -> dict[str, str]:
    """The demo data: customers A and B, logins, order_a with samples a1..a5, order_b with b1."""
    return seed_demo(web_services)


@pytest.fixture
def client(
    web_services: Services, settings: Settings, made: dict[str, str]
) -> Iterator[TestClient]:
    with TestClient(create_app(web_services, settings)) as test_client:
        yield test_client


@pytest.fixture
def login(client: TestClient) -> Callable[[str], Headers]:
    """Bearer headers for a demo user."""

    def headers_for(username: str) -> Headers:
        answer = client.post(
            "/api/auth/token", json={"username": username, "password": DEMO_PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    return headers_for


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.fixture
def csrf_of() -> Callable[[str], str]:
    """The CSRF token of the first form on a page."""
    return _csrf_of


@pytest.fixture
def browser_login(client: TestClient) -> Callable[[str], TestClient]:
    """Log the test client in through the login form, as a browser would."""

    def log_in(username: str) -> TestClient:
        form = client.get("/login")
        answer = client.post(
            "/login",
            data={"username": username, "password": DEMO_PASSWORD, "csrf": _csrf_of(form.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return client

    return log_in
