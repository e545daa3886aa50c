"""Enrolment and revocation of staff terminals.

Enrolment needs the station's enrolment code (shown to the operator), so that a device on the
wireless network cannot enrol itself and start receiving alerts."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from laneguard.alerting.domain.alerts import Terminal
from laneguard.alerting.service.ports import TerminalRepository
from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Clock

X25519_KEY_BYTES = 32


class EnrolmentRefusedError(LaneGuardError):
    pass


class EnrolmentLockedError(EnrolmentRefusedError):
    """Too many wrong codes from one client: the code is short, so guessing is slowed down."""


MAX_WRONG_CODES = 5
LOCKOUT = timedelta(minutes=1)


class TerminalService:
    def __init__(self, terminals: TerminalRepository, clock: Clock, enrolment_code: str) -> None:
        if len(enrolment_code) < 6:
            raise ValueError("enrolment_code must have at least 6 characters")
        self._terminals = terminals
        self._clock = clock
        self._code = enrolment_code
        self._wrong: dict[str, list[datetime]] = {}

    def enroll(self, name: str, public_key: bytes, code: str, client: str = "") -> Terminal:
        """`client` (the caller's address) keys the lockout after repeated wrong codes."""
        now = self._clock.now()
        self._wrong = {
            c: kept
            for c, times in self._wrong.items()
            if (kept := [t for t in times if now - t < LOCKOUT])
        }
        recent = self._wrong.setdefault(client, [])
        if len(recent) >= MAX_WRONG_CODES:
            wait = int((LOCKOUT - (now - recent[0])).total_seconds())
            raise EnrolmentLockedError(f"too many wrong enrolment codes; try again in {wait} s")
        if not hmac.compare_digest(code.encode(), self._code.encode()):
            recent.append(now)
            raise EnrolmentRefusedError(
                "enrolment code is wrong; ask the operator for the station's code"
            )
        name = name.strip()
        if not name or len(name) > 64:
            raise EnrolmentRefusedError(f"name={name!r}: 1 to 64 characters are required")
        if len(public_key) != X25519_KEY_BYTES:
            raise EnrolmentRefusedError(
                f"public_key has {len(public_key)} bytes; an X25519 public key has 32"
            )
        terminal = Terminal(
            terminal_id=f"t-{secrets.token_hex(6)}",
            name=name,
            public_key=public_key,
            enrolled_at=self._clock.now(),
        )
        self._terminals.add(terminal)
        return terminal

    def revoke(self, terminal_id: str) -> Terminal:
        terminal = self._terminals.get(terminal_id)
        if terminal is None:
            raise EnrolmentRefusedError(f"terminal_id={terminal_id!r} is not enrolled")
        terminal.revoke(self._clock.now())
        self._terminals.save(terminal)
        return terminal

    def is_active(self, terminal_id: str) -> bool:
        terminal = self._terminals.get(terminal_id)
        return terminal is not None and terminal.active

    def list(self) -> list[Terminal]:
        return self._terminals.list()
