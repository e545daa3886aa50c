"""Pickup codes and the wrong-code policy.

A code is six digits drawn from ``secrets``; only its HMAC-SHA256 under a server key is kept, so
a copy of the database alone does not reveal codes. The digest is deterministic on purpose: the
kiosk finds the booking by the digest of what was typed, and two live bookings never share one.
The stored digest is compared with ``hmac.compare_digest``.

Wrong entries follow the Matter door-lock cluster's idea (WrongCodeEntryLimit,
UserCodeTemporaryDisableTime): after ``kiosk_limit`` wrong entries within ``kiosk_window`` the
kiosk refuses code entry for ``kiosk_lockout``. Per booking, ``booking_limit`` wrong tries revoke
the code and a new one must be issued.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from samplehub.core.domain.errors import InvalidValue

CODE_DIGITS = 6
_DOMAIN = b"samplehub-pickup-code-v1:"
MIN_KEY_BYTES = 16

RandBelow = Callable[[int], int]


def new_code(randbelow: RandBelow = secrets.randbelow) -> str:
    """Six decimal digits, uniformly drawn; the source is injectable for tests only."""
    value = randbelow(10**CODE_DIGITS)
    if not 0 <= value < 10**CODE_DIGITS:
        raise InvalidValue("code source", value, f"0 to {10**CODE_DIGITS - 1}")
    return f"{value:0{CODE_DIGITS}d}"


def normalize_code(text: str) -> str | None:
    """The code as typed or scanned, without spaces or dashes; None when it cannot be a code."""
    cleaned = "".join(ch for ch in text if ch not in " -")
    if len(cleaned) != CODE_DIGITS or not cleaned.isascii() or not cleaned.isdigit():
        return None
    return cleaned


QR_PREFIX = "SHP1"


def qr_payload(booking_id: str, code: str) -> str:
    """What the QR sent to the customer encodes: the booking and its code (never put in URLs)."""
    return f"{QR_PREFIX}:{booking_id}:{code}"


def parse_qr(text: str) -> tuple[str, str] | None:
    """(booking id, code) from a scanned QR, or None when it is not one of ours."""
    prefix, _, rest = text.strip().partition(":")
    booking_id, _, code = rest.partition(":")
    if prefix != QR_PREFIX or not booking_id or normalize_code(code) is None:
        return None
    return booking_id, code


class CodeHasher:
    """HMAC-SHA256 of a code under the server key (a pepper that never enters the database)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise InvalidValue("pickup.code_key", f"{len(key)} bytes", f">= {MIN_KEY_BYTES} bytes")
        self._key = key

    def digest(self, code: str) -> str:
        normal = normalize_code(code)
        if normal is None:
            raise InvalidValue("code", "******", f"{CODE_DIGITS} digits")
        return hmac.new(self._key, _DOMAIN + normal.encode("ascii"), hashlib.sha256).hexdigest()

    def matches(self, code: str, stored_digest: str) -> bool:
        """Constant-time check of ``code`` against a stored digest; malformed input is False."""
        normal = normalize_code(code)
        if normal is None:
            # Still spend one HMAC so a malformed entry takes as long as a wrong one.
            hmac.compare_digest(self.digest("0" * CODE_DIGITS), stored_digest)
            return False
        return hmac.compare_digest(self.digest(normal), stored_digest)


class CodeState(enum.StrEnum):
    """Why a code is not usable; never shown to the person at the kiosk."""

    USABLE = "usable"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


@dataclass
class PickupCode:
    """What is kept of an issued code: its digest and its life, never the digits."""

    digest: str
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None
    wrong_tries: int = 0

    def __post_init__(self) -> None:
        if self.valid_until <= self.valid_from:
            raise InvalidValue("code.valid_until", self.valid_until, "after valid_from")

    def state(self, now: datetime) -> CodeState:
        if self.revoked_at is not None:
            return CodeState.REVOKED
        if self.used_at is not None:
            return CodeState.USED
        if now < self.valid_from:
            return CodeState.NOT_YET_VALID
        if now > self.valid_until:
            return CodeState.EXPIRED
        return CodeState.USABLE

    def live(self, now: datetime) -> bool:
        """Neither used, revoked nor past its end: its digest still blocks a new equal code."""
        return self.state(now) in (CodeState.USABLE, CodeState.NOT_YET_VALID)


@dataclass(frozen=True)
class WrongCodePolicy:
    kiosk_limit: int = 5
    kiosk_window: timedelta = timedelta(minutes=15)
    kiosk_lockout: timedelta = timedelta(minutes=5)
    booking_limit: int = 10
    institute_per_hour: int = 30  # wrong codes at all kiosks together in one clock hour

    def __post_init__(self) -> None:
        for name in ("kiosk_limit", "booking_limit", "institute_per_hour"):
            if getattr(self, name) < 1:
                raise InvalidValue(f"wrong_code.{name}", getattr(self, name), ">= 1")
        for name in ("kiosk_window", "kiosk_lockout"):
            if getattr(self, name) <= timedelta(0):
                raise InvalidValue(f"wrong_code.{name}", getattr(self, name), "> 0")


def kiosk_bucket(kiosk_id: str, now: datetime, policy: WrongCodePolicy) -> tuple[str, datetime]:
    """The counter of ``kiosk_id``'s wrong codes in the window ``now`` falls in, and its end."""
    window = int(policy.kiosk_window.total_seconds())
    start = int(now.timestamp()) // window * window
    end = datetime.fromtimestamp(start + window, tz=now.tzinfo)
    return f"kiosk:{kiosk_id}:{start}", end


def institute_bucket(now: datetime) -> tuple[str, datetime]:
    """The counter of every kiosk's wrong codes in ``now``'s clock hour (UTC), and its end."""
    hour = int(now.timestamp()) // 3600 * 3600
    return f"institute:{hour}", datetime.fromtimestamp(hour + 3600, tz=now.tzinfo)


@dataclass
class KioskGuard:
    """One kiosk's lockout, if any. Its wrong entries are counted in ``WrongCounts`` (an
    atomic counter per ``kiosk_bucket``); ``wrong_at`` is kept for rows written before."""

    kiosk_id: str
    wrong_at: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until
