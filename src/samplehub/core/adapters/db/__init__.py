"""Persistence on SQLite (embedded default) and PostgreSQL, through SQLAlchemy Core and Alembic."""

from samplehub.core.adapters.db.migrate import upgrade
from samplehub.core.adapters.db.uow import SqlUnitOfWork, SqlUowFactory, make_engine

__all__ = ["SqlUnitOfWork", "SqlUowFactory", "make_engine", "upgrade"]
