"""SampleHub as `serve` wires it (kiosk desk, pickup on memory lockers, a fleet), on SQLite or
PostgreSQL, with the demo data; and clients signed in as each demo role."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.app.services import Services
from samplehub.app.status import StatusReader
from samplehub.app.wiring import intake as intake_wiring
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.service.notifications import NoticeSender
from samplehub.intake.service.camera_ports import FakeCamera
from samplehub.intake.service.ports import FakeNameplateVision, InMemoryLabelPrinter
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize
from samplehub.simulation.tag_roll import TagRollWriter
from samplehub.web.app import create_app
from tests.unit.samplehub.fleet.fakes import FakeFleet

# a demo user of every role
USERS = {
    "admin": "admin",
    "lab": "lab",
    "approver": "approver",
    "warehouse": "warehouse",
    "kiosk": "kiosk",
    "customer": "cust-a",
}


def site_settings(folder: Path, database_url: str | None = None) -> Settings:
    return Settings(
        database_url=database_url or f"sqlite:///{folder / 'samplehub.db'}",
        data_dir=folder / "data",
        secret_key="security-tier-key-0123456789",
    )


def site_services(settings: Settings) -> Services:
    upgrade(settings.resolved_database_url())
    return bootstrap.bootstrap(settings, hasher=PlainHasher())


def site_app(
    settings: Settings, services: Services, senders: Sequence[NoticeSender] = ()
) -> FastAPI:
    """The whole app over ``services``; live streams end after a fraction of a second; the
    outbox is delivered over ``senders`` (``app.state.pickup.deliver``)."""
    lockers = MemoryLockers([Compartment(f"C1-0{n}", CompartmentSize.M) for n in range(1, 5)])
    side = pickup_wiring.pickup_app(
        settings, services, lockers=(lockers, MemoryLoader(lockers)), senders=list(senders)
    )
    desk = intake_wiring.build_kiosk(
        settings,
        services,
        vision=FakeNameplateVision(),
        printer=InMemoryLabelPrinter(),
        rfid=TagRollWriter(),
        camera=FakeCamera(),
    )
    health = StatusReader(settings, services, FakeFleet().snapshot)
    app = create_app(services, settings, FakeFleet(), desk, side, status=health)
    app.state.samplehub = dataclasses.replace(
        app.state.samplehub, live_poll_seconds=0.05, live_max_seconds=0.2
    )
    return app


def seeded(settings: Settings) -> Iterator[tuple[Services, dict[str, str]]]:
    services = site_services(settings)
    made = seed_demo(services)
    yield services, made
    services.close()


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, page[:500]
    return found[1]


def signed_in(app: FastAPI, username: str) -> tuple[TestClient, dict[str, str]]:
    """A client with ``username``'s page session, and the headers of its bearer token."""
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf": csrf_of(form.text)},
    )
    assert answer.status_code == 303, answer.text
    token = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert token.status_code == 200, token.text
    return client, {"Authorization": f"Bearer {token.json()['access_token']}"}


PG_ADMIN_URL = os.environ.get(
    "SAMPLEHUB_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema on the test PostgreSQL server."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'samplehub.db'}"
        return
    schema = f"sec_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
