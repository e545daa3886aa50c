"""Anchors of the chain of custody: the chain's head (sequence number, hash, time) signed with the
institute's Ed25519 key and kept where the database administrator cannot quietly rewrite it (an
append-only file, a printout, an e-mail to the quality manager).

An unkeyed hash chain proves only that its records agree with each other: whoever can write the
database can drop its newest records or recompute every hash. An anchor fixes the hash a given
record had when it was signed, so both show: the anchored record is gone (the tail was cut) or it
has another hash (the chain was rewritten). Signing needs the private key, checking only the
public one, so an assessor can check the chain without trusting us.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from samplehub.core.domain.audit import AuditRecord, canonical_json, verify

Verifier = Callable[[str, bytes, bytes], bool]
"""Says whether a signature (third) over a message (second) is the key ``key_id``'s (first)."""


def key_id(public_key: bytes) -> str:
    """A short name of a public key (its raw bytes): the first 16 hex digits of their SHA-256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


@dataclass(frozen=True)
class Anchor:
    """One signed head of the chain; ``number`` counts anchors from 1."""

    number: int
    seq: int
    hash: str
    at: str  # UTC, audit.format_time
    key_id: str
    signature: str  # hex

    def message(self) -> bytes:
        """The bytes signed: canonical JSON of everything but the signature."""
        body = self.as_dict()
        del body["signature"]
        return canonical_json(body).encode("utf-8")

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Anchor:
        return cls(
            number=int(str(data["number"])),
            seq=int(str(data["seq"])),
            hash=str(data["hash"]),
            at=str(data["at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )

    def describe(self) -> str:
        return f"anchor #{self.number} (seq {self.seq}, {self.at})"


def anchor_due(
    head: AuditRecord | None,
    last: Anchor | None,
    now: datetime,
    every_records: int,
    max_age: timedelta,
) -> bool:
    """Whether the head should be anchored now: ``every_records`` new records since the last
    anchor, or any new record once the last anchor is ``max_age`` old (or there is none)."""
    if head is None or (last is not None and head.seq <= last.seq):
        return False
    if last is None or head.seq - last.seq >= every_records:
        return True
    return now - datetime.fromisoformat(last.at.replace("Z", "+00:00")) >= max_age


@dataclass(frozen=True)
class AnchoredVerification:
    """What ``audit verify`` reports: the chain, each anchor, and what does not fit."""

    count: int
    anchors: int
    problems: list[str] = field(default_factory=list)
    broken_seq: int | None = None
    unanchored: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_anchored(
    records: Sequence[AuditRecord], anchors: Iterable[Anchor], check: Verifier
) -> AnchoredVerification:
    """Walk the chain, then hold it against every anchor (their signatures checked first).

    Each problem names the anchor it was found by: a signature that does not verify, an
    anchored record that is missing (the tail was cut), one with another hash (the chain was
    rewritten), a record edited or removed below an anchor.
    """
    ordered = sorted(set(anchors), key=lambda a: (a.seq, a.number))
    problems: list[str] = []
    valid: list[Anchor] = []
    for anchor in ordered:
        if check(anchor.key_id, anchor.message(), bytes.fromhex(anchor.signature)):
            valid.append(anchor)
        else:
            problems.append(f"{anchor.describe()}: signature does not verify (key {anchor.key_id})")
    chain = verify(records)
    by_seq = {r.seq: r for r in records}
    last_seq = records[-1].seq if records else 0
    for anchor in valid:
        record = by_seq.get(anchor.seq)
        if record is None:
            problems.append(
                f"records missing after the chain's end (seq {last_seq}): {anchor.describe()} "
                f"anchored record {anchor.seq} with hash {anchor.hash[:16]}…, which is gone"
            )
        elif record.hash != anchor.hash:
            problems.append(
                f"chain rewritten: record {anchor.seq} has hash {record.hash[:16]}… where "
                f"{anchor.describe()} signed {anchor.hash[:16]}…"
            )
    if not chain.ok and chain.broken_seq is not None:
        covering = [a for a in valid if a.seq >= chain.broken_seq]
        named = f"; anchored by {covering[0].describe()}" if covering else " (not yet anchored)"
        problems.insert(0, f"record {chain.broken_seq} edited or removed: {chain.problem}{named}")
    newest = max((a.seq for a in valid), default=0)
    return AnchoredVerification(
        count=chain.count,
        anchors=len(valid),
        problems=problems,
        broken_seq=chain.broken_seq,
        unanchored=max(0, last_seq - newest),
    )
