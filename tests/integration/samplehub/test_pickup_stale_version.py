"""A booking changed over someone else's change (issue 14, finding 8): the customer's page was
loaded before staff moved the pickup; its cancel (or move) names the version it loaded and is
refused with 409, naming the current one, and the move stands. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.app.demo_pickup import seed_demo_pickup
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.domain.errors import StaleVersion
from samplehub.core.service import commands as c
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.domain.booking import BookingStatus
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service.app import PickupApp
from samplehub.web.app import create_app

World = tuple[TestClient, PickupApp, str]


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    """The served app with pickup on memory lockers; cust-a's booking, and cust-a signed in."""
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
    client = TestClient(create_app(services, settings, pickup=side), follow_redirects=False)
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login", data={"username": "cust-a", "password": DEMO_PASSWORD, "csrf": token[1]}
    )
    assert answer.status_code == 303
    yield client, side, booking
    services.close()


def _move_by_staff(side: PickupApp, booking: str) -> int:
    """Staff move the pickup to another window; the booking's version after it."""
    windows = pickup.offer(side.deps, [side.default_size], moving=booking)
    stored = side.deps.bookings.get(booking)
    assert stored is not None
    other = next(o.window for o in windows if o.window != stored.window)
    pickup.move(side.deps, c.SYSTEM, booking, other)
    moved = side.deps.bookings.get(booking)
    assert moved is not None
    return moved.version


def test_a_cancel_from_a_page_loaded_before_a_move_gets_409(world: World) -> None:
    client, side, booking = world
    page = client.get("/pickup").text
    loaded = re.search(
        rf'action="/pickup/{booking}/cancel".*?name="csrf" value="([^"]+)".*?'
        r'name="version" value="(\d+)"',
        page,
        re.S,
    )
    assert loaded is not None
    now = _move_by_staff(side, booking)
    assert now > int(loaded[2])
    refused = client.post(
        f"/pickup/{booking}/cancel", data={"csrf": loaded[1], "version": loaded[2]}
    )
    assert refused.status_code == 409
    stored = side.deps.bookings.get(booking)
    assert stored is not None
    assert stored.status is BookingStatus.BOOKED
    fresh = client.post(f"/pickup/{booking}/cancel", data={"csrf": loaded[1], "version": now})
    assert fresh.status_code == 303
    cancelled = side.deps.bookings.get(booking)
    assert cancelled is not None
    assert cancelled.status is BookingStatus.CANCELLED


def test_a_stale_move_names_the_current_version(world: World) -> None:
    _, side, booking = world
    stored = side.deps.bookings.get(booking)
    assert stored is not None
    loaded = stored.version
    current = _move_by_staff(side, booking)
    window = pickup.offer(side.deps, [side.default_size], moving=booking)[-1].window
    with pytest.raises(StaleVersion) as refused:
        pickup.move(side.deps, c.SYSTEM, booking, window, version=loaded)
    assert (refused.value.expected, refused.value.current) == (loaded, current)
    assert f"version {current}" in str(refused.value)
