"""Logins that really end: the one place tokens and cookies are turned into actors.

A login is a row in the session store (the database in production): its signed token carries
only the login's id and the username. Every request asks the store whether the login stands
(not logged out, not revoked, younger than ``session_max_hours``) and reads the user's ``active``
flag and role, so a logout, a disabled user or a new role take effect on the next request in
every worker and after restarts. A worker may trust its last answer for ``auth_cache_seconds``.

Failed logins are counted in the same store per user and per address (``security.
SharedLoginLimiter``),
and password checks run at most ``password_hash_concurrency`` at once per worker.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from fastapi import HTTPException, Request, status

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor, ChangeUser, SetPassword
from samplehub.core.service.ports import SessionRecord
from samplehub.web.security import BEARER, SESSION, issue_token, read_token
from samplehub.web.state import AppState

SESSION_COOKIE = "sh_session"
HASH_WAIT_SECONDS = 10.0
PURGE_ONE_IN = 100  # logins


def lifetime(state: AppState) -> timedelta:
    settings = state.settings
    return timedelta(hours=min(settings.session_hours, settings.session_max_hours))


def open_login(state: AppState, actor: Actor, kind: str) -> tuple[str, int]:
    """A new login of ``kind`` for ``actor``: its signed token and seconds until it expires."""
    now = state.services.clock.now()
    expires = now + lifetime(state)
    sid = secrets.token_urlsafe(18)
    auth = state.services.auth
    auth.open(SessionRecord(sid, actor.username, kind, now, expires))
    if secrets.randbelow(PURGE_ONE_IN) == 0:  # now and then, ended logins and old failures go
        auth.purge(now - timedelta(hours=state.settings.session_max_hours))
    token = issue_token(sid, actor.username, state.settings.secret_key, kind, expires)
    return token, int(lifetime(state).total_seconds())


def end_login(state: AppState, token: str, kind: str) -> bool:
    """Revoke the login ``token`` names, in every worker; False when it named none."""
    now = state.services.clock.now()
    named = read_token(token, state.settings.secret_key, kind, now)
    if named is None:
        return False
    state.services.auth.revoke(named[0], now)
    state.actors.drop(named[0])
    return True


def actor_of_token(state: AppState, token: str, kind: str) -> Actor | None:
    """The actor of a standing login ``token`` names; None for anything else."""
    now = state.services.clock.now()
    named = read_token(token, state.settings.secret_key, kind, now)
    if named is None:
        return None
    sid, username = named
    known, actor = state.actors.get(sid)
    if not known:
        actor = _look_up(state, sid, username, kind, now)
        state.actors.put(sid, actor, state.settings.auth_cache_seconds)
    return actor


def _look_up(state: AppState, sid: str, username: str, kind: str, now: datetime) -> Actor | None:
    record = state.services.auth.get(sid)
    max_age = timedelta(hours=state.settings.session_max_hours)
    if record is None or record.username != username or record.kind != kind:
        return None
    if record.revoked_at is not None or record.expires_at <= now:
        return None
    if now - record.issued_at >= max_age:
        return None
    return queries.active_actor(state.services.uow_factory, username)


def bearer_of(state: AppState, token: str) -> Actor | None:
    """The actor of a standing bearer token; None for anything else."""
    return actor_of_token(state, token, BEARER)


def session_of(state: AppState, request: Request) -> Actor | None:
    """The actor of the request's session cookie while its login stands."""
    token = request.cookies.get(SESSION_COOKIE)
    return actor_of_token(state, token, SESSION) if token else None


def check_password(state: AppState, username: str, password: str) -> Actor | None:
    """The password check under the worker's cap on concurrent hashing (Argon2 takes 64 MiB
    a check, also for unknown users): a flood of logins waits, then gets 503, never more."""
    _hashing(state)
    try:
        services = state.services
        return queries.authenticate(services.uow_factory, services.hasher, username, password)
    finally:
        state.hashing.release()


def refuse_while_limited(state: AppState, username: str, address: str, now: datetime) -> None:
    """429 with ``Retry-After`` while too many logins of ``username`` or from ``address`` failed."""
    wait = state.limiter.retry_after(username, address, now)
    if wait:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail={
                "error": "too_many_attempts",
                "message": f"too many failed logins for {username!r}; retry in {wait} s",
                "retry_after": wait,
            },
            headers={"Retry-After": str(wait)},
        )


def _hashing(state: AppState) -> None:
    if not state.hashing.acquire(timeout=HASH_WAIT_SECONDS):
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail={"error": "busy", "message": "too many password checks; retry shortly"},
            headers={"Retry-After": "5"},
        )


def set_password(
    state: AppState, actor: Actor, username: str, password: str, current: str | None, address: str
) -> None:
    """A new password (``SetPassword``: one's own with ``current``, or an admin's reset), under
    the cap on concurrent hashing; a wrong current password counts as a failed login (the same
    limit, 429 while it holds). Every login of the user then ends, in every worker."""
    own = actor.username == username
    now = state.services.clock.now()
    if own:
        refuse_while_limited(state, username, address, now)
    _hashing(state)
    try:
        state.services.bus.handle(SetPassword(actor, username, password, current))
    except InvalidValue as error:
        if own and error.field == "current_password":
            state.limiter.failed(username, address, now)
        raise
    finally:
        state.hashing.release()
    state.services.auth.revoke_user(username, now)
    state.actors.drop_user(username)


def change_user(
    state: AppState, actor: Actor, username: str, role: str | None, active: bool | None
) -> None:
    """Another role or access (``ChangeUser``); a disabled user's logins end at once, and every
    worker sees the change on the user's next request."""
    state.services.bus.handle(ChangeUser(actor, username, role, active))
    if active is False:
        state.services.auth.revoke_user(username, state.services.clock.now())
    state.actors.drop_user(username)
