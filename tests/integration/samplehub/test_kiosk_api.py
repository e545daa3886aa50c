"""The kiosk API over the real SQL stores (SQLite and PostgreSQL) and real image decoding.

Vision is a stand-in that decodes the upload with the real image checks and then returns a
prepared reading, so these tests exercise everything but the OCR itself (the browser test
uses the real reader).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from samplehub.app.config import Settings
from samplehub.app.demo import CUSTOMER_A, DEMO_PASSWORD, seed_demo
from samplehub.app.services import Services
from samplehub.app.wiring import intake as intake_wiring
from samplehub.core.domain.epc import Giai96
from samplehub.core.service import commands as c
from samplehub.intake.service.ports import InMemoryLabelPrinter
from samplehub.simulation.tag_roll import TagRollWriter
from samplehub.web.app import create_app
from tests.unit.samplehub.intake.fakes import DecodingVision


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def kiosk_api(
    services: Services, settings: Settings
) -> Iterator[tuple[TestClient, dict[str, str], InMemoryLabelPrinter]]:
    made = seed_demo(services)
    printer = InMemoryLabelPrinter()
    desk = intake_wiring.build_kiosk(
        settings, services, vision=DecodingVision(), printer=printer, rfid=TagRollWriter()
    )
    with TestClient(create_app(services, settings, kiosk=desk)) as client:
        token = client.post(
            "/api/auth/token", json={"username": "kiosk", "password": DEMO_PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, made, printer


def admin(client: TestClient) -> dict[str, str]:
    """Staff read what the kiosk device may not: samples, timelines, the put-away queue."""
    token = client.post("/api/auth/token", json={"username": "admin", "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def fields(**changes: Any) -> dict[str, Any]:
    base = {"instrument_type": "弹簧管压力表", "model": "Y-100", "serial_number": "2024-0815",
            "range_min": "0", "range_max": "1.6", "unit": "MPa"}  # fmt: skip
    return base | changes


def test_the_whole_hand_in_through_the_api(kiosk_api, services) -> None:
    client, made, printer = kiosk_api
    bus = services.bus
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, made["customer_a"], "verification",
                      [{"instrument_type": "弹簧管压力表", "serial_number": "K-77"}])
    )  # fmt: skip
    started = client.post(
        "/api/kiosk/sessions", json={"order": f"SH:ORDER:{order}", "credit_code": CUSTOMER_A[1]}
    )
    assert started.status_code == 201, started.text
    sid = started.json()["id"]
    assert started.json()["expected_items"][0]["serial_number"] == "K-77"
    proposal = client.post(
        f"/api/kiosk/sessions/{sid}/photo", files={"photo": ("p.png", png(), "image/png")}
    )
    assert proposal.status_code == 200, proposal.text
    assert proposal.json()["fields"]["serial_number"] == "2024-0815"
    assert proposal.json()["confidence"]["serial_number"] > 0.5
    line = client.post(
        f"/api/kiosk/sessions/{sid}/confirm", json={"fields": fields(serial_number="K-77")}
    )
    assert line.status_code == 200, line.text
    body = line.json()
    assert body["outcome"] == "received"
    assert body["transport_requested"] is True
    assert Giai96.from_hex(body["epc_hex"]).pure_identity_uri() == body["epc_uri"]
    assert printer.printed[-1].sample_no == body["sample_number"]
    sample = client.get(f"/api/samples/{body['sample_number']}", headers=admin(client)).json()
    assert sample["state"] == "received"
    receipt = client.post(f"/api/kiosk/sessions/{sid}/finish").json()
    assert [x["sample_number"] for x in receipt["lines"]] == [body["sample_number"]]
    assert receipt["tracking_url"].endswith(f"/orders#{order}")
    queue = client.get("/api/kiosk/transport-requests", headers=admin(client)).json()
    [request] = [r for r in queue if r["sample_number"] == body["sample_number"]]
    assert (request["destination"], request["state"], request["carrier"]) == (
        "storage_slot:*",
        "created",
        None,
    )
    assert request["task_id"].startswith("TT")


def test_walk_in_and_refusal_through_the_api(kiosk_api) -> None:
    client, _, _ = kiosk_api
    start = client.post(
        "/api/kiosk/sessions",
        json={"credit_code": "91350100M000100Y43", "phone": "13905910001"},
    )
    assert start.status_code == 201, start.text
    assert start.json()["customer_name"] == "福州恒达仪表有限公司"
    sid = start.json()["id"]
    refused = client.post(
        f"/api/kiosk/sessions/{sid}/refuse",
        json={"fields": fields(serial_number="BROKEN-1"), "reason": "表壳破裂 damaged case"},
    )
    assert refused.status_code == 200, refused.text
    number = refused.json()["sample_number"]
    assert client.get(f"/api/samples/{number}", headers=admin(client)).json()["state"] == "rejected"
    timeline = client.get(f"/api/samples/{number}/timeline", headers=admin(client)).json()
    assert timeline[-1]["reason"] == "表壳破裂 damaged case"


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("notes.txt", b"this is not an image at all", "photo.content"),
        ("cut.png", png()[:40], "photo.content"),
        ("huge.png", png(8001, 10), "photo.dimensions"),
        ("big.jpg", b"\xff\xd8" + b"\0" * (20 * 1024 * 1024), "photo.size"),
    ],
)
def test_bad_uploads_are_refused_naming_field_value_and_allowed(
    kiosk_api, name: str, data: bytes, field: str
) -> None:
    client, made, _ = kiosk_api
    sid = client.post(
        "/api/kiosk/sessions", json={"order": made["order_a"], "credit_code": CUSTOMER_A[1]}
    ).json()["id"]
    answer = client.post(
        f"/api/kiosk/sessions/{sid}/photo", files={"photo": (name, data, "image/png")}
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["field"] == field
    assert body["value"]
    assert "20 MB" in body["allowed"] or "px" in body["allowed"]


def test_a_body_far_over_the_photo_limit_is_refused_before_reading(kiosk_api) -> None:
    client, made, _ = kiosk_api
    sid = client.post(
        "/api/kiosk/sessions", json={"order": made["order_a"], "credit_code": CUSTOMER_A[1]}
    ).json()["id"]
    answer = client.post(
        f"/api/kiosk/sessions/{sid}/photo",
        files={"photo": ("x.jpg", b"\0" * (25 * 1024 * 1024), "image/jpeg")},
    )
    assert answer.status_code == 413
    assert answer.json()["field"] == "body"


def test_other_company_twice_received_and_ended_sessions_leave_nothing(kiosk_api, services):
    client, made, _ = kiosk_api
    other = client.post(
        "/api/kiosk/sessions",
        json={"order": made["order_b"], "credit_code": "91350100M000100Y43"},
    )
    assert other.status_code == 422
    assert other.json()["field"] == "order_number"
    assert other.json()["value"] == made["order_b"]
    sid = client.post(
        "/api/kiosk/sessions", json={"order": made["order_a"], "credit_code": CUSTOMER_A[1]}
    ).json()["id"]
    first = client.post(f"/api/kiosk/sessions/{sid}/confirm", json={"fields": fields()})
    assert first.status_code == 200
    with services.uow_factory() as uow:
        records = len(uow.audit.records())
    twice = client.post(f"/api/kiosk/sessions/{sid}/confirm", json={"fields": fields()})
    assert twice.status_code == 422
    assert twice.json()["field"] == "serial_number"
    assert client.delete(f"/api/kiosk/sessions/{sid}").status_code == 204
    gone = client.post(
        f"/api/kiosk/sessions/{sid}/confirm", json={"fields": fields(serial_number="N-2")}
    )
    assert gone.status_code == 422
    assert gone.json()["field"] == "session"
    with services.uow_factory() as uow:
        assert len(uow.audit.records()) == records


def test_customers_cannot_use_the_kiosk_api(kiosk_api) -> None:
    client, made, _ = kiosk_api
    token = client.post(
        "/api/auth/token", json={"username": "cust-a", "password": DEMO_PASSWORD}
    ).json()["access_token"]
    answer = client.post(
        "/api/kiosk/sessions",
        json={"order": made["order_a"], "credit_code": CUSTOMER_A[1]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 403


def test_the_storage_size_can_be_given_at_intake(kiosk_api, services, settings) -> None:
    """With the site loaded, the put-away slot is chosen for the size the kiosk gave."""
    from samplehub.app.wiring import storage as storage_wiring

    client, made, _ = kiosk_api
    storage_wiring.ensure_site(settings, services)
    sid = client.post(
        "/api/kiosk/sessions", json={"order": made["order_a"], "credit_code": CUSTOMER_A[1]}
    ).json()["id"]
    wrong = client.post(
        f"/api/kiosk/sessions/{sid}/confirm", json={"fields": fields(), "size_class": "XXL"}
    )
    assert wrong.status_code == 422
    assert "size_class" in wrong.text
    line = client.post(
        f"/api/kiosk/sessions/{sid}/confirm",
        json={"fields": fields(serial_number="BIG-1"), "size_class": "L"},
    )
    assert line.status_code == 200, line.text
    number = line.json()["sample_number"]
    with services.uow_factory() as uow:
        [task] = uow.tasks.for_sample(number)
        slot = uow.slots.get(task.target.code)
    assert task.estimate["size_class"] == "L"
    assert task.estimate["size_rule"] == "given at intake"
    assert slot is not None
    assert (slot.size_class, slot.reserved_for) == ("L", number)
