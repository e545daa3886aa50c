"""Bearer tokens, their expiry and tampering, the failed-login limit and the request limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from samplehub.app.demo import DEMO_PASSWORD
from samplehub.core.adapters.memory import FixedClock
from samplehub.web.security import BEARER, SESSION, issue_token, read_token

Headers = dict[str, str]


def test_token_names_the_user_and_role(client: TestClient) -> None:
    answer = client.post("/api/auth/token", json={"username": "cust-a", "password": DEMO_PASSWORD})
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == "customer"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == "cust-a"


def test_wrong_password_and_unknown_user_answer_alike(client: TestClient) -> None:
    wrong = client.post("/api/auth/token", json={"username": "cust-a", "password": "nope"})
    unknown = client.post("/api/auth/token", json={"username": "ghost", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_requests_without_a_token_are_refused(client: TestClient) -> None:
    answer = client.get("/api/samples")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["error"] == "unauthenticated"


def test_a_tampered_token_is_refused(client: TestClient, login: Callable[[str], Headers]) -> None:
    token = login("cust-a")["Authorization"].removeprefix("Bearer ")
    body, mac = token.rsplit(".", 1)
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    answer = client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}.{mac}"})
    assert answer.status_code == 401


def test_a_token_expires_after_the_session_hours(
    client: TestClient, login: Callable[[str], Headers], clock: FixedClock
) -> None:
    headers = login("admin")
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    clock.advance(12 * 3600)
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_a_page_session_cookie_is_not_a_bearer_token(
    client: TestClient, browser_login: Callable[[str], TestClient]
) -> None:
    browser_login("admin")
    session = client.cookies["sh_session"]
    answer = client.get("/api/auth/me", headers={"Authorization": f"Bearer {session}"})
    assert answer.status_code == 401


def _try(client: TestClient, username: str, password: str) -> int:
    answer = client.post("/api/auth/token", json={"username": username, "password": password})
    return answer.status_code


def test_failed_logins_are_limited_per_user_and_address(
    client: TestClient, clock: FixedClock
) -> None:
    assert [_try(client, "lab", "bad") for _ in range(3)] == [401, 401, 401]
    refused = client.post("/api/auth/token", json={"username": "lab", "password": DEMO_PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["error"] == "too_many_attempts"
    assert _try(client, "admin", DEMO_PASSWORD) == 200  # another user is not locked out
    elsewhere = TestClient(client.app, client=("192.0.2.7", 40000))
    assert _try(elsewhere, "lab", DEMO_PASSWORD) == 429  # the user's count holds everywhere
    clock.advance(61)
    assert _try(client, "lab", DEMO_PASSWORD) == 200


def test_a_body_over_the_limit_is_refused_with_413(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    big = {"name": "x" * 5000, "credit_code": "91350100M000100Y43"}
    answer = client.post("/api/customers", json=big, headers=login("admin"))
    assert answer.status_code == 413
    assert answer.json()["limit"] == 4096


def test_a_chunked_body_over_the_limit_is_refused_with_413(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(10):
            yield b"y" * 1000
        yield b'", "credit_code": "91350100M000100Y43"}'

    headers = login("admin") | {"Content-Type": "application/json"}
    answer = client.post("/api/customers", content=chunks(), headers=headers)
    assert answer.status_code == 413


def test_a_chunked_body_under_the_limit_goes_through(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "Chunked Co", '
        yield b'"credit_code": "91350100M000100Y43"}'

    headers = login("admin") | {"Content-Type": "application/json"}
    answer = client.post("/api/customers", content=chunks(), headers=headers)
    assert answer.status_code == 409  # reaches the handler: that credit code is customer A's


def test_malformed_json_is_a_422_naming_the_problem(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    headers = login("admin") | {"Content-Type": "application/json"}
    answer = client.post("/api/customers", content=b'{"name": "x",', headers=headers)
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid_request"
    assert "malformed JSON" in body["message"]


def test_unknown_fields_are_refused_by_name(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    answer = client.post(
        "/api/customers",
        json={"name": "A", "credit_code": "91350100M000100Y43", "colour": "red"},
        headers=login("admin"),
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.colour"


def test_the_status_lookup_refuses_a_token_once_it_expires_though_it_was_just_accepted(
    client: TestClient, login: Callable[[str], Headers], clock: FixedClock, made: dict[str, str]
) -> None:
    path = f"/api/samples/{made['sample_a1']}"
    headers = login("cust-a")
    assert client.get(path, headers=headers).status_code == 200
    assert client.get(path, headers=headers).status_code == 200
    clock.advance(12 * 3600)
    assert client.get(path, headers=headers).status_code == 401


def test_a_token_signed_with_another_secret_is_refused_after_the_genuine_one_was_read() -> None:
    now = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    token = issue_token(
        "login-1", "cust-a", "the-right-secret-key", BEARER, now + timedelta(hours=8)
    )
    assert read_token(token, "the-right-secret-key", BEARER, now) == ("login-1", "cust-a")
    assert read_token(token, "another-secret-key!!", BEARER, now) is None
    assert read_token(token, "the-right-secret-key", SESSION, now) is None
    assert read_token(token, "the-right-secret-key", BEARER, now + timedelta(hours=8)) is None
