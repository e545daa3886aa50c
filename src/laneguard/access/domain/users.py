"""Users of the web UI, their roles, and the one declared table of what each role may do.

Every route of the web app declares the action it needs (`Action.VIEW` to read incidents,
snapshots, clips, live video, zones and statistics; `Action.CHANGE` to save zones, raise an alarm
or make an enrolment code); `PERMISSIONS` says which roles hold which actions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    VIEWER = "viewer"


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OPERATOR: frozenset({Action.VIEW, Action.CHANGE}),
    Role.VIEWER: frozenset({Action.VIEW}),
}

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
MIN_PASSWORD_LENGTH = 10


@dataclass
class User:
    name: str
    role: Role
    password_hash: str
    created_at: datetime
    active: bool = True

    def may(self, action: Action) -> bool:
        return self.active and action in PERMISSIONS[self.role]


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a user's name, or None when it can."""
    if NAME_PATTERN.fullmatch(name) is None:
        return (
            f"name={name!r}: 1 to 64 letters, digits, '_', '.', '@' or '-', "
            "starting with a letter or digit"
        )
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password: {len(password)} characters; at least {MIN_PASSWORD_LENGTH} are required"
    return None
