"""Sessions that really end (issue 14, finding 4): a logout lived in one worker's memory, so a
restart or another worker brought the cookie back; bearer tokens could not be revoked; a
disabled or re-roled user kept access for `session_hours`; failed logins were counted per
process and per (user, address), and Argon2 for unknown users had no bound. Against the real
app on SQLite and PostgreSQL, with two app instances on one database as two workers."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD
from samplehub.app.services import Services
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.service.ports import SessionRecord
from samplehub.web.app import create_app
from tests.security.samplehub_site import csrf_of, seeded, signed_in, site_services, site_settings

Worlds = tuple[Settings, Services]


@pytest.fixture
def world(tmp_path: Path, sh_database_url: str) -> Iterator[Worlds]:
    settings = site_settings(tmp_path, sh_database_url).model_copy(
        update={"auth_cache_seconds": 0.0}
    )
    for services, _ in seeded(settings):
        yield settings, services


def worker(settings: Settings) -> tuple[FastAPI, Services]:
    """Another worker (or the same one after a restart): its own services on the database."""
    services = site_services(settings)
    return create_app(services, settings), services


def log_out(client: TestClient) -> None:
    token = csrf_of(client.get("/orders").text)
    assert client.post("/logout", data={"csrf": token}).status_code == 303


def test_a_logged_out_cookie_fails_in_another_worker_and_after_a_restart(world: Worlds) -> None:
    settings, services = world
    first = create_app(services, settings)
    client, _ = signed_in(first, "cust-a")
    cookie = client.cookies["sh_session"]
    second, second_services = worker(settings)
    other = TestClient(second, cookies={"sh_session": cookie}, follow_redirects=False)
    assert other.get("/orders").status_code == 200  # the login stands in every worker
    log_out(client)
    assert other.get("/orders").headers["location"] == "/login"
    second_services.close()
    restarted, restarted_services = worker(settings)
    after = TestClient(restarted, cookies={"sh_session": cookie}, follow_redirects=False)
    assert after.get("/orders").headers["location"] == "/login"
    restarted_services.close()


def test_a_revoked_bearer_token_fails_everywhere(world: Worlds) -> None:
    settings, services = world
    client, bearer = signed_in(create_app(services, settings), "lab")
    second, second_services = worker(settings)
    other = TestClient(second)
    assert other.get("/api/auth/me", headers=bearer).status_code == 200
    assert client.delete("/api/auth/token", headers=bearer).status_code == 204
    assert other.get("/api/auth/me", headers=bearer).status_code == 401
    assert client.get("/api/auth/me", headers=bearer).status_code == 401
    second_services.close()


def test_a_disabled_user_is_refused_at_once_and_a_new_role_applies_at_once(
    world: Worlds,
) -> None:
    settings, services = world
    app = create_app(services, settings)
    admin, admin_bearer = signed_in(app, "admin")
    customer, customer_bearer = signed_in(app, "cust-a")
    lab, lab_bearer = signed_in(app, "lab")
    second, second_services = worker(settings)
    elsewhere = TestClient(second, cookies=customer.cookies, follow_redirects=False)
    assert elsewhere.get("/orders").status_code == 200
    disabled = admin.patch("/api/users/cust-a", json={"active": False}, headers=admin_bearer)
    assert disabled.status_code == 200, disabled.text
    assert customer.get("/orders").headers["location"] == "/login"
    assert elsewhere.get("/orders").headers["location"] == "/login"
    assert customer.get("/api/auth/me", headers=customer_bearer).status_code == 401
    assert lab.get("/lab").status_code == 200
    moved = admin.patch("/api/users/lab", json={"role": "warehouse"}, headers=admin_bearer)
    assert moved.status_code == 200, moved.text
    assert lab.get("/lab").status_code == 403
    assert lab.get("/api/auth/me", headers=lab_bearer).json()["role"] == "warehouse"
    second_services.close()


def test_no_login_outlives_the_maximum_age(world: Worlds) -> None:
    settings, services = world
    capped = settings.model_copy(update={"session_hours": 72, "session_max_hours": 2})
    client = TestClient(create_app(services, capped))
    token = client.post("/api/auth/token", json={"username": "lab", "password": DEMO_PASSWORD})
    assert token.json()["expires_in"] == 2 * 3600


def test_password_spraying_from_one_address_is_stopped(world: Worlds) -> None:
    settings, services = world
    limited = settings.model_copy(update={"login_attempts_per_address": 4})
    app = create_app(services, limited)
    sprayer = TestClient(app)
    users = ["admin", "lab", "approver", "warehouse"]
    tries = [
        sprayer.post("/api/auth/token", json={"username": u, "password": "Summer2026!"})
        for u in users
    ]
    assert [t.status_code for t in tries] == [401] * 4
    right = {"username": "cust-b", "password": DEMO_PASSWORD}
    assert sprayer.post("/api/auth/token", json=right).status_code == 429
    # the count is in the database: another worker refuses the address too
    second, second_services = worker(limited)
    assert TestClient(second).post("/api/auth/token", json=right).status_code == 429
    second_services.close()
    honest = TestClient(app, client=("192.0.2.9", 50000))
    assert honest.post("/api/auth/token", json=right).status_code == 200


class CountingHasher(PlainHasher):
    """A slow hasher that remembers how many checks ran at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def _slow(self) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._slow()
        return super().hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self._slow()
        return super().verify(password_hash, password)


def test_password_hashing_is_capped_for_unknown_users_too(world: Worlds) -> None:
    settings, services = world
    hasher = CountingHasher()
    capped = settings.model_copy(
        update={"password_hash_concurrency": 2, "login_attempts_per_address": 1000}
    )
    app = create_app(dataclasses.replace(services, hasher=hasher), capped)
    answers: list[int] = []

    def attempt(n: int) -> None:
        client = TestClient(app, client=(f"192.0.2.{n}", 40000))
        body = {"username": f"nobody-{n}", "password": "x"}
        answers.append(client.post("/api/auth/token", json=body).status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(1, 13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [401] * 12
    assert hasher.most == 2


def test_ended_logins_and_old_failures_are_purged(world: Worlds) -> None:
    _, services = world
    auth, now = services.auth, services.clock.now()
    old, live = now - timedelta(days=3), now + timedelta(hours=1)
    auth.open(SessionRecord("ended", "lab", "session", old, old + timedelta(hours=1)))
    auth.open(SessionRecord("standing", "lab", "session", now, live))
    auth.failed(["user:lab"], old)
    auth.failed(["user:lab"], now)
    auth.purge(now - timedelta(days=1))
    assert auth.get("ended") is None
    assert auth.get("standing") is not None
    assert auth.failures("user:lab", old) == [now]
    assert auth.revoke_user("lab", now) == 1
    record = auth.get("standing")
    assert record is not None
    assert record.revoked_at == now


def test_a_disabled_user_is_refused_at_once_by_a_worker_that_remembers_them(
    world: Worlds,
) -> None:
    settings, services = world
    remembering = settings.model_copy(update={"auth_cache_seconds": 10.0})
    app = create_app(services, remembering)
    admin, admin_bearer = signed_in(app, "admin")
    customer, _ = signed_in(app, "cust-a")
    assert customer.get("/orders").status_code == 200  # now remembered for 10 s
    admin.patch("/api/users/cust-a", json={"active": False}, headers=admin_bearer)
    assert customer.get("/orders").headers["location"] == "/login"
