"""Alembic environment: migrations run online, on the connection `migrate.upgrade` passes (the
station's engine, SQLite in WAL mode) or else on an engine of their own for the configured URL.

No `target_metadata`: the schema spans two slices' tables (records' `lg_incidents`, alerting's
`lg_terminals`) and this slice imports no other. Revisions are written by hand; an integration
test (tests/integration/laneguard/test_lg_migrations.py) compares the upgraded schema with both
slices' tables, so a table changed without a revision fails there."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from laneguard.records.adapters.migrate import VERSION_TABLE

config = context.config


def run(connection: Connection) -> None:
    context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "no connection and no sqlalchemy.url to migrate"
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        run(connection)
    engine.dispose()
