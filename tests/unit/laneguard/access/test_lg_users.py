"""Users of LaneGuard's web UI: what a name and a password must be, the roles' table, logins,
and the first start (a seeded operator, else `admin` with a password handed back once)."""

from __future__ import annotations

import pytest

from laneguard.access.adapters.argon import Argon2Hasher
from laneguard.access.adapters.memory import InMemoryUserRepository
from laneguard.access.domain.users import PERMISSIONS, Action, Role
from laneguard.access.service.users import UserError, UserService
from laneguard.core.clock import SystemClock

PASSWORD = "long-enough-pass"


def service() -> UserService:
    return UserService(InMemoryUserRepository(), Argon2Hasher(8, 1), SystemClock())


def test_the_roles_table() -> None:
    assert PERMISSIONS[Role.OPERATOR] == {Action.VIEW, Action.CHANGE}
    assert PERMISSIONS[Role.VIEWER] == {Action.VIEW}


@pytest.mark.parametrize(
    ("name", "role", "password", "needle"),
    [
        ("", "viewer", PASSWORD, "name=''"),
        ("a b", "viewer", PASSWORD, "letters, digits"),
        ("amy", "admin", PASSWORD, "role='admin' is not known; allowed: operator, viewer"),
        ("amy", "viewer", "short", "at least 10"),
    ],
)
def test_bad_users_are_refused_naming_the_field(
    name: str, role: str, password: str, needle: str
) -> None:
    with pytest.raises(UserError, match=needle):
        service().add(name, role, password)


def test_logins_and_a_taken_name() -> None:
    users = service()
    users.add("amy", Role.VIEWER, PASSWORD)
    with pytest.raises(UserError, match="taken"):
        users.add("amy", Role.OPERATOR, PASSWORD)
    amy = users.authenticate("amy", PASSWORD)
    assert amy is not None
    assert amy.may(Action.VIEW)
    assert not amy.may(Action.CHANGE)
    assert users.authenticate("amy", "wrong-password") is None
    assert users.authenticate("nobody", PASSWORD) is None
    users.set_active("amy", False)
    assert users.authenticate("amy", PASSWORD) is None
    assert users.get("amy") is None


def test_first_start_seeds_the_configured_operator_instead_of_admin() -> None:
    users = service()
    assert users.first_start(("leitung", PASSWORD)) is None
    assert [u.name for u in users.list()] == ["leitung"]
    assert users.first_start(("leitung", "another-password")) is None  # not overwritten
    assert users.authenticate("leitung", PASSWORD) is not None


def test_first_start_without_users_makes_admin_once() -> None:
    users = service()
    password = users.first_start()
    assert password is not None
    admin = users.authenticate("admin", password)
    assert admin is not None
    assert admin.role is Role.OPERATOR
    assert users.first_start() is None
