"""Bad input to every form a customer, staff or the kiosk fills in, on zh-CN pages of the real
app (SQLite and PostgreSQL): the refusal is the zh-CN catalogue's sentence, word for word, and
no English validation sentence leaks into it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.demo_pickup import seed_demo_pickup
from samplehub.app.wiring import intake as intake_wiring
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.service import commands as c
from samplehub.intake.service.camera_ports import FakeCamera
from samplehub.intake.service.ports import FakeNameplateVision, InMemoryLabelPrinter
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize
from samplehub.pickup.service import bookings as pickup
from samplehub.simulation.tag_roll import TagRollWriter
from samplehub.web.app import create_app
from samplehub.web.i18n import translate
from tests.integration.samplehub.conftest import signed_in

# three or more English words in a row: "is not valid", "a whole number 1 to 999", "allowed:"
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:']+[A-Za-z]{2,}){2,}|allowed:|is not valid")


def said(msgid: str, **values: object) -> str:
    """The zh-CN catalogue's text."""
    return translate("zh-CN", msgid, values)


def invalid(field_id: str | None, field: str, value: str, allowed: str, **values: object) -> str:
    """What a zh-CN page says for a bad field: its label (or name), the value, what is allowed."""
    label = said(field_id) if field_id else field
    return said("web.invalid_value", field=label, value=value, allowed=said(allowed, **values))


@dataclass
class Site:
    booking: str  # a booking of cust-a's, to move
    clients: dict[str, TestClient]  # logged in as cust-a, admin and kiosk

    def as_user(self, username: str) -> TestClient:
        return self.clients[username]


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form"
    return found.group(1)


def _refusal(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</p>', page, re.S)
    assert found, f"no refusal shown ({testid})"
    return html.unescape(found.group(1)).strip()


@pytest.fixture
def site(settings: Settings) -> Iterator[Site]:
    """The served app with the lab, the pickup (memory lockers) and the intake kiosk wired."""
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    made = seed_demo(services)
    order, samples = seed_demo_pickup(services, made["customer_a"])
    lockers = MemoryLockers([Compartment(f"C1-0{n}", CompartmentSize.M) for n in range(1, 5)])
    side = pickup_wiring.pickup_app(
        settings, services, lockers=(lockers, MemoryLoader(lockers)), senders=[]
    )
    sizes = dict.fromkeys(samples, side.default_size)
    window = pickup.offer(side.deps, list(sizes.values()))[0].window
    booking = pickup.book(side.deps, c.SYSTEM, order, made["customer_a"], sizes, window)
    desk = intake_wiring.build_kiosk(
        settings,
        services,
        vision=FakeNameplateVision(),
        printer=InMemoryLabelPrinter(),
        rfid=TagRollWriter(),
        camera=FakeCamera(),
    )
    app = create_app(services, settings, kiosk=desk, pickup=side)
    clients = {name: signed_in(app, name) for name in ("cust-a", "admin", "kiosk")}
    yield Site(booking, clients)
    services.close()


def _post(client: TestClient, page: str, action: str, form: Mapping[str, str]) -> str:
    """The page answering a refused form (after the form's page was opened for its token)."""
    token = _csrf(client.get(page).text)
    answer = client.post(action, data={**form, "csrf": token})
    assert answer.status_code in (403, 409, 422), answer.text
    return answer.text


def test_the_order_form_refuses_in_the_zh_cn_catalogues_words(site: Site) -> None:
    customer, staff = site.as_user("cust-a"), site.as_user("admin")
    cases = [
        (customer, {"service": "verification", "type_0": "压力表", "quantity_0": "many"},
         invalid(None, "items[0].quantity", "'many'", "web.allowed_whole_quantity")),
        (customer, {"service": "verification"},
         invalid("web.items", "", "[]", "core.allowed_at_least_one_item")),
        (customer, {"service": "verification", "type_0": "压力表", "quantity_0": "1000"},
         invalid("web.items", "", "1000", "core.allowed_quantity")),
        (customer, {"service": "repair", "type_0": "压力表"},
         invalid("web.service", "", "'repair'", "core.allowed_one_of",
                 values="verification, calibration")),
        (staff, {"service": "verification", "type_0": "压力表"},
         invalid("web.customer", "", "''", "web.allowed_listed_customer")),
    ]  # fmt: skip
    for client, form, expected in cases:
        answer = _post(client, "/orders/new?lang=zh-CN", "/orders/new", form)
        refusal = _refusal(answer, "order-error")
        assert refusal == expected
        assert not ENGLISH.search(refusal), refusal


def test_pickup_booking_and_moving_refuse_in_the_zh_cn_catalogues_words(site: Site) -> None:
    client = site.as_user("cust-a")
    book = _post(client, "/pickup?lang=zh-CN", "/pickup/book", {"order": "WT2026-999999"})
    assert _refusal(book, "pickup-error") == invalid(
        "pickup.samples", "", "[]", "pickup.allowed_samples"
    )
    stranger = _post(
        client,
        "/pickup",
        "/pickup/book",
        {"order": "WT2026-999999", "samples": "S-X", "window": "2026-01-01T00:00:00+00:00"},
    )
    assert _refusal(stranger, "pickup-error") == invalid(
        "pickup.samples", "", "['S-X']", "pickup.allowed_ready_samples",
        order="WT2026-999999", samples="none",
    )  # fmt: skip
    move = _post(client, "/pickup", f"/pickup/{site.booking}/move", {"window": "tomorrow"})
    refusal = _refusal(move, "pickup-error")
    assert refusal == invalid("pickup.window", "", "'tomorrow'", "pickup.allowed_offered_window")
    assert not ENGLISH.search(refusal), refusal


def test_the_due_list_refuses_an_empty_choice_in_the_zh_cn_catalogues_words(site: Site) -> None:
    answer = _post(site.as_user("cust-a"), "/recall?lang=zh-CN", "/recall/preregister", {})
    refusal = _refusal(answer, "recall-error")
    assert refusal == invalid("recall.instruments", "", "[]", "recall.allowed_certificates")
    assert not ENGLISH.search(refusal), refusal


def test_the_kiosk_refuses_in_the_zh_cn_catalogues_words(site: Site) -> None:
    client = site.as_user("kiosk")
    for form, allowed in [
        ({"order": "12-34"}, said("intake.allowed_order_number")),
        ({"credit_code": "91350100M000100Y43", "phone": "12"}, said("core.allowed_phone")),
    ]:
        refusal = _refusal(_post(client, "/kiosk?lang=zh-CN", "/kiosk/start", form), "kiosk-error")
        assert allowed in refusal
        assert not ENGLISH.search(refusal), refusal
