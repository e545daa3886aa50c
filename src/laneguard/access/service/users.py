"""Users of the web UI: adding them, checking a login, and the first start.

On the first start with no user at all, an `admin` operator is made with a random password that
is handed back once (the caller prints it) and kept only as its Argon2 digest."""

from __future__ import annotations

import secrets
from typing import Protocol

from laneguard.access.domain.users import Role, User, name_problem, password_problem
from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Clock

FIRST_USER = "admin"


class UserError(LaneGuardError):
    """A user cannot be added or changed as asked; the message names the field and the value."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, digest: str, password: str) -> bool:
        """False for a wrong password or a digest that is not one of ours."""
        ...


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Raises UserError when the name is taken."""
        ...

    def get(self, name: str) -> User | None: ...

    def save(self, user: User) -> None: ...

    def list(self) -> list[User]: ...


class UserService:
    def __init__(self, users: UserRepository, hasher: PasswordHasher, clock: Clock) -> None:
        self._users = users
        self._hasher = hasher
        self._clock = clock
        self._dummy = hasher.hash(secrets.token_urlsafe(16))

    def add(self, name: str, role: Role | str, password: str) -> User:
        problem = name_problem(name) or password_problem(password)
        if problem:
            raise UserError(problem)
        try:
            role = Role(role)
        except ValueError as exc:
            allowed = ", ".join(r.value for r in Role)
            raise UserError(f"role={role!r} is not known; allowed: {allowed}") from exc
        if self._users.get(name) is not None:
            raise UserError(f"name={name!r} is taken; choose another name")
        user = User(name, role, self._hasher.hash(password), self._clock.now())
        self._users.add(user)
        return user

    def set_password(self, name: str, password: str) -> User:
        user = self._existing(name)
        problem = password_problem(password)
        if problem:
            raise UserError(problem)
        user.password_hash = self._hasher.hash(password)
        self._users.save(user)
        return user

    def set_active(self, name: str, active: bool) -> User:
        user = self._existing(name)
        user.active = active
        self._users.save(user)
        return user

    def authenticate(self, name: str, password: str) -> User | None:
        """The active user with that password, or None. An unknown name costs the same hash
        as a known one, so the answer's time does not tell which names exist."""
        user = self._users.get(name)
        if user is None:
            self._hasher.verify(self._dummy, password)
            return None
        if not self._hasher.verify(user.password_hash, password) or not user.active:
            return None
        return user

    def get(self, name: str) -> User | None:
        """The user if still there and active: sessions look their user up on every request."""
        user = self._users.get(name)
        return user if user is not None and user.active else None

    def list(self) -> list[User]:
        return self._users.list()

    def first_start(self, seed: tuple[str, str] | None = None) -> str | None:
        """Makes sure an operator can log in. `seed` (the old `web.operator_user` and
        `operator_password` settings) becomes an operator if no user has that name. With no
        seed and no user at all, `admin` is made with a random password, returned once."""
        if seed is not None:
            if self._users.get(seed[0]) is None:
                self.add(seed[0], Role.OPERATOR, seed[1])
            return None
        if self._users.list():
            return None
        password = secrets.token_urlsafe(12)
        self.add(FIRST_USER, Role.OPERATOR, password)
        return password

    def _existing(self, name: str) -> User:
        user = self._users.get(name)
        if user is None:
            raise UserError(f"name={name!r} is not a user here")
        return user
