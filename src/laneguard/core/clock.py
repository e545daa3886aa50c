"""Clocks behind the `Clock` port: the system's, and a manual one for tests and benchmarks; and
the two rules by which stored times are read as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def to_utc(at: datetime | None) -> datetime | None:
    """`at` in UTC; a naive time (as SQLite gives back) is taken to be UTC already."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def assume_utc(at: datetime) -> datetime:
    """`at` made aware by taking a naive time as UTC; an aware one is left in its own zone."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at
