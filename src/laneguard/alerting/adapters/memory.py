"""In-memory terminals and a recording transport behind the alerting ports: for unit tests, the
simulator and benchmarks."""

from __future__ import annotations

import builtins
import copy
import dataclasses
import threading
from datetime import datetime

from laneguard.alerting.domain.alerts import SealedMessage, Terminal
from laneguard.alerting.domain.enrolment import EnrolmentCode
from laneguard.alerting.service.ports import TransportError


class InMemoryTerminalRepository:
    def __init__(self) -> None:
        self._rows: dict[str, Terminal] = {}

    def add(self, terminal: Terminal) -> None:
        self._rows[terminal.terminal_id] = copy.copy(terminal)

    def save(self, terminal: Terminal) -> None:
        self._rows[terminal.terminal_id] = copy.copy(terminal)

    def get(self, terminal_id: str) -> Terminal | None:
        row = self._rows.get(terminal_id)
        return None if row is None else copy.copy(row)

    def list(self) -> builtins.list[Terminal]:
        return [copy.copy(t) for t in self._rows.values()]


class InMemoryEnrolmentCodes:
    def __init__(self) -> None:
        self._rows: dict[str, EnrolmentCode] = {}
        self._lock = threading.Lock()

    def add(self, code: EnrolmentCode) -> None:
        with self._lock:
            self._rows[code.digest] = code

    def consume(self, digest: str, terminal_name: str, now: datetime) -> EnrolmentCode | None:
        with self._lock:
            row = self._rows.get(digest)
            if (
                row is None
                or row.used_at is not None
                or row.terminal_name != terminal_name
                or row.expires_at <= now
            ):
                return None
            self._rows[digest] = dataclasses.replace(row, used_at=now)
            return self._rows[digest]


class RecordingTransport:
    """Keeps what it was given; `fail` makes it behave like a broker that is down."""

    def __init__(self, name: str = "recording", fail: bool = False) -> None:
        self.name = name
        self.fail = fail
        self.sent: builtins.list[SealedMessage] = []

    def deliver(self, message: SealedMessage) -> None:
        if self.fail:
            raise TransportError(f"{self.name} is down")
        self.sent.append(message)
