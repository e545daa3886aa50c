"""Shelf inventory on SQLite and PostgreSQL, on the unit of work's connection."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from samplehub.storage.adapters import tables as st
from samplehub.storage.adapters.db import _utc
from samplehub.storage.domain.inventory import (
    CycleRecord,
    FindingKind,
    FindingRecord,
    FindingState,
    Spot,
    TagTrack,
)

T, C, F = st.inventory_tracks, st.inventory_cycles, st.inventory_findings


def _at(value: datetime | None) -> datetime:
    utc = _utc(value)
    assert utc is not None
    return utc


class SqlInventory:
    """Implements ``InventoryRepository``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def tracks(self) -> dict[str, TagTrack]:
        tracks = {}
        for r in self.conn.execute(select(T)):
            spot = Spot(r.seen_reader, r.seen_antenna) if r.seen_reader is not None else None
            flagged = FindingKind(r.flagged) if r.flagged else None
            tracks[r.epc] = TagTrack(r.epc, spot, r.seen_cycles, r.missed_cycles, flagged)
        return tracks

    def replace_tracks(self, tracks: dict[str, TagTrack]) -> None:
        self.conn.execute(delete(T))
        rows = [
            {"epc": t.epc, "seen_reader": t.seen_at.reader if t.seen_at else None,
             "seen_antenna": t.seen_at.antenna if t.seen_at else None,
             "seen_cycles": t.seen_cycles, "missed_cycles": t.missed_cycles,
             "flagged": t.flagged.value if t.flagged else None}
            for t in tracks.values()
        ]  # fmt: skip
        if rows:
            self.conn.execute(insert(T), rows)

    def add_cycle(self, cycle: CycleRecord) -> int:
        values = asdict(cycle)
        values.pop("id")
        values["at"] = _at(cycle.at)
        values["unavailable"] = ",".join(cycle.unavailable)
        key = self.conn.execute(insert(C).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def cycles(self, limit: int = 30) -> list[CycleRecord]:
        rows = self.conn.execute(select(C).order_by(C.c.id.desc()).limit(limit))
        return [
            CycleRecord(_at(r.at), r.actor, r.expected, r.confirmed, r.not_read, r.findings,
                        tuple(x for x in r.unavailable.split(",") if x), r.id)
            for r in rows
        ]  # fmt: skip

    def add_finding(self, finding: FindingRecord) -> int:
        values: dict[str, Any] = asdict(finding)
        values.pop("id")
        values.update(at=_at(finding.at), kind=finding.kind.value, state=finding.state.value,
                      resolved_at=_utc(finding.resolved_at))  # fmt: skip
        key = self.conn.execute(insert(F).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def findings(self, state: FindingState | None = None, limit: int = 50) -> list[FindingRecord]:
        query = select(F).order_by(F.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(F.c.state == state.value)
        return [
            FindingRecord(_at(r.at), r.cycle, FindingKind(r.kind), r.epc, r.sample,
                          r.recorded_slot, r.seen, r.rssi, r.action, r.task_id,
                          FindingState(r.state), _utc(r.resolved_at), r.id)
            for r in self.conn.execute(query)
        ]  # fmt: skip

    def resolve(self, epc: str, kind: FindingKind, at: datetime) -> int:
        done = self.conn.execute(
            update(F)
            .where(F.c.epc == epc, F.c.kind == kind.value, F.c.state == FindingState.OPEN.value)
            .values(state=FindingState.RESOLVED.value, resolved_at=_at(at))
        )
        return int(done.rowcount)
