"""Staff pre-registering due instruments could mix customers into one order (issue 14, finding
9): the order went to the first instrument's customer, carrying another company's instruments
with it. Now an order from the due list holds one customer's instruments; a mixed choice is
refused with 422 naming the field and the customers, and no order is made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from samplehub.app.demo import CUSTOMER_A, GAUGES
from samplehub.app.services import Services
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.simulation.lab_work import certify_gauge
from samplehub.web.app import create_app
from tests.security.samplehub_site import csrf_of, seeded, signed_in, site_settings

World = tuple[TestClient, Services, str, str]


@pytest.fixture
def world(tmp_path: Path, sh_database_url: str) -> Iterator[World]:
    """Staff (admin) signed in; an issued certificate of customer A's gauge and one of B's."""
    settings = site_settings(tmp_path, sh_database_url)
    for services, made in seeded(settings):
        now = services.clock.now()
        gauge = {k: str(v) for k, v in GAUGES[4].items()}
        of_a = certify_gauge(services.bus.handle, made["sample_a5"], CUSTOMER_A[0], gauge, now)
        of_b = certify_gauge(services.bus.handle, made["sample_b1"], "B", gauge, now)
        client, _ = signed_in(create_app(services, settings), "admin")
        yield client, services, of_a, of_b


def orders(services: Services) -> int:
    return queries.list_orders(services.uow_factory, c.SYSTEM, None, 0, 1000).total


def test_staff_cannot_put_two_customers_into_one_order(world: World) -> None:
    client, services, of_a, of_b = world
    page = client.get("/recall")
    assert of_a in page.text
    assert of_b in page.text
    before = orders(services)
    mixed = client.post(
        "/recall/preregister",
        data={"csrf": csrf_of(page.text), "certificate": [of_a, of_b]},
    )
    assert mixed.status_code == 422
    assert "一张委托单只能包含同一客户的仪器" in mixed.text  # zh-CN, the default
    assert orders(services) == before
    one = client.post(
        "/recall/preregister", data={"csrf": csrf_of(mixed.text), "certificate": [of_b]}
    )
    assert one.status_code == 303
    assert orders(services) == before + 1
