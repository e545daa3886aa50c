"""Users in memory behind `UserRepository`: for unit tests and the security tier."""

from __future__ import annotations

import builtins
import copy

from laneguard.access.domain.users import User
from laneguard.access.service.users import UserError


class InMemoryUserRepository:
    def __init__(self) -> None:
        self._rows: dict[str, User] = {}

    def add(self, user: User) -> None:
        if user.name in self._rows:
            raise UserError(f"name={user.name!r} is taken; choose another name")
        self._rows[user.name] = copy.copy(user)

    def get(self, name: str) -> User | None:
        row = self._rows.get(name)
        return None if row is None else copy.copy(row)

    def save(self, user: User) -> None:
        self._rows[user.name] = copy.copy(user)

    def list(self) -> builtins.list[User]:
        return [copy.copy(u) for u in self._rows.values()]
