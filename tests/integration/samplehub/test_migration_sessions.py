"""Migration 0009 on SQLite and PostgreSQL: the login, failed-login and wrong-code tables come
and go with it, and a database at 0008 upgrades with its data intact."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.db.migrate import alembic_config

NEW = {"auth_sessions", "login_failures", "pickup_wrong_counts"}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_0009_adds_and_removes_its_tables(database_url: str) -> None:
    upgrade(database_url, "0008")
    assert not NEW & _tables(database_url)
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO counters (name, value) VALUES ('kept', 7)"))
    upgrade(database_url)
    assert _tables(database_url) >= NEW
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT value FROM counters WHERE name = 'kept'")).scalar()
    engine.dispose()
    assert kept == 7
    command.downgrade(alembic_config(database_url), "0008")
    assert not NEW & _tables(database_url)
