"""Signed tokens, CSRF tokens and an in-process rate limiter, shared by the API and the pages.

Tokens are signed with itsdangerous (HMAC-SHA1 over a key derived from the secret and a salt per
token kind, so a session cookie is never accepted as a bearer token or a form token). A token
names a login by its id; ``web.sessions`` asks the session store whether that login stands and
reads the user's role and ``active`` flag, so a logout, a revoked token, a disabled user or a
new role take effect on the next request.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import threading
import time
from collections import deque
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer, URLSafeSerializer

from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import AuthStore

_MAX_REMEMBERED = 10_000
BEARER = "bearer"
SESSION = "session"


@functools.lru_cache(maxsize=64)
def _serializer(secret: str, kind: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"samplehub.{kind}")


@functools.lru_cache(maxsize=16)
def _csrf_signer(secret: str) -> Signer:
    return Signer(secret, salt="samplehub.csrf")


def issue_token(sid: str, username: str, secret: str, kind: str, expires: datetime) -> str:
    """A signed token of ``kind`` (bearer or session) naming the login ``sid`` of ``username``."""
    claims = {"sid": sid, "sub": username, "exp": int(expires.timestamp())}
    return str(_serializer(secret, kind).dumps(claims))


def read_token(token: str, secret: str, kind: str, now: datetime) -> tuple[str, str] | None:
    """The (login id, username) a genuine, unexpired token of ``kind`` names; None otherwise.
    Whether that login still stands is the session store's answer, not the token's."""
    verified = _verified(token, secret, kind)
    if verified is None or verified[2] <= now.timestamp():
        return None
    return verified[0], verified[1]


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret: str, kind: str) -> tuple[str, str, int] | None:
    """What a genuine token carries (or None), remembered per token: a token cannot change,
    and a device polling with the same one is spared the MAC and JSON work."""
    try:
        claims = _serializer(secret, kind).loads(token)
        return str(claims["sid"]), str(claims["sub"]), int(claims["exp"])
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
    """Counts failures per (name, address) over a sliding minute, in process memory.

    Used for the public certificate check's rate limit; logins are counted in the database by
    ``web.sessions.SharedLoginLimiter`` so that every worker sees every failure.
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


class ActorCache:
    """A worker's last look at each login: (actor or None, monotonic time it is good until)."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[Actor | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, sid: str) -> tuple[bool, Actor | None]:
        with self._lock:
            found = self._seen.get(sid)
        if found is None or found[1] <= time.monotonic():
            return False, None
        return True, found[0]

    def put(self, sid: str, actor: Actor | None, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            if len(self._seen) >= _MAX_REMEMBERED:
                now = time.monotonic()
                self._seen = {k: v for k, v in self._seen.items() if v[1] > now}
            self._seen[sid] = (actor, time.monotonic() + seconds)

    def drop(self, sid: str) -> None:
        with self._lock:
            self._seen.pop(sid, None)

    def drop_user(self, username: str) -> None:
        """Forget every login of ``username`` this worker remembers (a change made here)."""
        with self._lock:
            self._seen = {
                sid: (actor, until)
                for sid, (actor, until) in self._seen.items()
                if actor is None or actor.username != username
            }


class SharedLoginLimiter:
    """Failed logins per user (any address) and per address (any user: password spraying),
    over a sliding minute, counted in the session store that every worker shares."""

    WINDOW = timedelta(minutes=1)

    def __init__(self, store: AuthStore, per_user: int, per_address: int) -> None:
        self.store = store
        self.limits = {"user": per_user, "address": per_address}

    @staticmethod
    def _keys(username: str, address: str) -> dict[str, str]:
        return {"user": f"user:{username.lower()}", "address": f"address:{address}"}

    def retry_after(self, username: str, address: str, now: datetime) -> int:
        """Seconds to wait before another try is accepted; 0 when one is allowed now."""
        wait = 0
        for name, key in self._keys(username, address).items():
            times = self.store.failures(key, now - self.WINDOW)
            if len(times) >= self.limits[name]:
                oldest = times[-self.limits[name]]
                wait = max(wait, int((oldest + self.WINDOW - now).total_seconds() + 0.999), 1)
        return wait

    def failed(self, username: str, address: str, now: datetime) -> None:
        self.store.failed(list(self._keys(username, address).values()), now)

    def succeeded(self, username: str) -> None:
        """The user's count starts again; the address's stays (it may be spraying)."""
        self.store.forget(self._keys(username, "")["user"])
