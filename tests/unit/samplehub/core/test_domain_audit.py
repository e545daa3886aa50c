from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from samplehub.core.domain import audit
from samplehub.core.domain.events import CustomerRegistered, UserCreated
from samplehub.core.domain.timeline import sample_timeline

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def events(n: int) -> list[UserCreated]:
    return [
        UserCreated(f"admin{i}", AT + timedelta(seconds=i), f"u{i}", "lab", None) for i in range(n)
    ]


def test_chain_links_each_record_to_the_previous() -> None:
    records = audit.chain(events(3), None)
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[0].prev_hash == audit.GENESIS_HASH
    assert records[1].prev_hash == records[0].hash
    assert all(len(r.hash) == 64 for r in records)


def test_appending_continues_an_existing_chain() -> None:
    first = audit.chain(events(2), None)
    more = audit.chain(events(1), first[-1])
    assert more[0].seq == 3
    assert more[0].prev_hash == first[-1].hash
    assert audit.verify(first + more).ok


def test_canonical_json_is_stable_and_keeps_chinese() -> None:
    assert audit.canonical_json({"b": 1, "a": "压力表"}) == '{"a":"压力表","b":1}'


def test_time_is_spelled_in_utc_with_z() -> None:
    shanghai = timezone(timedelta(hours=8))
    assert audit.format_time(datetime(2026, 11, 2, 17, 0, tzinfo=shanghai)) == (
        "2026-11-02T09:00:00.000000Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        audit.format_time(datetime(2026, 11, 2, 9, 0))


def test_verify_names_the_first_broken_record() -> None:
    records = audit.chain(events(5), None)
    records[2] = replace(records[2], actor="mallory")
    result = audit.verify(records)
    assert result == audit.Verification(False, 2, 3, "hash does not match the record")


def test_verify_detects_a_removed_record() -> None:
    records = audit.chain(events(4), None)
    del records[1]
    result = audit.verify(records)
    assert (result.ok, result.broken_seq) == (False, 3)


def test_payload_excludes_actor_and_time() -> None:
    event = CustomerRegistered("admin", AT, "c1", "恒达", "91350100M000100Y43")
    assert event.payload() == {
        "customer_id": "c1",
        "name": "恒达",
        "credit_code": "91350100M000100Y43",
    }
    assert event.sample_number is None


def test_timeline_skips_events_of_other_kinds() -> None:
    assert sample_timeline(audit.chain(events(2), None)) == []
