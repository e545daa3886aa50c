"""The PostgreSQL tools get the database's password in their environment, never on their
command line, where every local user can read it (``ps``)."""

from __future__ import annotations

import os

from samplehub.app.backup import libpq


def test_the_password_goes_in_the_environment_not_the_command_line() -> None:
    conninfo, env = libpq("postgresql+psycopg://samplehub:s3cr%40t@db.example:5433/samplehub")
    assert conninfo == "postgresql://samplehub@db.example:5433/samplehub"
    assert env["PGPASSWORD"] == "s3cr@t"


def test_a_url_without_a_password_sets_none() -> None:
    conninfo, env = libpq("postgresql+psycopg://postgres@127.0.0.1/test")
    assert conninfo == "postgresql://postgres@127.0.0.1/test"
    assert env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")  # the caller's, if any
