"""Shelf inventory: where each tag is, from a cycle count's reads, against the records.

A cycle count reads every shelf antenna for a few inventory rounds (the window). Each tag is
placed at the antenna that read it with the best peak RSSI over the window; a tag read at its
recorded antenna within ``margin_db`` of its best read counts as there (a neighbour's
cross-read is weaker, but not always by much). Across cycles each record keeps a ``TagTrack``:

* seen where recorded: **confirmed**, and its track starts again;
* seen elsewhere at the same place in ``steady_cycles`` cycles in a row: **misplaced**;
* not seen in ``missing_cycles`` cycles in a row: **missing**;
* a tag no record expects, seen in ``steady_cycles`` cycles in a row: **unknown tag**.

Nothing is found on one cycle, so one missed read or one cross-read never alarms; a finding is
raised once and stays open until its tag is confirmed (or its record changes).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace
from datetime import datetime

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.rfid import TagRead

NO_RSSI = -128  # dBm: a read without peak RSSI ranks below every real one


@dataclass(frozen=True, order=True)
class Spot:
    """What one antenna of one reader covers (one slot, or every slot of a shelf)."""

    reader: str
    antenna: int

    def __str__(self) -> str:
        return f"{self.reader}#{self.antenna}"


@dataclass(frozen=True)
class InventoryPolicy:
    rounds: int = 3
    """Inventory rounds per cycle: a tag is missed by a cycle only when missed by every round."""
    margin_db: float = 4.0
    steady_cycles: int = 2
    missing_cycles: int = 3

    def __post_init__(self) -> None:
        for name, low in (("rounds", 1), ("steady_cycles", 2), ("missing_cycles", 2)):
            value = getattr(self, name)
            if not isinstance(value, int) or not low <= value <= 50:
                raise InvalidValue(f"inventory.{name}", value, f"a whole number {low} to 50")
        if not 0 <= self.margin_db <= 30:
            raise InvalidValue("inventory.margin_db", self.margin_db, "0 to 30 dB")


@dataclass(frozen=True)
class Expected:
    """A record: this sample's tag is in this slot, which this antenna covers."""

    epc: str  # lower-case hex
    sample: str
    slot: str
    spot: Spot


@dataclass(frozen=True)
class Sighting:
    """Where a tag was placed by one cycle: its best antenna and every antenna's best RSSI."""

    spot: Spot
    rssi: int
    by_spot: Mapping[Spot, int]


class FindingKind(enum.StrEnum):
    MISPLACED = "misplaced"
    MISSING = "missing"
    UNKNOWN = "unknown_tag"


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    epc: str
    sample: str | None  # None: no record names the tag
    recorded_slot: str | None
    seen: Spot | None
    rssi: int | None = None


@dataclass(frozen=True)
class TagTrack:
    """One tag's run of cycles (kept between cycles)."""

    epc: str
    seen_at: Spot | None = None  # where it was seen instead of its record (or at all: unknown)
    seen_cycles: int = 0
    missed_cycles: int = 0
    flagged: FindingKind | None = None  # the finding open on it

    def seen_elsewhere(self, spot: Spot) -> TagTrack:
        same = self.seen_at == spot
        return replace(self, seen_at=spot, seen_cycles=self.seen_cycles + 1 if same else 1,
                       missed_cycles=0)  # fmt: skip

    def missed(self) -> TagTrack:
        return replace(self, seen_at=None, seen_cycles=0, missed_cycles=self.missed_cycles + 1)


@dataclass(frozen=True)
class CycleOutcome:
    expected: int  # records the answering readers cover
    confirmed: int
    findings: list[Finding]
    resolved: list[tuple[str, FindingKind]]  # (epc, kind) of findings that no longer hold
    tracks: dict[str, TagTrack]  # the tracks to keep for the next cycle
    not_read: int = 0  # records under readers that did not answer (neither confirmed nor missed)

    @property
    def accuracy(self) -> float | None:
        """Share of the records the cycle confirmed (None when it covered none)."""
        return self.confirmed / self.expected if self.expected else None


def locate(reads: Iterable[TagRead], spots: set[Spot] | None = None) -> dict[str, Sighting]:
    """Each tag's best antenna over the window's reads (reads on antennas outside ``spots``,
    when given, are ignored: an antenna no slot is mapped to places nothing)."""
    best: dict[str, dict[Spot, int]] = {}
    for read in reads:
        if read.antenna is None:
            continue
        spot = Spot(read.reader, read.antenna)
        if spots is not None and spot not in spots:
            continue
        rssi = NO_RSSI if read.peak_rssi is None else read.peak_rssi
        by_spot = best.setdefault(read.epc.lower(), {})
        by_spot[spot] = max(rssi, by_spot.get(spot, NO_RSSI))
    sightings: dict[str, Sighting] = {}
    for epc, by_spot in best.items():
        spot = max(by_spot, key=lambda s: (by_spot[s], s))
        sightings[epc] = Sighting(spot, by_spot[spot], dict(by_spot))
    return sightings


def reconcile(
    expected: Iterable[Expected],
    sightings: Mapping[str, Sighting],
    tracks: Mapping[str, TagTrack],
    policy: InventoryPolicy,
    answered: Set[str] | None = None,
) -> CycleOutcome:
    """Compare one cycle's sightings with the records; ``answered`` are the readers that
    answered (None: all). A record under a reader that did not answer keeps its track as it was."""
    kept: dict[str, TagTrack] = {}
    findings: list[Finding] = []
    resolved: list[tuple[str, FindingKind]] = []
    records = {e.epc: e for e in expected}
    counted = confirmed = not_read = 0
    for epc, record in records.items():
        track = tracks.get(epc) or TagTrack(epc)
        if answered is not None and record.spot.reader not in answered:
            not_read += 1
            kept[epc] = track
            continue
        counted += 1
        seen = sightings.get(epc)
        if seen is not None and _there(seen, record.spot, policy):
            confirmed += 1
            if track.flagged is not None:
                resolved.append((epc, track.flagged))
            continue  # a confirmed tag needs no track
        moved = seen is not None and track.seen_at not in (None, seen.spot)
        if moved and track.flagged is FindingKind.MISPLACED:  # that finding is over: a new place
            resolved.append((epc, FindingKind.MISPLACED))
            track = replace(track, flagged=None)
        track = track.missed() if seen is None else track.seen_elsewhere(seen.spot)
        kind = _finding(track, policy)
        if kind is not None and track.flagged is not kind:
            if track.flagged is not None:
                resolved.append((epc, track.flagged))
            where = None if seen is None else seen.spot
            rssi = None if seen is None else seen.rssi
            findings.append(Finding(kind, epc, record.sample, record.slot, where, rssi))
            track = replace(track, flagged=kind)
        kept[epc] = track
    for epc, seen in sightings.items():
        if epc in records:
            continue
        track = tracks.get(epc) or TagTrack(epc)
        track = track.seen_elsewhere(seen.spot)
        if track.seen_cycles >= policy.steady_cycles and track.flagged is None:
            findings.append(Finding(FindingKind.UNKNOWN, epc, None, None, seen.spot, seen.rssi))
            track = replace(track, flagged=FindingKind.UNKNOWN)
        kept[epc] = track
    for epc, track in tracks.items():  # neither expected nor seen: whatever was open is over
        if epc not in kept and track.flagged is not None and epc not in records:
            resolved.append((epc, track.flagged))
    return CycleOutcome(counted, confirmed, findings, resolved, kept, not_read)


def _there(seen: Sighting, recorded: Spot, policy: InventoryPolicy) -> bool:
    if seen.spot == recorded:
        return True
    at_record = seen.by_spot.get(recorded)
    return at_record is not None and at_record >= seen.rssi - policy.margin_db


def _finding(track: TagTrack, policy: InventoryPolicy) -> FindingKind | None:
    if track.missed_cycles >= policy.missing_cycles:
        return FindingKind.MISSING
    if track.seen_at is not None and track.seen_cycles >= policy.steady_cycles:
        return FindingKind.MISPLACED
    return None


@dataclass(frozen=True)
class CycleRecord:
    """One cycle count as stored: what it covered and confirmed, for accuracy and the trend."""

    at: datetime
    actor: str  # who asked (``system`` for the schedule)
    expected: int
    confirmed: int
    not_read: int
    findings: int
    unavailable: tuple[str, ...] = ()  # readers that did not answer
    id: int | None = None

    @property
    def accuracy(self) -> float | None:
        return self.confirmed / self.expected if self.expected else None


class FindingState(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class FindingRecord:
    """A finding as stored, with what was done about it (task, hold) and whether it holds."""

    at: datetime
    cycle: int
    kind: FindingKind
    epc: str
    sample: str | None
    recorded_slot: str | None
    seen: str | None  # the antenna (``reader#antenna``) and the slots it covers
    rssi: int | None
    action: str  # what was done: the relocation task, the hold, or a task for staff
    task_id: str | None = None
    state: FindingState = FindingState.OPEN
    resolved_at: datetime | None = None
    id: int | None = None
