"""Passwords over the API: one's own changed with the current one, an admin's reset, and every
login of the user ended either way; who may not, and what a bad value is told."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Headers = dict[str, str]


def _token(client: TestClient, username: str, password: str) -> int:
    answer = client.post("/api/auth/token", json={"username": username, "password": password})
    return answer.status_code


def test_a_customer_changes_their_password_and_every_login_ends(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    first, second = login("cust-a"), login("cust-a")
    change = {"current_password": "wrong-one", "password": "a-new-password"}
    wrong = client.post("/api/auth/password", json=change, headers=first)
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "current_password"
    short = client.post(
        "/api/auth/password",
        json={"current_password": "demo123", "password": "short"},
        headers=first,
    )
    assert short.status_code == 422
    assert short.json()["field"] == "password"
    assert client.get("/api/auth/me", headers=second).status_code == 200  # nothing changed yet
    change["current_password"] = "demo123"
    assert client.post("/api/auth/password", json=change, headers=first).status_code == 204
    assert client.get("/api/auth/me", headers=first).status_code == 401
    assert client.get("/api/auth/me", headers=second).status_code == 401  # every login ended
    assert _token(client, "cust-a", "demo123") == 401
    assert _token(client, "cust-a", "a-new-password") == 200


def test_an_admin_resets_a_password_others_may_not(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    lab = login("lab")
    body = {"password": "lab-reset-2026"}
    assert client.put("/api/users/warehouse/password", json=body, headers=lab).status_code == 403
    assert (
        client.put("/api/users/lab/password", json=body, headers=login("admin")).status_code == 204
    )
    assert client.get("/api/auth/me", headers=lab).status_code == 401
    assert _token(client, "lab", "lab-reset-2026") == 200
    missing = client.put("/api/users/nobody/password", json=body, headers=login("admin"))
    assert missing.status_code == 404


def test_a_device_login_cannot_change_its_own_password(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    change = {"current_password": "demo123", "password": "kiosk-password-2"}
    answer = client.post("/api/auth/password", json=change, headers=login("kiosk"))
    assert answer.status_code == 403
    assert _token(client, "kiosk", "demo123") == 200
