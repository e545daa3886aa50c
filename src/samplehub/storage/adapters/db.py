"""The slot store on SQLite and PostgreSQL, on the unit of work's connection."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, insert, or_, select, update

from samplehub.storage.adapters import tables as st
from samplehub.storage.domain.events import CapacityLevelReached
from samplehub.storage.domain.site import SiteNode, SlotRecord

S = st.storage_slots


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _slot(row: Any) -> SlotRecord:
    return SlotRecord(
        row.address, row.area, row.rack, row.shelf, row.size_class, row.access_node,
        row.rfid_tag, bool(row.blocked), row.occupant, row.reserved_for, _utc(row.reserved_at),
        row.reader, row.antenna,
    )  # fmt: skip


def _row(slot: SlotRecord) -> dict[str, Any]:
    return {
        "area": slot.area, "rack": slot.rack, "shelf": slot.shelf, "size_class": slot.size_class,
        "access_node": slot.access_node, "rfid_tag": slot.rfid_tag, "blocked": slot.blocked,
        "occupant": slot.occupant, "reserved_for": slot.reserved_for,
        "reserved_at": _utc(slot.reserved_at), "reader": slot.reader, "antenna": slot.antenna,
    }  # fmt: skip


class SqlSlots:
    """Implements ``SlotRepository``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def exists(self) -> bool:
        return bool(self.conn.execute(select(exists().select_from(S))).scalar())

    def all(self) -> list[SlotRecord]:
        return [_slot(r) for r in self.conn.execute(select(S).order_by(S.c.address))]

    def get(self, address: str) -> SlotRecord | None:
        # A write that changes nothing locks the row on PostgreSQL and takes SQLite's write
        # lock (waiting for another writer): the read after it sees the latest commit, and
        # no other transaction can take the slot until this one ends.
        where = S.c.address == address
        self.conn.execute(update(S).where(where).values(address=S.c.address))
        row = self.conn.execute(select(S).where(where)).first()
        return _slot(row) if row else None

    def find(self, address: str) -> SlotRecord | None:
        row = self.conn.execute(select(S).where(S.c.address == address)).first()
        return _slot(row) if row else None

    def holding(self, sample_number: str) -> list[SlotRecord]:
        query = select(S).where(
            or_(S.c.occupant == sample_number, S.c.reserved_for == sample_number)
        )
        return [_slot(r) for r in self.conn.execute(query.order_by(S.c.address).with_for_update())]

    def save(self, slot: SlotRecord) -> None:
        done = self.conn.execute(update(S).where(S.c.address == slot.address).values(**_row(slot)))
        if done.rowcount == 0:
            self.conn.execute(insert(S).values(address=slot.address, **_row(slot)))

    def remove(self, address: str) -> None:
        self.conn.execute(delete(S).where(S.c.address == address))

    def areas(self) -> dict[str, str]:
        areas = st.storage_areas
        return {r.id: r.name for r in self.conn.execute(select(areas).order_by(areas.c.id))}

    def nodes(self) -> dict[str, SiteNode]:
        return {r.id: SiteNode(r.id, r.x, r.y) for r in self.conn.execute(select(st.storage_nodes))}

    def places(self) -> dict[str, str]:
        return {r.location: r.node for r in self.conn.execute(select(st.storage_places))}

    def alert(self, reached: CapacityLevelReached) -> None:
        self.conn.execute(
            insert(st.storage_alerts).values(at=_utc(reached.at), **reached.payload())
        )

    def alerts(self, limit: int = 20) -> list[CapacityLevelReached]:
        table = st.storage_alerts
        rows = self.conn.execute(select(table).order_by(table.c.id.desc()).limit(limit))
        return [
            CapacityLevelReached("storage", _utc(r.at) or r.at, r.area, r.size_class, r.level,
                                 r.used, r.capacity)
            for r in rows
        ]  # fmt: skip

    def replace_site(
        self, areas: dict[str, str], nodes: dict[str, SiteNode], places: dict[str, str]
    ) -> None:
        conn = self.conn
        for table in (st.storage_areas, st.storage_nodes, st.storage_places):
            conn.execute(delete(table))
        if areas:
            conn.execute(insert(st.storage_areas), [{"id": k, "name": v} for k, v in areas.items()])
        if nodes:
            rows = [{"id": n.id, "x": n.x, "y": n.y} for n in nodes.values()]
            conn.execute(insert(st.storage_nodes), rows)
        if places:
            rows = [{"location": k, "node": v} for k, v in places.items()]
            conn.execute(insert(st.storage_places), rows)
