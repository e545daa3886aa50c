"""Live pickup codes reach only the customer (issue 14, finding 2): staff who book or move a
pickup for a customer get no code (the customer gets it by message, from the outbox), and no
staff role finds a live code on any page or API answer, nor in the database: the outbox keeps
the message sealed and wipes it once delivered. The customer's own booking page shows it once.
The code is also how staff at the counter know the customer: they hand a sample over there
only once its booking's code was used at a kiosk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, select

from samplehub.app.services import Services
from samplehub.core.adapters.memory import FixedClock
from samplehub.core.adapters.notifications.memory import RecordingSender
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.service import commands as c
from samplehub.core.service.notifications import Channel
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.domain.booking import BookingStatus
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service.app import PickupApp
from samplehub.simulation.carrier import InstantCarrier, stage_at_once
from tests.security.samplehub_site import csrf_of, seeded, signed_in, site_app, site_settings
from tests.security.test_sh_permission_table import QUERY, routes

STAFF_USERS = ("admin", "lab", "approver", "warehouse", "kiosk")


def _ready_order(services: Services, customer_id: str) -> tuple[str, str]:
    """An order of one gauge, calibrated and back in storage: ready for pickup."""
    bus = services.bus
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, customer_id, "calibration", [{"instrument_type": "压力表"}])
    )
    number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
    for transition, where in [
        ("receive", "intake_platform:K1"), ("start_transport", "robot:R1"),
        ("deliver_to_lab", "lab_bench:P-01"), ("complete_service", None),
        ("start_transport", "robot:R1"), ("store", f"storage_slot:{order[-4:]}-01-1-01"),
    ]:  # fmt: skip
        bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
    return order, number


@dataclass
class Site:
    app: FastAPI
    services: Services
    sms: RecordingSender
    made: dict[str, str]
    database_url: str

    def codes(self) -> list[str]:
        """Deliver the outbox; every code the customer's phone received, oldest first."""
        self.app.state.pickup.deliver()
        return [m[1] for n in self.sms.sent if (m := re.search(r"取件码 (\d{6})", n.body))]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    settings = site_settings(tmp_path)
    for services, made in seeded(settings):
        sms = RecordingSender(Channel.SMS)
        app = site_app(settings, services, [sms])
        yield Site(app, services, sms, made, settings.resolved_database_url())
        app.state.pickup.close()


def _book(client: TestClient, order: str, sample: str) -> tuple[int, str, str]:
    page = client.get("/pickup")
    form = page.text[page.text.index(f'data-testid="ready-{order}"') :]
    window = re.search(r'<option value="([^"]+)"', form)
    assert window is not None, form[:400]
    answer = client.post(
        "/pickup/book",
        data={"order": order, "samples": sample, "window": window[1], "csrf": csrf_of(page.text)},
    )
    return answer.status_code, answer.headers.get("location", ""), answer.text


def _seen_by_staff(site: Site, sample: str) -> str:
    """Every GET page and API answer without path parameters, as every staff role, plus the
    sample's own page and API answer: what staff can read."""
    seen = []
    paths = [p for m, p, _ in routes(site.app) if m == "GET" and "{" not in p and p != "/logout"]
    for user in STAFF_USERS:
        client, bearer = signed_in(site.app, user)
        for path in [*paths, f"/samples/{sample}", f"/api/samples/{sample}"]:
            headers = bearer if path.startswith("/api/") else {}
            seen.append(client.get(path, headers=headers, params=QUERY.get(path)).text)
    return "\n".join(seen)


def _database(site: Site) -> str:
    engine = create_engine(site.database_url)
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        rows = {t.name: [list(r) for r in conn.execute(select(t))] for t in tables.sorted_tables}
    engine.dispose()
    return json.dumps(rows, default=str, ensure_ascii=False)


def test_staff_booking_or_moving_for_a_customer_never_see_the_code(site: Site) -> None:
    order, sample = _ready_order(site.services, site.made["customer_a"])
    warehouse, _ = signed_in(site.app, "warehouse")
    status, location, text = _book(warehouse, order, sample)
    assert (status, location) == (303, "/pickup?done=sent")
    [first] = site.codes()  # the customer's phone got it
    assert first not in text
    assert 'data-testid="code-sent"' in warehouse.get(location).text

    page = warehouse.get("/pickup")
    booking = re.search(r'action="/pickup/([0-9a-f]{32})/move"', page.text)
    assert booking is not None
    moves = page.text[page.text.index(booking[0]) :]
    windows = re.findall(r'<option value="([^"]+)"', moves)
    moved = warehouse.post(
        f"/pickup/{booking[1]}/move", data={"window": windows[-1], "csrf": csrf_of(page.text)}
    )
    assert (moved.status_code, moved.headers["location"]) == (303, "/pickup?done=sent")
    codes = site.codes()
    assert len(codes) == 2
    assert codes[1] != first
    assert codes[1] not in moved.text

    seen = _seen_by_staff(site, sample)
    assert all(code not in seen for code in codes)
    assert "pickup_code" in seen  # staff do see that the code notice went out, and how
    assert all(code not in _database(site) for code in codes)


def test_the_customer_sees_their_own_code_once(site: Site) -> None:
    order, sample = _ready_order(site.services, site.made["customer_a"])
    customer, _ = signed_in(site.app, "cust-a")
    status, _, text = _book(customer, order, sample)
    [code] = site.codes()
    assert status == 200
    assert code in text  # the answer to their own booking form, once (not cached)
    assert code not in customer.get("/pickup").text


def test_staff_hand_over_at_the_counter_only_after_the_customer_used_the_code(site: Site) -> None:
    """Every compartment out of service: the sample is staged to the counter. Until the
    customer's code is used at a kiosk, staff have no way to hand it over; then they tick it on
    /pickup/staff, and the booking and the sample are collected."""
    order, sample = _ready_order(site.services, site.made["customer_a"])
    customer, _ = signed_in(site.app, "cust-a")
    _book(customer, order, sample)
    [code] = site.codes()
    found = re.search(r'action="/pickup/([0-9a-f]{32})/move"', customer.get("/pickup").text)
    assert found is not None
    booking_id = found[1]
    side: PickupApp = site.app.state.pickup
    lockers = side.deps.lockers
    assert isinstance(lockers, MemoryLockers)
    side.deps.out_of_service.update(one.code for one in lockers.compartments())
    carrier = InstantCarrier(site.services.bus.handle, site.services.uow_factory)
    stage_at_once(side.deps, MemoryLoader(lockers), booking_id, carrier)
    carrier.carry_sample(sample)  # a person confirms it at the counter, as on /tasks
    assert pickup.follow_staging(side.deps, MemoryLoader(lockers), booking_id) == {
        sample: pickup.COUNTER
    }

    staff, _ = signed_in(site.app, "warehouse")
    page = staff.get("/pickup/staff").text
    assert 'data-testid="hand-over"' not in page
    early = {"samples": sample, "csrf": csrf_of(page)}
    refused = staff.post(f"/pickup/staff/{booking_id}/counter", data=early)
    assert refused.status_code == 422
    assert "客户在取件机上使用取件码之后" in refused.text  # said in the page's language

    booking = side.deps.bookings.get(booking_id)
    assert booking is not None
    side.deps.clock = FixedClock(booking.window.start)
    kiosk, _ = signed_in(site.app, "kiosk")
    entry = kiosk.get("/kiosk/pickup").text
    assert (
        kiosk.post("/kiosk/pickup", data={"entry": code, "csrf": csrf_of(entry)}).status_code == 200
    )
    page = staff.get("/pickup/staff").text
    assert 'data-testid="hand-over"' in page
    handed = staff.post(
        f"/pickup/staff/{booking_id}/counter", data={"samples": sample, "csrf": csrf_of(page)}
    )
    assert (handed.status_code, handed.headers["location"]) == (
        303,
        f"/pickup/staff?handed={sample}",
    )
    booking = side.deps.bookings.get(booking_id)
    assert booking is not None
    assert booking.status is BookingStatus.COLLECTED
    with site.services.uow_factory() as uow:
        stored = uow.samples.get(sample)
    assert stored is not None
    assert stored.state is SampleState.COLLECTED
