"""Reconciliation of shelf reads with the records: nothing alarms on one cycle, steady reads
elsewhere are misplacements, cycles without a read are missing, unexpected tags are unknown."""

from __future__ import annotations

import pytest

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.rfid import TagRead
from samplehub.storage.domain.inventory import (
    CycleOutcome,
    Expected,
    FindingKind,
    InventoryPolicy,
    Spot,
    TagTrack,
    locate,
    reconcile,
)

POLICY = InventoryPolicy(rounds=3, margin_db=4.0, steady_cycles=2, missing_cycles=3)
EPC = "e2000000000000000000000a"
HERE, NEXT, FAR = Spot("RD-A01", 101), Spot("RD-A01", 102), Spot("RD-A01", 301)
RECORD = Expected(EPC, "S1", "A-01-1-01", HERE)


def _read(spot: Spot, rssi: int | None, epc: str = EPC) -> TagRead:
    return TagRead(epc, spot.reader, spot.antenna, rssi, 1, 1)


def _cycle(
    reads: list[TagRead],
    tracks: dict[str, TagTrack] | None = None,
    records: list[Expected] | None = None,
    answered: set[str] | None = None,
) -> CycleOutcome:
    return reconcile(
        records if records is not None else [RECORD], locate(reads), tracks or {}, POLICY, answered
    )


def _run(cycles: list[list[TagRead]]) -> list[CycleOutcome]:
    tracks: dict[str, TagTrack] = {}
    outcomes = []
    for reads in cycles:
        outcome = _cycle(reads, tracks)
        tracks = outcome.tracks
        outcomes.append(outcome)
    return outcomes


def test_the_best_rssi_over_the_window_places_the_tag() -> None:
    sightings = locate([_read(NEXT, -66), _read(HERE, -47), _read(HERE, -52), _read(NEXT, -61)])
    assert sightings[EPC].spot == HERE
    assert sightings[EPC].rssi == -47
    assert sightings[EPC].by_spot == {HERE: -47, NEXT: -61}


def test_reads_without_antenna_or_on_unmapped_antennas_place_nothing() -> None:
    reads = [TagRead(EPC.upper(), "RD-A01"), _read(Spot("RD-A01", 999), -40)]
    assert locate(reads, {HERE}) == {}
    assert EPC in locate([_read(HERE, None)], {HERE})


def test_a_tag_read_where_recorded_is_confirmed() -> None:
    outcome = _cycle([_read(HERE, -50), _read(NEXT, -65)])
    assert (outcome.expected, outcome.confirmed, outcome.findings) == (1, 1, [])
    assert outcome.accuracy == 1.0
    assert outcome.tracks == {}


def test_a_cross_read_within_the_margin_of_the_record_still_confirms() -> None:
    outcome = _cycle([_read(HERE, -55), _read(NEXT, -52)])
    assert outcome.confirmed == 1


def test_one_cycle_elsewhere_finds_nothing_two_find_a_misplacement() -> None:
    first, second, third = _run([[_read(FAR, -48)], [_read(FAR, -49)], [_read(FAR, -47)]])
    assert first.findings == []
    assert first.confirmed == 0
    [finding] = second.findings
    assert finding.kind is FindingKind.MISPLACED
    assert (finding.sample, finding.recorded_slot, finding.seen) == ("S1", "A-01-1-01", FAR)
    assert third.findings == []  # raised once, open until the tag is confirmed


def test_a_single_missed_read_or_cross_read_never_alarms() -> None:
    outcomes = _run([[], [_read(NEXT, -66)], [_read(HERE, -50)], [], [_read(HERE, -50)]])
    assert [o.findings for o in outcomes] == [[], [], [], [], []]
    assert [o.confirmed for o in outcomes] == [0, 0, 1, 0, 1]


def test_elsewhere_at_two_different_places_is_not_steady() -> None:
    outcomes = _run([[_read(FAR, -48)], [_read(NEXT, -48)]])
    assert outcomes[1].findings == []


def test_not_read_for_n_cycles_is_missing_and_confirmation_resolves_it() -> None:
    outcomes = _run([[], [], [], [], [_read(HERE, -50)]])
    assert [len(o.findings) for o in outcomes] == [0, 0, 1, 0, 0]
    assert outcomes[2].findings[0].kind is FindingKind.MISSING
    assert outcomes[2].findings[0].seen is None
    assert outcomes[4].resolved == [(EPC, FindingKind.MISSING)]


def test_a_misplaced_tag_that_then_vanishes_becomes_missing() -> None:
    outcomes = _run([[_read(FAR, -48)], [_read(FAR, -48)], [], [], []])
    assert outcomes[1].findings[0].kind is FindingKind.MISPLACED
    assert outcomes[4].findings[0].kind is FindingKind.MISSING
    assert outcomes[4].resolved == [(EPC, FindingKind.MISPLACED)]


def test_an_unexpected_tag_seen_steadily_is_unknown_and_resolved_when_gone() -> None:
    stranger = "e2000000000000000000ffff"
    reads = [_read(HERE, -50), _read(NEXT, -49, stranger)]
    first = _cycle(reads)
    second = _cycle(reads, first.tracks)
    assert first.findings == []
    [finding] = second.findings
    assert (finding.kind, finding.epc, finding.sample, finding.seen) == (
        FindingKind.UNKNOWN, stranger, None, NEXT,
    )  # fmt: skip
    gone = _cycle([_read(HERE, -50)], second.tracks)
    assert gone.resolved == [(stranger, FindingKind.UNKNOWN)]
    assert stranger not in gone.tracks


def test_a_reader_that_did_not_answer_neither_confirms_nor_misses() -> None:
    tracks = _run([[], []])[-1].tracks
    outcome = _cycle([], tracks, answered={"RD-B01"})
    assert (outcome.expected, outcome.not_read, outcome.findings) == (0, 1, [])
    assert outcome.tracks[EPC].missed_cycles == 2
    assert outcome.accuracy is None


def test_a_record_that_changed_drops_its_track_and_its_finding() -> None:
    outcomes = _run([[], [], []])
    gone = _cycle([], outcomes[-1].tracks, records=[])
    assert gone.resolved == [(EPC, FindingKind.MISSING)]
    assert gone.tracks == {}


@pytest.mark.parametrize(
    ("field", "value"), [("rounds", 0), ("steady_cycles", 1), ("missing_cycles", 51)]
)
def test_a_policy_out_of_range_names_the_field(field: str, value: int) -> None:
    with pytest.raises(InvalidValue, match=f"inventory.{field}"):
        InventoryPolicy(**{field: value})


def test_a_misplaced_tag_moved_to_a_third_place_is_found_again_there() -> None:
    outcomes = _run([[_read(FAR, -48)], [_read(FAR, -48)], [_read(NEXT, -48)], [_read(NEXT, -48)]])
    assert outcomes[2].resolved == [(EPC, FindingKind.MISPLACED)]
    assert outcomes[2].findings == []
    [again] = outcomes[3].findings
    assert (again.kind, again.seen) == (FindingKind.MISPLACED, NEXT)
