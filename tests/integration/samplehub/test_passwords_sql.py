"""A new password on SQLite and PostgreSQL: stored, so the next login takes it and refuses the
old one; a role change keeps the password; the custody chain records who, never the hash."""

from __future__ import annotations

import json

from samplehub.app.services import Services
from samplehub.core.service import commands as c
from samplehub.core.service import queries


def test_a_new_password_is_what_the_next_login_checks(services: Services) -> None:
    bus, hasher = services.bus, services.hasher
    bus.handle(c.CreateUser(c.SYSTEM, "zhang", "first-password", "lab", None, "张工"))
    zhang = queries.authenticate(services.uow_factory, hasher, "zhang", "first-password")
    assert zhang is not None
    bus.handle(c.SetPassword(zhang, "zhang", "second-password", "first-password"))
    assert queries.authenticate(services.uow_factory, hasher, "zhang", "first-password") is None
    assert queries.authenticate(services.uow_factory, hasher, "zhang", "second-password")
    bus.handle(c.ChangeUser(c.SYSTEM, "zhang", "warehouse"))
    again = queries.authenticate(services.uow_factory, hasher, "zhang", "second-password")
    assert again is not None
    assert again.role.value == "warehouse"
    bus.handle(c.SetPassword(c.SYSTEM, "zhang", "third-password"))  # an admin's reset
    assert queries.authenticate(services.uow_factory, hasher, "zhang", "third-password")
    with services.uow_factory() as uow:
        records = [r for r in uow.audit.records() if r.event_type == "PasswordSet"]
        stored = uow.users.get("zhang")
    assert stored is not None
    assert stored.display_name == "张工"
    assert [(r.actor, json.loads(r.payload)["reset"]) for r in records] == [
        ("zhang", False),
        ("system", True),
    ]
    assert all(stored.password_hash not in r.payload for r in records)
    assert queries.verify_audit(services.uow_factory).ok
