"""Anchors over the custody chain: a cut tail, a rewritten chain, an edited record and a
forged anchor are each found and named by the anchor that shows them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from samplehub.core.domain.anchors import Anchor, anchor_due, verify_anchored
from samplehub.core.domain.audit import AuditRecord, chain, compute_hash
from samplehub.core.domain.events import UserCreated

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def records(n: int, actor: str = "admin") -> list[AuditRecord]:
    events = [UserCreated(actor, T0, f"user{i}", "lab", None) for i in range(n)]
    return chain(events, None)


def signed(number: int, head: AuditRecord) -> Anchor:
    """An anchor 'signed' by the test key: the signature is the message's hash."""
    anchor = Anchor(number, head.seq, head.hash, "2026-12-04T09:00:00.000000Z", "test", "")
    return replace(anchor, signature=compute_hash({"m": anchor.message().decode()}))


def check(kid: str, message: bytes, signature: bytes) -> bool:
    return kid == "test" and signature.hex() == compute_hash({"m": message.decode()})


def test_intact_chain_with_anchors() -> None:
    chain_ = records(10)
    result = verify_anchored(chain_, [signed(1, chain_[4]), signed(2, chain_[9])], check)
    assert result.ok
    assert (result.count, result.anchors, result.unanchored) == (10, 2, 0)


def test_cut_tail_names_the_anchor() -> None:
    chain_ = records(10)
    result = verify_anchored(chain_[:7], [signed(1, chain_[9])], check)
    assert not result.ok
    assert "records missing" in result.problems[0]
    assert "anchor #1" in result.problems[0]


def test_rewritten_chain_names_the_anchor() -> None:
    chain_ = records(10)
    rewritten = records(10, actor="mallory")  # fresh hashes, consistent among themselves
    result = verify_anchored(rewritten, [signed(1, chain_[9])], check)
    assert not result.ok
    assert result.problems == [
        f"chain rewritten: record 10 has hash {rewritten[9].hash[:16]}… where anchor #1 "
        f"(seq 10, 2026-12-04T09:00:00.000000Z) signed {chain_[9].hash[:16]}…"
    ]


def test_edited_record_names_the_anchor_covering_it() -> None:
    chain_ = records(10)
    edited = [*chain_[:3], replace(chain_[3], actor="mallory"), *chain_[4:]]
    result = verify_anchored(edited, [signed(1, chain_[5]), signed(2, chain_[9])], check)
    assert result.broken_seq == 4
    assert "record 4 edited or removed" in result.problems[0]
    assert "anchor #1" in result.problems[0]


def test_forged_anchor_is_refused() -> None:
    chain_ = records(3)
    forged = replace(signed(1, chain_[2]), seq=2, hash=chain_[1].hash)
    result = verify_anchored(chain_, [forged], check)
    assert not result.ok
    assert "signature does not verify" in result.problems[0]


def test_anchor_due_every_n_records_or_after_max_age() -> None:
    chain_ = records(10)
    last = signed(1, chain_[4])  # at 09:00
    hour = timedelta(hours=1)
    assert anchor_due(chain_[9], None, T0, 100, hour)
    assert not anchor_due(chain_[4], last, T0 + 2 * hour, 100, hour)  # nothing new
    assert not anchor_due(chain_[9], last, T0 + timedelta(minutes=59), 100, hour)
    assert anchor_due(chain_[9], last, T0 + hour, 100, hour)
    assert anchor_due(chain_[9], last, T0, 5, hour)
    assert not anchor_due(None, None, T0, 1, hour)
