"""Repositories over SQLAlchemy Core: rows in, domain objects (``model.*``) out, and back on
flush."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, text, update

from samplehub.core.adapters.db import tables as t
from samplehub.core.domain import model
from samplehub.core.domain.anchors import Anchor
from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.errors import Conflict
from samplehub.core.domain.lifecycle import HoldReason, SampleState
from samplehub.core.domain.locations import Location
from samplehub.core.service.ports import Page, SampleFilter

AUDIT_LOCK_KEY = 5050_0001  # PostgreSQL advisory lock that serialises appends to the chain


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Repo:
    def __init__(self, conn: Connection, seen: list[Any]) -> None:
        self.conn = conn
        self.seen = seen

    def _track(self, item: Any) -> Any:
        if item is not None and all(item is not s for s in self.seen):
            self.seen.append(item)
        return item


class SqlCustomers(_Repo):
    def add(self, customer: model.Customer) -> None:
        contacts = [
            {"name": c.name, "phone": c.phone} | ({"email": c.email} if c.email else {})
            for c in customer.contacts
        ]
        self.conn.execute(
            insert(t.customers).values(
                id=customer.id, name=customer.name, credit_code=customer.credit_code,
                contacts=contacts,
            )
        )  # fmt: skip
        self._track(customer)

    @staticmethod
    def _load(row: Any) -> model.Customer:
        contacts = [model.Contact(c["name"], c["phone"], c.get("email")) for c in row.contacts]
        return model.Customer(row.id, row.name, row.credit_code, contacts)

    def get(self, customer_id: str) -> model.Customer | None:
        row = self.conn.execute(select(t.customers).where(t.customers.c.id == customer_id)).first()
        return self._track(self._load(row)) if row else None

    def by_credit_code(self, credit_code: str) -> model.Customer | None:
        query = select(t.customers).where(t.customers.c.credit_code == credit_code)
        row = self.conn.execute(query).first()
        return self._track(self._load(row)) if row else None

    def all(self) -> list[model.Customer]:
        rows = self.conn.execute(select(t.customers).order_by(t.customers.c.name))
        return [self._load(r) for r in rows]


class SqlUsers(_Repo):
    def add(self, user: model.User) -> None:
        self.conn.execute(
            insert(t.users).values(
                username=user.username, role=user.role.value, password_hash=user.password_hash,
                customer_id=user.customer_id, display_name=user.display_name, active=user.active,
            )
        )  # fmt: skip
        self._track(user)

    @staticmethod
    def _load(row: Any) -> model.User:
        role = model.Role(row.role)
        return model.User(
            row.username, role, row.password_hash, row.customer_id, row.display_name, row.active
        )

    def get(self, username: str) -> model.User | None:
        row = self.conn.execute(select(t.users).where(t.users.c.username == username)).first()
        return self._load(row) if row else None

    def all(self) -> list[model.User]:
        return [self._load(r) for r in self.conn.execute(select(t.users).order_by("username"))]

    def update(self, user: model.User) -> None:
        self.conn.execute(
            update(t.users)
            .where(t.users.c.username == user.username)
            .values(
                role=user.role.value,
                active=user.active,
                password_hash=user.password_hash,
                display_name=user.display_name,
            )
        )
        self._track(user)


class SqlOrders(_Repo):
    def add(self, order: model.Order) -> None:
        items = [
            {"instrument_type": i.instrument_type, "model": i.model,
             "serial_number": i.serial_number, "quantity": i.quantity}
            for i in order.items
        ]  # fmt: skip
        self.conn.execute(
            insert(t.orders).values(
                number=order.number, customer_id=order.customer_id, service=order.service.value,
                channel=order.channel.value, items=items, created_at=order.created_at,
            )
        )  # fmt: skip
        self._track(order)

    @staticmethod
    def _load(row: Any) -> model.Order:
        items = [model.OrderItem(**i) for i in row.items]
        created = _utc(row.created_at)
        assert created is not None
        return model.Order(
            row.number,
            row.customer_id,
            model.Service(row.service),
            model.Channel(row.channel),
            items,
            created,
        )

    def get(self, number: str) -> model.Order | None:
        row = self.conn.execute(select(t.orders).where(t.orders.c.number == number)).first()
        return self._track(self._load(row)) if row else None

    def page(self, customer_id: str | None, offset: int, limit: int) -> Page[model.Order]:
        query = select(t.orders)
        if customer_id is not None:
            query = query.where(t.orders.c.customer_id == customer_id)
        total = self.conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = self.conn.execute(
            query.order_by(t.orders.c.number.desc()).offset(offset).limit(limit)
        )
        return Page([self._load(r) for r in rows], total, offset, limit)


def _sample_row(sample: model.Sample) -> dict[str, Any]:
    return {
        "number": sample.number,
        "order_number": sample.order_number,
        "customer_id": sample.customer_id,
        "instrument": sample.instrument.to_dict(),
        "instrument_type": sample.instrument.instrument_type,
        "model": sample.instrument.model,
        "serial_number": sample.instrument.serial_number,
        "state": sample.state.value,
        "location": str(sample.location),
        "epc": sample.epc,
        "epc_uri": sample.epc_uri,
        "service_completed": sample.service_completed,
        "held_from": sample.held_from.value if sample.held_from else None,
        "hold_reason": sample.hold_reason.value if sample.hold_reason else None,
        "updated_at": sample.updated_at,
    }


class SqlSamples(_Repo):
    def __init__(self, conn: Connection, seen: list[Any]) -> None:
        super().__init__(conn, seen)
        self.loaded: dict[str, tuple[int, dict[str, Any]]] = {}  # number → (version, row)

    def add(self, sample: model.Sample) -> None:
        row = _sample_row(sample)
        self.conn.execute(insert(t.samples).values(version=1, **row))
        self.loaded[sample.number] = (1, row)
        self._track(sample)

    def _load(self, row: Any) -> model.Sample:
        instrument = model.Instrument.from_dict(row.instrument)
        sample = model.Sample(
            number=row.number,
            order_number=row.order_number,
            customer_id=row.customer_id,
            instrument=instrument,
            state=SampleState(row.state),
            location=Location.parse(row.location),
            epc=row.epc,
            epc_uri=row.epc_uri,
            service_completed=row.service_completed,
            held_from=SampleState(row.held_from) if row.held_from else None,
            hold_reason=HoldReason(row.hold_reason) if row.hold_reason else None,
            updated_at=_utc(row.updated_at),
        )
        return sample

    def get(self, number: str) -> model.Sample | None:
        row = self.conn.execute(select(t.samples).where(t.samples.c.number == number)).first()
        if row is None:
            return None
        if number in self.loaded:
            return next(s for s in self.seen if isinstance(s, model.Sample) and s.number == number)
        sample = self._load(row)
        self.loaded[number] = (row.version, _sample_row(sample))
        return self._track(sample)  # type: ignore[no-any-return]

    def search(self, query: SampleFilter) -> Page[model.Sample]:
        stmt = select(t.samples)
        c = t.samples.c
        if query.customer_id is not None:
            stmt = stmt.where(c.customer_id == query.customer_id)
        if query.order_number is not None:
            stmt = stmt.where(c.order_number == query.order_number)
        if query.state is not None:
            stmt = stmt.where(c.state == query.state.value)
        if query.text:
            like = f"%{query.text.lower()}%"
            stmt = stmt.where(
                or_(*(func.lower(col).like(like) for col in
                      (c.number, c.serial_number, c.model, c.instrument_type)))
            )  # fmt: skip
        total = self.conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        rows = self.conn.execute(
            stmt.order_by(c.number.desc()).offset(query.offset).limit(query.limit)
        )
        return Page([self._load(r) for r in rows], total, query.offset, query.limit)

    def for_order(self, order_number: str) -> list[model.Sample]:
        rows = self.conn.execute(
            select(t.samples.c.number)
            .where(t.samples.c.order_number == order_number)
            .order_by(t.samples.c.number)
        )
        found = [self.get(r.number) for r in rows]
        return [s for s in found if s is not None]

    def flush(self) -> None:
        """Write back every loaded sample that changed, refusing lost updates."""
        for item in self.seen:
            if not isinstance(item, model.Sample):
                continue
            version, before = self.loaded[item.number]
            row = _sample_row(item)
            if row == before:
                continue
            result = self.conn.execute(
                update(t.samples)
                .where(t.samples.c.number == item.number, t.samples.c.version == version)
                .values(version=version + 1, **row)
            )
            if result.rowcount != 1:
                raise Conflict(f"sample {item.number}")
            self.loaded[item.number] = (version + 1, row)


def _record(row: Any) -> AuditRecord:
    return AuditRecord(
        row.seq, row.at, row.actor, row.event_type, row.sample_number, row.order_number,
        row.payload, row.prev_hash, row.hash,
    )  # fmt: skip


class SqlAudit(_Repo):
    """Append-only by construction: this class has no update and no delete."""

    def last(self) -> AuditRecord | None:
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
        row = self.conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq.desc()).limit(1))
        first = row.first()
        return _record(first) if first else None

    def append(self, records: Sequence[AuditRecord]) -> None:
        if records:
            self.conn.execute(insert(t.audit_log), [r.body() | {"hash": r.hash} for r in records])

    def records(self, sample_number: str | None = None) -> list[AuditRecord]:
        query = select(t.audit_log).order_by(t.audit_log.c.seq)
        if sample_number is not None:
            query = query.where(t.audit_log.c.sample_number == sample_number)
        return [_record(r) for r in self.conn.execute(query)]

    def anchors(self) -> list[Anchor]:
        rows = self.conn.execute(select(t.audit_anchors).order_by(t.audit_anchors.c.number))
        return [Anchor.from_dict(dict(row._mapping)) for row in rows]

    def add_anchor(self, anchor: Anchor) -> None:
        self.conn.execute(insert(t.audit_anchors).values(**anchor.as_dict()))


class SqlSequences(_Repo):
    def next(self, name: str) -> int:
        bumped = self.conn.execute(
            update(t.counters).where(t.counters.c.name == name).values(value=t.counters.c.value + 1)
        )
        if bumped.rowcount == 0:
            self.conn.execute(insert(t.counters).values(name=name, value=1))
            return 1
        query = select(t.counters.c.value).where(t.counters.c.name == name)
        return int(self.conn.execute(query).scalar_one())
