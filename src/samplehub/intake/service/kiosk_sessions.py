"""The live kiosk sessions of this process: opened, touched, idled out and dropped.

They hold nothing but what the screen shows, so an abandoned or timed-out session is simply
forgotten; each kiosk sees its own sessions only.
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Any

from samplehub.core.service.ports import Clock
from samplehub.intake.service.errors import session_ended
from samplehub.intake.service.session import KioskSession

log = logging.getLogger(__name__)


class KioskSessions:
    """Sessions by id, shared by the request threads of this process under one lock."""

    def __init__(self, clock: Clock, idle_timeout_s: float) -> None:
        self.clock = clock
        self.idle_timeout_s = idle_timeout_s
        self._sessions: dict[str, KioskSession] = {}
        self._lock = threading.Lock()

    def open(self, kiosk: str, **details: Any) -> KioskSession:
        """A new session of ``kiosk`` with ``details`` (its order or walk-in)."""
        now = self.clock.now()
        session = KioskSession(
            id=secrets.token_urlsafe(12),
            kiosk=kiosk,
            started_at=now,
            last_seen=now,
            **details,
        )
        with self._lock:
            self._expire()
            self._sessions[session.id] = session
        return session

    def _expire(self) -> None:
        now = self.clock.now()
        gone = [
            sid
            for sid, s in self._sessions.items()
            if (now - s.last_seen).total_seconds() > self.idle_timeout_s
        ]
        for sid in gone:
            log.info("kiosk session %s ended after idling", sid)
            del self._sessions[sid]

    def touch(self, kiosk: str, session_id: str) -> KioskSession:
        """The kiosk's live session (touching it); refused once ended, abandoned or idle."""
        with self._lock:
            self._expire()
            found = self._sessions.get(session_id)
            if found is None or found.kiosk != kiosk:
                raise session_ended(session_id, self.idle_timeout_s)
            found.last_seen = self.clock.now()
            return found

    def active(self, kiosk: str, session_id: str) -> KioskSession:
        """As :meth:`touch`, and refused once the hand-in is finished."""
        found = self.touch(kiosk, session_id)
        if found.finished:
            raise session_ended(session_id, self.idle_timeout_s)
        return found

    def drop(self, kiosk: str, session_id: str) -> None:
        """Forget the session if it is the kiosk's own."""
        with self._lock:
            found = self._sessions.get(session_id)
            if found is not None and found.kiosk == kiosk:
                del self._sessions[session_id]
