"""The chain of custody: an append-only, SHA-256 hash-chained record of every domain event.

Each record's hash covers its canonical JSON form (sorted keys, no whitespace, UTF-8) together
with the previous record's hash, so changing, removing or reordering any record breaks every
link after it. Canonical JSON keeps the hash independent of the database that stores it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from samplehub.core.domain.events import Event

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def format_time(at: datetime) -> str:
    """UTC, ISO 8601, microseconds, trailing Z: one spelling per instant whatever the database."""
    if at.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: str
    actor: str
    event_type: str
    sample_number: str | None
    order_number: str | None
    payload: str  # canonical JSON
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "event_type": self.event_type,
            "sample_number": self.sample_number,
            "order_number": self.order_number,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
        }

    def expected_hash(self) -> str:
        return compute_hash(self.body())


def compute_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def chain(events: Iterable[Event], last: AuditRecord | None) -> list[AuditRecord]:
    """The records that append ``events`` after ``last`` (None: the chain is empty)."""
    seq = last.seq if last else 0
    prev = last.hash if last else GENESIS_HASH
    records = []
    for event in events:
        seq += 1
        record = AuditRecord(
            seq=seq,
            at=format_time(event.at),
            actor=event.actor,
            event_type=event.type,
            sample_number=event.sample_number,
            order_number=event.order_number,
            payload=canonical_json(event.payload()),
            prev_hash=prev,
            hash="",
        )
        prev = record.expected_hash()
        records.append(replace(record, hash=prev))
    return records


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    broken_seq: int | None = None
    problem: str | None = None


def verify(records: Iterable[AuditRecord]) -> Verification:
    """Walk the chain in order; report the first record whose link or hash does not match."""
    prev = GENESIS_HASH
    count = 0
    for expected_seq, record in enumerate(records, start=1):
        if record.seq != expected_seq:
            return Verification(
                False, count, record.seq, f"sequence {record.seq} where {expected_seq} was expected"
            )
        if record.prev_hash != prev:
            return Verification(False, count, record.seq, "link to the previous record broken")
        if record.expected_hash() != record.hash:
            return Verification(False, count, record.seq, "hash does not match the record")
        prev = record.hash
        count += 1
    return Verification(True, count)
