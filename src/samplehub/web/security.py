"""Signed tokens, CSRF tokens and the failed-login limiter, shared by the API and the pages.

Tokens are stateless, signed with itsdangerous (HMAC-SHA1 over a key derived from the secret and
a salt per token kind, so a session cookie is never accepted as a bearer token or a form token).
The claims carry the actor and an expiry, so checking a token needs no database round trip; the
price is that a role change takes effect when the token expires (``session_hours``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import threading
from collections import deque
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer, URLSafeSerializer

from samplehub.core.domain.model import Role
from samplehub.core.service.commands import Actor

BEARER = "bearer"
SESSION = "session"


@functools.lru_cache(maxsize=64)
def _serializer(secret: str, kind: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"samplehub.{kind}")


@functools.lru_cache(maxsize=16)
def _csrf_signer(secret: str) -> Signer:
    return Signer(secret, salt="samplehub.csrf")


def issue_token(actor: Actor, secret: str, kind: str, now: datetime, hours: int) -> str:
    """A signed token of ``kind`` (bearer or session) for ``actor`` that expires in ``hours``."""
    claims = {
        "sub": actor.username,
        "role": actor.role.value,
        "cid": actor.customer_id,
        "exp": int((now + timedelta(hours=hours)).timestamp()),
        "nonce": secrets.token_hex(8),
    }
    return str(_serializer(secret, kind).dumps(claims))


def read_token(token: str, secret: str, kind: str, now: datetime) -> Actor | None:
    """The actor a valid, unexpired token of ``kind`` names; None for anything else."""
    verified = _verified(token, secret, kind)
    if verified is None or verified[1] <= now.timestamp():
        return None
    return verified[0]


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret: str, kind: str) -> tuple[Actor, int] | None:
    """The actor and expiry a genuine token carries (or None), remembered per token: a token
    cannot change, and a device polling with the same one is spared the MAC and JSON work."""
    try:
        claims = _serializer(secret, kind).loads(token)
        return Actor(str(claims["sub"]), Role(claims["role"]), claims["cid"]), int(claims["exp"])
    except (BadSignature, ValueError, KeyError, TypeError):
        return None


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def csrf_token(secret: str, nonce: str) -> str:
    """The form token bound to the browser's CSRF cookie nonce (signed double submit)."""
    return _csrf_signer(secret).sign(nonce).decode("ascii")


def csrf_ok(secret: str, nonce: str | None, token: str | None) -> bool:
    if not nonce or not token:
        return False
    try:
        signed = _csrf_signer(secret).unsign(token).decode("ascii")
    except BadSignature:
        return False
    return hmac.compare_digest(signed, nonce)


class LoginLimiter:
    """Counts failed logins per (username, address) over a sliding minute.

    In process memory: with several API workers each keeps its own count, so the effective
    limit is per worker. That still turns password guessing from thousands of tries a minute
    into a handful.
    """

    WINDOW = timedelta(minutes=1)

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self.WINDOW:
            times.popleft()
        return times

    def retry_after(self, username: str, address: str, now: datetime) -> int:
        """Seconds to wait before another try is accepted; 0 when one is allowed now."""
        with self._lock:
            times = self._recent((username.lower(), address), now)
            if len(times) < self.per_minute:
                return 0
            return max(1, int((times[0] + self.WINDOW - now).total_seconds() + 0.999))

    def failed(self, username: str, address: str, now: datetime) -> None:
        with self._lock:
            self._recent((username.lower(), address), now).append(now)
            if len(self._failures) > 10_000:  # forget idle keys so memory stays bounded
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), address), None)


class RevokedSessions:
    """Session tokens ended by logout, remembered until they would have expired anyway.

    Tokens are stateless, so without this a copied cookie would outlive the logout. The list is
    per process: with several workers a logout is certain only in the worker that served it.
    """

    def __init__(self) -> None:
        self._until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def revoke(self, token: str, until: datetime) -> None:
        with self._lock:
            self._until[self._key(token)] = until

    def is_revoked(self, token: str, now: datetime) -> bool:
        with self._lock:
            for key in [k for k, until in self._until.items() if until <= now]:
                del self._until[key]
            return self._key(token) in self._until
