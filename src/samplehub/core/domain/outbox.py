"""The notice outbox: a message written with its cause, delivered later, retried with back-off.

A notice (a pickup code, a reminder, a staff alert) is written in the transaction of the change
that causes it, so either both happen or neither does; a worker delivers it afterwards. Each
failed attempt waits longer than the one before (``RetryPolicy``); after ``max_attempts`` the
notice is given up. Once delivered or given up its body is wiped: the only lasting copy of a
pickup code is the message the customer received. Staff read the rest (kind, masked recipient,
status, attempts, times), never the body.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

ERROR_LENGTH = 300


@dataclass(frozen=True)
class Backlog:
    """The notices waiting (and since when the oldest has), and those given up lately."""

    pending: int
    oldest_pending: datetime | None
    failed: int


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # given up after the last attempt


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: ``first_delay`` after the first failure, doubling up to
    ``max_delay``; the notice is given up after ``max_attempts`` attempts."""

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    factor: float = 2.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts {self.max_attempts}: at least 1")
        if self.first_delay <= timedelta(0) or self.max_delay < self.first_delay:
            raise ValueError(
                f"first_delay {self.first_delay}, max_delay {self.max_delay}: "
                "0 < first_delay <= max_delay"
            )
        if self.factor < 1:
            raise ValueError(f"factor {self.factor}: at least 1")

    def delay(self, attempts: int) -> timedelta:
        """How long to wait after the ``attempts``-th failed attempt (1 for the first)."""
        seconds = self.first_delay.total_seconds() * self.factor ** max(attempts - 1, 0)
        return min(timedelta(seconds=seconds), self.max_delay)


@dataclass
class OutboxMessage:
    """One notice to one recipient over one channel. ``body`` is None once wiped."""

    id: str
    kind: str  # what it is about, e.g. pickup_code, kiosk_locked, recall_reminder
    channel: str  # email, sms, wechat
    recipient: str
    subject: str
    body: str | None
    key: str  # why it exists (the same key names the same notice)
    created_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None

    @classmethod
    def new(
        cls,
        id: str,
        kind: str,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        key: str,
        at: datetime,
    ) -> OutboxMessage:
        if not recipient:
            raise ValueError(f"outbox {kind}: an empty recipient")
        return cls(id, kind, channel, recipient, subject, body, key, at, next_attempt_at=at)

    def due(self, now: datetime) -> bool:
        return (
            self.status is OutboxStatus.PENDING
            and self.next_attempt_at is not None
            and self.next_attempt_at <= now
        )

    def claim(self, now: datetime, hold: timedelta) -> bool:
        """Take a due message for one attempt: nobody else takes it for ``hold`` (a deliverer
        that dies mid-attempt leaves it to be tried again then). False when not due."""
        if not self.due(now):
            return False
        self.next_attempt_at = now + hold
        return True

    def delivered(self, at: datetime) -> None:
        self._attempted(at)
        self.status, self.body, self.next_attempt_at, self.last_error = (
            OutboxStatus.DELIVERED, None, None, None,
        )  # fmt: skip

    def failed(self, problem: str, at: datetime, policy: RetryPolicy) -> None:
        """A failed attempt: try again after the policy's delay, or give up (body wiped)."""
        self._attempted(at)
        self.last_error = problem[:ERROR_LENGTH]
        if self.attempts >= policy.max_attempts:
            self.status, self.body, self.next_attempt_at = OutboxStatus.FAILED, None, None
        else:
            self.next_attempt_at = at + policy.delay(self.attempts)

    def _attempted(self, at: datetime) -> None:
        if self.status is not OutboxStatus.PENDING:
            raise ValueError(f"outbox message {self.id} is {self.status.value}, not pending")
        self.attempts += 1
        self.last_attempt_at = at


def mask(recipient: str) -> str:
    """What staff see of a recipient: ``138****5678``, ``c***@hengda.example``."""
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(recipient) <= 4:
        return "*" * len(recipient)
    keep = 3 if len(recipient) >= 11 else 1
    return f"{recipient[:keep]}{'*' * (len(recipient) - keep - 4)}{recipient[-4:]}"
