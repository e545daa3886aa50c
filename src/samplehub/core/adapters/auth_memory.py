"""The auth store in process memory: unit tests and a single process without a database."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from datetime import datetime

from samplehub.core.service.ports import SessionRecord


class MemoryAuthStore:
    def __init__(self) -> None:
        self._sessions: dict[str, SessionRecord] = {}
        self._failures: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def open(self, record: SessionRecord) -> None:
        with self._lock:
            self._sessions[record.sid] = record

    def get(self, sid: str) -> SessionRecord | None:
        with self._lock:
            return self._sessions.get(sid)

    def revoke(self, sid: str, at: datetime) -> None:
        with self._lock:
            found = self._sessions.get(sid)
            if found is not None and found.revoked_at is None:
                self._sessions[sid] = dataclasses.replace(found, revoked_at=at)

    def revoke_user(self, username: str, at: datetime) -> int:
        with self._lock:
            mine = [r for r in self._sessions.values() if r.username == username]
            live = [r for r in mine if r.revoked_at is None]
            for record in live:
                self._sessions[record.sid] = dataclasses.replace(record, revoked_at=at)
            return len(live)

    def failed(self, keys: Sequence[str], at: datetime) -> None:
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, []).append(at)

    def failures(self, key: str, since: datetime) -> list[datetime]:
        with self._lock:
            return sorted(t for t in self._failures.get(key, []) if t >= since)

    def forget(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def purge(self, before: datetime) -> None:
        with self._lock:
            for key, times in list(self._failures.items()):
                kept = [t for t in times if t >= before]
                if kept:
                    self._failures[key] = kept
                else:
                    del self._failures[key]
            for sid, record in list(self._sessions.items()):
                if record.expires_at < before:
                    del self._sessions[sid]
