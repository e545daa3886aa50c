"""Integration fixtures: the same tests run against SQLite and the PostgreSQL server.

PostgreSQL is required, not optional: `.ci/run` starts it. Each test session works in a
database of its own, made here and dropped afterwards.
"""

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, select, text

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD
from samplehub.app.services import Services
from samplehub.app.units import SqlAppUnitOfWork, SqlAppUowFactory
from samplehub.app.wiring import lab as lab_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.db.tables import metadata
from samplehub.core.adapters.memory import FixedClock, PlainHasher


def signed_in(app: FastAPI, username: str) -> TestClient:
    """A browser of ``app``'s pages signed in as the demo user ``username`` (zh-CN)."""
    client = TestClient(app)
    form = re.search(r'name="csrf" value="([^"]+)"', client.get("/login?lang=zh-CN").text)
    assert form is not None, "the login page has no form"
    answer = client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf": form.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


FAULT_CLOCK = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in China
PG_ADMIN_URL = os.environ.get(
    "SAMPLEHUB_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    name = f"samplehub_it_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'samplehub.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # every connection of this test lands in its own schema, so tests never see each other
    yield f"{server}?options=-csearch_path%3D{schema}"
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="integration-key-0123456789",
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings)
    yield services
    services.close()


# Failure injection (see test_one_transaction.py) ---------------------------------------------
class Injected(Exception):
    """The failure a test injects."""


@dataclass
class Fault:
    """Which repository method fails (once armed), and for which arguments."""

    repository: str = ""
    method: str = ""
    when: Callable[..., bool] = field(default=lambda *args: True)
    calls: int = 0  # how often it failed

    def arm(self, repository: str, method: str, when: Callable[..., bool] | None = None) -> None:
        self.repository, self.method = repository, method
        self.when = when or (lambda *args: True)


class Failing:
    """A repository whose ``method`` raises ``Injected`` when the fault says so."""

    def __init__(self, inner: Any, fault: Fault) -> None:
        self.inner, self.fault = inner, fault

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.inner, name)
        if name != self.fault.method:
            return found

        def failing(*args: Any) -> Any:
            if self.fault.when(*args):
                self.fault.calls += 1
                raise Injected(f"{self.fault.repository}.{name} failed")
            return found(*args)

        return failing


class FaultyUnitOfWork(SqlAppUnitOfWork):
    fault: Fault

    def _open(self, conn: Connection) -> None:
        super()._open(conn)
        if self.fault.repository:
            name = self.fault.repository
            setattr(self, name, Failing(getattr(self, name), self.fault))


class FaultyFactory(SqlAppUowFactory):
    def __init__(self, url: str, fault: Fault) -> None:
        super().__init__(url)
        self.fault = fault

    def __call__(self) -> FaultyUnitOfWork:
        uow = FaultyUnitOfWork(self.engine)
        uow.fault = self.fault
        return uow


@dataclass
class FaultyWorld:
    services: Services
    engine: Engine
    fault: Fault

    def tables(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in a stable order: the whole database."""
        with self.engine.connect() as conn:
            return {
                table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for table in metadata.sorted_tables
            }

    def unchanged_by(self, command: Callable[[], object]) -> None:
        """Run ``command``, which must fail by the injected fault, and compare every table;
        then disarm the fault."""
        before = self.tables()
        with pytest.raises(Injected):
            command()
        assert self.fault.calls == 1
        assert self.tables() == before
        self.fault.arm("", "")
        self.fault.calls = 0


@pytest.fixture
def faulty_world(settings: Settings) -> Iterator[FaultyWorld]:
    """Services on SQL units of work whose repositories fail on demand (``fault.arm``)."""
    url = settings.resolved_database_url()
    upgrade(url)
    fault = Fault()
    units = FaultyFactory(url, fault)
    lab = lab_wiring.lab_deps(settings, units)
    services = bootstrap.bootstrap(
        settings, uow_factory=units, clock=FixedClock(FAULT_CLOCK), hasher=PlainHasher(), lab=lab
    )
    yield FaultyWorld(services, units.engine, fault)
    units.dispose()
