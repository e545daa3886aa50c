"""The public intake kiosk is a device (issue 14, finding 1): signed in as `kiosk` it showed
every company's orders, customers and samples, the fleet map and the pickup staff page, and a
walk-in could open any company's order by typing its sequential number. Against the real app:
the kiosk reaches only its own pages and API, and an order only with its company's credit code."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from samplehub.app.demo import CUSTOMER_A, CUSTOMER_B
from tests.security.samplehub_site import csrf_of, seeded, signed_in, site_app, site_settings

STAFF_PAGES = ["/orders", "/orders/new", "/samples", "/recall", "/tasks", "/flow", "/storage",
               "/lab", "/pickup", "/pickup/staff", "/fleet", "/fleet/map"]  # fmt: skip
STAFF_API = ["/api/orders", "/api/customers", "/api/samples", "/api/tasks", "/api/users",
             "/api/lab/queues", "/api/kiosk/transport-requests", "/api/fleet/snapshot",
             "/api/audit/verify"]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    settings = site_settings(tmp_path_factory.mktemp("kiosk"))
    for services, made in seeded(settings):
        yield site_app(settings, services), made


def test_the_kiosk_reaches_no_staff_page_and_no_company_data(
    site: tuple[FastAPI, dict[str, str]],
) -> None:
    app, made = site
    kiosk, bearer = signed_in(app, "kiosk")
    pages = [*STAFF_PAGES, f"/samples/{made['sample_a1']}", f"/lab/samples/{made['sample_a1']}"]
    answers = {page: kiosk.get(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 403)
    api = [*STAFF_API, f"/api/samples/{made['sample_a1']}", f"/api/orders/{made['order_b']}",
           f"/api/customers/{made['customer_b']}"]  # fmt: skip
    answered = {path: kiosk.get(path, headers=bearer).status_code for path in api}
    assert answered == dict.fromkeys(api, 403)
    moved = kiosk.post(
        f"/api/samples/{made['sample_a1']}/transitions",
        json={"transition": "receive", "location": "intake_platform:K1"},
        headers=bearer,
    )
    assert moved.status_code == 403


def test_the_kiosk_sees_only_its_own_navigation(site: tuple[FastAPI, dict[str, str]]) -> None:
    app, _ = site
    kiosk, _ = signed_in(app, "kiosk")
    assert kiosk.get("/").headers["location"] == "/kiosk"
    page = kiosk.get("/kiosk")
    assert page.status_code == 200
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', page.text, re.S)
    assert nav is not None
    assert re.findall(r'href="([^"]+)"', nav[1]) == ["/kiosk/pickup"]
    assert kiosk.get("/kiosk/pickup").status_code == 200
    for word in ("委托单", "样品查询", "到期送检", "取件管理"):
        assert word not in nav[1]


def test_staff_still_see_their_navigation(site: tuple[FastAPI, dict[str, str]]) -> None:
    app, _ = site
    admin, _ = signed_in(app, "admin")
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', admin.get("/samples").text, re.S)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav[1])
    assert {
        "/orders",
        "/samples",
        "/recall",
        "/tasks",
        "/flow",
        "/storage",
        "/pickup/staff",
    } <= set(links)


def _start(kiosk: TestClient, form: dict[str, str]) -> tuple[int, str]:
    token = csrf_of(kiosk.get("/kiosk").text)
    answer = kiosk.post("/kiosk/start", data=form | {"csrf": token})
    return answer.status_code, answer.text


def test_an_order_number_alone_opens_no_order(site: tuple[FastAPI, dict[str, str]]) -> None:
    app, made = site
    kiosk, bearer = signed_in(app, "kiosk")
    status, page = _start(kiosk, {"order": made["order_b"]})
    assert status == 422
    assert CUSTOMER_B[0] not in page
    status, page = _start(kiosk, {"order": made["order_b"], "credit_code": CUSTOMER_A[1]})
    assert status == 422
    assert CUSTOMER_B[0] not in page
    by_api = kiosk.post("/api/kiosk/sessions", json={"order": made["order_b"]}, headers=bearer)
    assert by_api.status_code == 422
    assert by_api.json()["field"] == "credit_code"
    assert CUSTOMER_B[0] not in by_api.text
    status, _ = _start(kiosk, {"order": made["order_b"], "credit_code": CUSTOMER_B[1]})
    assert status == 303
    assert CUSTOMER_B[0] in kiosk.get("/kiosk").text
