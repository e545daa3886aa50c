"""Fixtures for LaneGuard's integration tests: a private TLS Mosquitto, a PostgreSQL schema."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from laneguard.records.adapters.db import make_engine
from laneguard.records.adapters.migrate import upgrade
from laneguard.simulation.broker import LocalMosquitto

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMosquitto]:
    broker = LocalMosquitto(tmp_path_factory.mktemp("mosquitto")).start()
    yield broker
    broker.stop()


@pytest.fixture
def blank_sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new, empty SQLite file."""
    engine = make_engine(f"sqlite:///{tmp_path / 'laneguard.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(blank_sqlite_engine: Engine) -> Engine:
    upgrade(blank_sqlite_engine)
    return blank_sqlite_engine


@pytest.fixture
def blank_postgres_engine() -> Iterator[Engine]:
    """An engine on a new, empty PostgreSQL schema of its own (first on its search path)."""
    schema = f"lg_test_{secrets.token_hex(4)}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def postgres_engine(blank_postgres_engine: Engine) -> Engine:
    upgrade(blank_postgres_engine)
    return blank_postgres_engine
