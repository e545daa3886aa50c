"""One-time enrolment codes and the station key's fingerprint.

An operator makes a code for one terminal (by its name); it expires (15 minutes by default) and
works once. Only its SHA-256 digest is kept. The person enrolling compares the station key's
fingerprint shown beside the code with the one the enrolment answer carries, so a device that
answers in the station's place is noticed."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from laneguard.alerting.domain.alerts import TerminalScope

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 10  # 50 bits


@dataclass(frozen=True)
class EnrolmentCode:
    """A code as kept: its digest, the terminal it is for, who made it and until when."""

    digest: str
    terminal_name: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    scope: TerminalScope = field(default_factory=TerminalScope)  # the terminal's, once enrolled


def new_code() -> str:
    """A fresh code as shown: `XXXXX-XXXXX`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise(code: str) -> str:
    """What is hashed: upper case, without spaces or dashes, as people type it."""
    return "".join(ch for ch in code.upper() if ch not in " -")


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def fingerprint(public_key: bytes) -> str:
    """The first 128 bits of the key's SHA-256, in groups of four hex digits."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))
