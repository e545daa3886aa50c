"""Enrolment and revocation of staff terminals.

Enrolment needs a one-time code an operator made for that terminal's name (expiring, used once,
kept as a digest), so that a device on the wireless network cannot enrol itself and start
receiving alerts."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from laneguard.alerting.domain.alerts import Terminal, TerminalScope
from laneguard.alerting.domain.enrolment import EnrolmentCode, code_digest, new_code
from laneguard.alerting.service.ports import EnrolmentCodeRepository, TerminalRepository
from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Clock

X25519_KEY_BYTES = 32


class EnrolmentRefusedError(LaneGuardError):
    pass


class EnrolmentCodeError(EnrolmentRefusedError):
    """The code is wrong, used, expired, or made for another terminal name."""


class EnrolmentLockedError(EnrolmentRefusedError):
    """Too many wrong codes from one client: the code is short, so guessing is slowed down."""


MAX_WRONG_CODES = 5
LOCKOUT = timedelta(minutes=1)
CODE_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class IssuedCode:
    """A code as handed to the operator, the only time it exists in clear."""

    code: str
    terminal_name: str
    expires_at: datetime
    scope: TerminalScope = field(default_factory=TerminalScope)


class TerminalService:
    def __init__(
        self,
        terminals: TerminalRepository,
        clock: Clock,
        codes: EnrolmentCodeRepository,
        code_lifetime: timedelta = CODE_LIFETIME,
        station: str | None = None,
    ) -> None:
        self.station = station  # a code's scope by default: this station, every lane
        self._terminals = terminals
        self._clock = clock
        self._codes = codes
        self._lifetime = code_lifetime
        self._wrong: dict[str, list[datetime]] = {}

    def issue_code(
        self,
        terminal_name: str,
        created_by: str,
        lanes: Iterable[str] = (),
        leader: bool = False,
    ) -> IssuedCode:
        """A one-time code for the terminal called `terminal_name`, valid for the lifetime; the
        terminal it enrols gets this station's alerts (of `lanes` only, when given), and
        escalations too when it is a `leader`'s."""
        name = terminal_name.strip()
        if not name or len(name) > 64:
            raise EnrolmentRefusedError(f"name={name!r}: 1 to 64 characters are required")
        scope = self._scope(lanes, leader)
        code, now = new_code(), self._clock.now()
        self._codes.add(
            EnrolmentCode(
                code_digest(code), name, created_by, now, now + self._lifetime, scope=scope
            )
        )
        return IssuedCode(code, name, now + self._lifetime, scope)

    def rescope(
        self, terminal_id: str, lanes: Iterable[str] = (), leader: bool = False
    ) -> Terminal:
        """Changes which lanes an enrolled terminal hears and whether it is a leader's."""
        terminal = self._terminals.get(terminal_id)
        if terminal is None:
            raise EnrolmentRefusedError(f"terminal_id={terminal_id!r} is not enrolled")
        terminal.scope = self._scope(lanes, leader)
        self._terminals.save(terminal)
        return terminal

    def _scope(self, lanes: Iterable[str], leader: bool) -> TerminalScope:
        try:
            return TerminalScope(self.station, frozenset(x.strip() for x in lanes), leader)
        except ValueError as exc:
            raise EnrolmentRefusedError(str(exc)) from exc

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
        name = name.strip()
        if not name or len(name) > 64:
            raise EnrolmentRefusedError(f"name={name!r}: 1 to 64 characters are required")
        if len(public_key) != X25519_KEY_BYTES:
            raise EnrolmentRefusedError(
                f"public_key has {len(public_key)} bytes; an X25519 public key has 32"
            )
        used = self._codes.consume(code_digest(code), name, now)
        if used is None:
            recent.append(now)
            raise EnrolmentCodeError(
                f"enrolment code is wrong, used or expired for name={name!r}; "
                "ask an operator for a new code for this name"
            )
        terminal = Terminal(
            terminal_id=f"t-{secrets.token_hex(6)}",
            name=name,
            public_key=public_key,
            enrolled_at=self._clock.now(),
            scope=used.scope,
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
