"""Migration 0011 on SQLite and PostgreSQL: slots gain their reader and antenna, the inventory
tables come and go with it, and the model the code writes matches what it made."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.db.migrate import alembic_config

NEW = {"inventory_tracks", "inventory_cycles", "inventory_findings"}


def _schema(url: str) -> tuple[set[str], set[str]]:
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return set(found.get_table_names()), {c["name"] for c in found.get_columns("storage_slots")}
    finally:
        engine.dispose()


def test_0011_adds_and_removes_the_inventory_tables_and_slot_antennas(database_url: str) -> None:
    upgrade(database_url, "0010")
    tables, columns = _schema(database_url)
    assert not NEW & tables
    assert not {"reader", "antenna"} & columns
    upgrade(database_url)
    tables, columns = _schema(database_url)
    assert tables >= NEW
    assert {"reader", "antenna"} <= columns
    command.downgrade(alembic_config(database_url), "0010")
    tables, columns = _schema(database_url)
    assert not NEW & tables
    assert not {"reader", "antenna"} & columns
