"""Who is asking: the session cookie (signed with itsdangerous), HTTP Basic for scripts, the
role's permission for the route's action, and the CSRF token of state-changing requests.

Every route declares what it needs through `Guard.need(Action.…)`; anonymous page visits are
sent to the login page, anonymous API calls get 401, a role without the action gets 403. The
session names its user, who is looked up on every request, so a disabled user or a changed role
counts at once. The cookie is HttpOnly, SameSite=Lax, and Secure where configured."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from laneguard.access.domain.users import Action, User
from laneguard.access.service.users import UserService
from laneguard.core.errors import LaneGuardError

SESSION_COOKIE = "lg_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    basic: bool = False  # HTTP Basic: no cookie, so no cross-site request can carry it


class Guard:
    def __init__(
        self, users: UserService, secret: bytes, secure_cookie: bool, session_hours: float
    ) -> None:
        self.users = users
        self.secure_cookie = secure_cookie
        self.max_age = int(session_hours * 3600)
        self._signer = URLSafeTimedSerializer(secret, salt="laneguard.session")

    def cookie_value(self, user: User) -> str:
        """A signed session for `user` with a fresh CSRF token."""
        return self._signer.dumps({"u": user.name, "c": secrets.token_urlsafe(24)})

    def start(self, response: Response, user: User) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.cookie_value(user),
            max_age=self.max_age,
            httponly=True,
            secure=self.secure_cookie,
            samesite="lax",
        )

    def end(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE, httponly=True, secure=self.secure_cookie, samesite="lax"
        )

    def session(self, request: Request) -> Session | None:
        basic = self._basic(request.headers.get("authorization", ""))
        if basic is not None:
            return basic
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        try:
            data = self._signer.loads(token, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        user = self.users.get(str(data.get("u", "")))
        return None if user is None else Session(user, str(data.get("c", "")))

    def _basic(self, header: str) -> Session | None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            name, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user = self.users.authenticate(name, password)
        return None if user is None else Session(user, "", basic=True)

    def need(self, action: Action) -> Any:
        """The dependency a route declares: a session whose role holds `action`, and for a
        state-changing request the session's CSRF token (header `X-CSRF-Token` or form field
        `csrf`)."""

        async def check(request: Request) -> Session:
            session = self.session(request)
            if session is None:
                raise _login_required(request)
            if not session.user.may(action):
                raise HTTPException(
                    403, f"user {session.user.name!r} ({session.user.role}) may not {action} here"
                )
            if request.method not in SAFE_METHODS and not session.basic:
                sent = request.headers.get(CSRF_HEADER)
                if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
                    sent = str((await request.form()).get(CSRF_FIELD) or "")
                if not sent or not hmac.compare_digest(sent, session.csrf):
                    raise HTTPException(403, "CSRF token missing or wrong; reload the page")
            request.state.session = session
            return session

        check.action = action  # type: ignore[attr-defined]  # read by the route walk in tests
        return Depends(check)


@dataclass
class LoginLimiter:
    """Wrong passwords per name and per address in a sliding window: past either limit, logins
    from there (or for that name) wait, which slows guessing and password spraying alike.
    In process memory: a LaneGuard station is one process."""

    per_name: int = 10
    per_address: int = 30
    window_s: float = 300.0
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, name: str, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in list(self._failures):
                kept = [t for t in self._failures[key] if now - t < self.window_s]
                if kept:
                    self._failures[key] = kept
                else:
                    del self._failures[key]
            return (
                len(self._failures.get(f"user:{name}", ())) >= self.per_name
                or len(self._failures.get(f"addr:{address}", ())) >= self.per_address
            )

    def failed(self, name: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (f"user:{name}", f"addr:{address}"):
                self._failures.setdefault(key, []).append(now)


class LoginRequired(LaneGuardError):
    """An anonymous visitor asked for a page: the app answers with the login form in its place
    (nothing of the page), which then leads back to ``target``."""

    def __init__(self, target: str) -> None:
        super().__init__(f"login required for {target}")
        self.target = target


def _login_required(request: Request) -> Exception:
    wants_page = request.method == "GET" and not request.url.path.startswith("/api/")
    accept = request.headers.get("accept", "text/html")
    tried = "authorization" in request.headers  # a script's wrong credentials: 401, not a form
    if wants_page and not tried and ("text/html" in accept or "*/*" in accept):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return LoginRequired(target)
    return HTTPException(401, "login required: sign in at /login, or use HTTP Basic")


def requires(dependency: Any) -> Action | None:
    """The action a route's dependency declares, or None (for the route walk in the tests)."""
    call: Callable[..., Coroutine[Any, Any, Session]] | None = getattr(dependency, "call", None)
    action = getattr(call, "action", None)
    return action if isinstance(action, Action) else None
