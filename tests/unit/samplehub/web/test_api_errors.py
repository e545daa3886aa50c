"""Every domain error maps to its HTTP status with a body naming what was wrong; nothing is kept."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from samplehub.core.adapters.memory import MemoryStore
from samplehub.core.domain.errors import Conflict
from samplehub.web.api.errors import domain_error_body

Headers = dict[str, str]


def test_invalid_credit_code_is_422_with_field_value_and_allowed(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    answer = client.post(
        "/api/customers",
        json={"name": "坏代码公司", "credit_code": "91350100M000100Y44"},
        headers=login("admin"),
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid_value"
    assert body["field"] == "credit_code"
    assert body["value"] == "91350100M000100Y44"
    assert body["allowed"]


def test_missing_sample_is_404(client: TestClient, login: Callable[[str], Headers]) -> None:
    answer = client.get("/api/samples/JX2026-999999", headers=login("lab"))
    assert answer.status_code == 404
    assert answer.json() | {"message": ""} == {
        "error": "not_found",
        "kind": "sample",
        "key": "JX2026-999999",
        "message": "",
    }


def test_duplicate_credit_code_is_409(client: TestClient, login: Callable[[str], Headers]) -> None:
    answer = client.post(
        "/api/customers",
        json={"name": "又一家", "credit_code": "91350100M000100Y43"},
        headers=login("admin"),
    )
    assert answer.status_code == 409
    assert answer.json()["error"] == "already_exists"


def test_illegal_transition_is_409_with_current_state_and_allowed(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "collect", "location": "customer:x"},
        headers=login("admin"),
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["error"] == "illegal_transition"
    assert body["current"] == "registered"
    assert body["allowed"] == ["hold", "receive", "reject"]


def test_failed_guard_is_422_with_the_reason(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "receive"},
        headers=login("admin"),
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "guard_failed"
    assert "intake_platform" in body["reason"]


def test_role_without_the_right_is_403(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        "/api/users",
        json={"username": "mallory", "password": "longenough", "role": "admin"},
        headers=login("lab"),
    )
    assert answer.status_code == 403
    assert answer.json()["error"] == "forbidden"
    own_sample = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "receive", "location": "intake_platform:K1"},
        headers=login("cust-a"),
    )
    assert own_sample.status_code == 403


def test_audit_verification_is_for_admins(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    assert client.get("/api/audit/verify", headers=login("lab")).status_code == 403
    answer = client.get("/api/audit/verify", headers=login("admin"))
    assert answer.status_code == 200
    assert answer.json()["ok"] is True
    assert answer.json()["count"] > 0


def test_unknown_enum_values_are_422_naming_the_field(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    headers = login("admin")
    bad_state = client.get("/api/samples?state=lost", headers=headers)
    assert bad_state.status_code == 422
    assert bad_state.json()["errors"][0]["field"] == "query.state"
    assert bad_state.json()["errors"][0]["value"] == "lost"
    bad_transition = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "teleport"},
        headers=headers,
    )
    assert bad_transition.status_code == 422
    assert bad_transition.json()["errors"][0]["field"] == "body.transition"
    assert "receive" in bad_transition.json()["errors"][0]["problem"]


def test_a_bad_location_is_422_naming_the_allowed_kinds(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "receive", "location": "moon:base"},
        headers=login("admin"),
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "location.kind"
    assert "storage_slot" in answer.json()["allowed"]


def test_a_failed_command_writes_nothing(
    client: TestClient,
    login: Callable[[str], Headers],
    made: dict[str, str],
    web_store: MemoryStore,
) -> None:
    before = len(web_store.audit)
    client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "store", "location": "storage_slot:A-01"},
        headers=login("admin"),
    )
    assert len(web_store.audit) == before
    assert web_store.samples[made["sample_a1"]].state.value == "registered"


def test_a_lost_race_is_409() -> None:
    status, body = domain_error_body(Conflict("sample JX2026-000001"))
    assert status == 409
    assert body["error"] == "conflict"
