"""Customers, users, orders, samples and timelines through the API, with paging and isolation."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from samplehub.core.domain.credit_code import check_character

Headers = dict[str, str]
GAUGE = {"instrument_type": "压力表", "model": "Y-60", "serial_number": "S-1"}


def test_admin_registers_customers_the_kiosk_only_at_its_desk(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    code = "91350500MA31AB1X7" + check_character("91350500MA31AB1X7")
    answer = client.post(
        "/api/customers",
        json={
            "name": "泉州新材料有限公司",
            "credit_code": code,
            "contacts": [{"name": "张工", "phone": "13900000000"}],
        },
        headers=login("admin"),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["credit_code"] == code
    assert answer.json()["contacts"] == [{"name": "张工", "phone": "13900000000", "email": None}]
    fetched = client.get(f"/api/customers/{answer.json()['id']}", headers=login("admin"))
    assert fetched.json()["name"] == "泉州新材料有限公司"
    for who in ("cust-a", "kiosk"):
        refused = client.post(
            "/api/customers", json={"name": "x", "credit_code": code}, headers=login(who)
        )
        assert refused.status_code == 403
        assert refused.json()["action"] == "customers.register"


def test_customers_list_only_their_own_company(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    mine = client.get("/api/customers", headers=login("cust-a")).json()
    assert [c["id"] for c in mine] == [made["customer_a"]]
    everyone = client.get("/api/customers", headers=login("admin")).json()
    assert {c["id"] for c in everyone} == {made["customer_a"], made["customer_b"]}


def test_admin_creates_and_lists_users(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    headers = login("admin")
    answer = client.post(
        "/api/users",
        json={
            "username": "cust-a2",
            "password": "a-long-password",
            "role": "customer",
            "customer_id": made["customer_a"],
            "display_name": "陈助理",
        },
        headers=headers,
    )
    assert answer.status_code == 201
    assert answer.json()["customer_id"] == made["customer_a"]
    names = [u["username"] for u in client.get("/api/users", headers=headers).json()]
    assert "cust-a2" in names
    assert client.get("/api/users", headers=login("cust-a")).status_code == 403


def test_customer_creates_an_order_online_for_their_company(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        "/api/orders",
        json={"service": "calibration", "items": [GAUGE, {"instrument_type": "温度计"}]},
        headers=login("cust-a"),
    )
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert order["customer_id"] == made["customer_a"]
    assert order["channel"] == "online"
    assert len(order["items"]) == 2
    assert order["samples"] == []


def test_a_customer_cannot_order_for_another_company(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        "/api/orders",
        json={"customer_id": made["customer_b"], "service": "verification", "items": [GAUGE]},
        headers=login("cust-a"),
    )
    assert answer.status_code == 404


def test_staff_must_name_the_customer_of_an_order(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    answer = client.post(
        "/api/orders", json={"service": "verification", "items": [GAUGE]}, headers=login("admin")
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "customer_id"


def test_orders_page_with_totals(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    headers = login("cust-a")
    for _ in range(4):
        client.post(
            "/api/orders", json={"service": "verification", "items": [GAUGE]}, headers=headers
        )
    first = client.get("/api/orders?limit=2", headers=headers).json()
    second = client.get("/api/orders?limit=2&offset=2", headers=headers).json()
    assert first["total"] == second["total"] == 5
    assert len(first["items"]) == len(second["items"]) == 2
    assert {o["number"] for o in first["items"]}.isdisjoint(o["number"] for o in second["items"])
    assert client.get("/api/orders?limit=0", headers=headers).status_code == 422


def test_order_detail_lists_its_samples(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    order = client.get(f"/api/orders/{made['order_a']}", headers=login("cust-a")).json()
    assert len(order["samples"]) == 5
    assert order["samples"][0]["number"] == made["sample_a1"]


def test_the_warehouse_registers_a_sample_into_an_order(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        "/api/samples",
        json={
            "order_number": made["order_b"],
            "instrument": {
                "instrument_type": "压力变送器",
                "serial_number": "R-2",
                "range_min": 0,
                "range_max": "2.5",
                "unit": "MPa",
            },
        },
        headers=login("warehouse"),
    )
    assert answer.status_code == 201, answer.text
    sample = answer.json()
    assert sample["state"] == "registered"
    assert sample["instrument"]["range_max"] == "2.5"
    assert sample["customer_id"] == made["customer_b"]


def test_samples_filter_by_state_order_and_text_with_paging(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    headers = login("lab")
    stored = client.get("/api/samples?state=stored", headers=headers).json()
    assert [s["number"] for s in stored["items"]] == [made["sample_a3"]]
    in_order = client.get(f"/api/samples?order={made['order_b']}", headers=headers).json()
    assert [s["number"] for s in in_order["items"]] == [made["sample_b1"]]
    by_serial = client.get("/api/samples?text=xa-7781", headers=headers).json()
    assert [s["number"] for s in by_serial["items"]] == [made["sample_a3"]]
    page = client.get("/api/samples?limit=2&offset=2", headers=headers).json()
    assert page["total"] == 6
    assert len(page["items"]) == 2
    assert page["offset"] == 2


def test_customer_listing_is_confined_to_their_company(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    mine = client.get("/api/samples", headers=login("cust-b")).json()
    assert [s["number"] for s in mine["items"]] == [made["sample_b1"]]
    orders = client.get("/api/orders", headers=login("cust-b")).json()
    assert [o["number"] for o in orders["items"]] == [made["order_b"]]


def test_timeline_lists_states_oldest_first(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.get(f"/api/samples/{made['sample_a3']}/timeline", headers=login("cust-a"))
    moves = [e for e in answer.json() if e["task"] is None]
    assert [e["state"] for e in moves] == ["registered", "received", "in_transit", "stored"]
    assert moves[-1]["location"] == "storage_slot:A-03-2-07"
    # its put-away task (withdrawn when the demo moved it by hand) is in the history too
    steps = [e["title_zh"] for e in answer.json() if e["task"] is not None]
    assert [s.split(": ")[1] for s in steps] == ["搬运任务已创建", "搬运已取消"]


def test_a_transition_moves_the_sample(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    answer = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "receive", "location": "intake_platform:K2"},
        headers=login("admin"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "received"
    assert answer.json()["location"] == "intake_platform:K2"
    hold = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "hold", "hold_reason": "damaged", "reason": "外壳破裂"},
        headers=login("warehouse"),
    )
    assert hold.json()["hold_reason"] == "damaged"


def test_another_companys_ids_answer_exactly_like_missing_ones(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    headers = login("cust-b")

    def same_as_missing(path: str, existing: str, missing: str) -> None:
        theirs = client.get(path.format(existing), headers=headers)
        nothing = client.get(path.format(missing), headers=headers)
        assert theirs.status_code == nothing.status_code == 404
        assert theirs.json()["error"] == nothing.json()["error"] == "not_found"
        assert theirs.json()["message"].replace(existing, "?") == nothing.json()["message"].replace(
            missing, "?"
        )

    same_as_missing("/api/samples/{}", made["sample_a1"], "JX2026-999999")
    same_as_missing("/api/samples/{}/timeline", made["sample_a1"], "JX2026-999999")
    same_as_missing("/api/orders/{}", made["order_a"], "WT2026-999999")
    same_as_missing("/api/customers/{}", made["customer_a"], "0" * 32)
    moved = client.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "hold", "hold_reason": "missing", "reason": "x"},
        headers=headers,
    )
    assert moved.status_code == 403  # a customer moves no sample, theirs or not
    assert moved.json()["action"] == "samples.transition"


def test_health_openapi_and_offline_docs(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/samples/{number}/transitions" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/docs-static/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200


def test_a_status_lookup_follows_every_change_and_checks_the_tenant_on_cached_answers(
    client: TestClient, login: Callable[[str], Headers], made: dict[str, str]
) -> None:
    number = made["sample_a1"]
    path = f"/api/samples/{number}"
    assert client.get(path, headers=login("cust-a")).json()["state"] == "registered"
    assert client.get(path, headers=login("cust-b")).status_code == 404  # kept, still refused
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer forged.token"}).status_code == 401
    client.post(
        f"{path}/transitions",
        json={"transition": "receive", "location": "intake_platform:K2"},
        headers=login("admin"),
    )
    again = client.get(path, headers=login("cust-a")).json()
    assert (again["state"], again["location"]) == ("received", "intake_platform:K2")
    operation = client.get("/openapi.json").json()["paths"]["/api/samples/{number}"]["get"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert operation["parameters"][0]["name"] == "number"
