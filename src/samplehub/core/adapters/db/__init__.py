"""Persistence on SQLite (embedded default) and PostgreSQL, through SQLAlchemy Core and Alembic."""

from samplehub.core.adapters.db.migrate import upgrade
from samplehub.core.adapters.db.uow import SqlUnitOfWork, make_engine, sql_uow_factory

__all__ = ["SqlUnitOfWork", "make_engine", "sql_uow_factory", "upgrade"]
