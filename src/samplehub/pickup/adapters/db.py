"""Pickup stores on SQLite and PostgreSQL: bookings, kiosk guards and the code attempt log.

They work on the unit of work's connection, so everything one command writes commits together.
A booking written (added or saved) joins the unit of work's ``seen``, whose commit chains its
events; a save updates ``WHERE version = :loaded``, so of two kiosks spending one code at the
same moment exactly one wins, the other gets ``Conflict`` (and the bus replays its command).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from samplehub.core.domain.errors import Conflict
from samplehub.core.domain.locations import Location
from samplehub.core.service.unit_of_work import HasEvents, tracked
from samplehub.pickup.adapters import tables as pt
from samplehub.pickup.domain.booking import Booking, BookingStatus
from samplehub.pickup.domain.capacity import CompartmentSize, PickupWindow
from samplehub.pickup.domain.codes import KioskGuard, PickupCode
from samplehub.pickup.service.ports import CodeAttempt

B = pt.pickup_bookings


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _must(value: datetime | None) -> datetime:
    found = _utc(value)
    assert found is not None
    return found


def _row(booking: Booking) -> dict[str, Any]:
    code = booking.code
    return {
        "order_number": booking.order_number,
        "customer_id": booking.customer_id,
        "status": booking.status.value,
        "window_start": booking.window.start.astimezone(UTC),
        "window_end": booking.window.end.astimezone(UTC),
        "sizes": {s: size.name for s, size in sorted(booking.sizes.items())},
        "placements": {s: str(loc) for s, loc in sorted(booking.placements.items())},
        "collected": list(booking.collected),
        "left_behind": list(booking.left_behind),
        "code_digest": code.digest if code else None,
        # in UTC: SQLite keeps a time's wall clock and drops its offset
        "code_issued_at": _utc(code.issued_at) if code else None,
        "code_valid_from": _utc(code.valid_from) if code else None,
        "code_valid_until": _utc(code.valid_until) if code else None,
        "code_used_at": _utc(code.used_at) if code else None,
        "code_revoked_at": _utc(code.revoked_at) if code else None,
        "code_revoke_reason": code.revoke_reason if code else None,
        "code_wrong_tries": code.wrong_tries if code else 0,
        "booked_at": _utc(booking.booked_at),
        "staged_at": _utc(booking.staged_at),
    }


def _booking(row: Any) -> Booking:
    code = None
    if row.code_digest is not None:
        code = PickupCode(
            row.code_digest,
            _must(row.code_issued_at),
            _must(row.code_valid_from),
            _must(row.code_valid_until),
            _utc(row.code_used_at),
            _utc(row.code_revoked_at),
            row.code_revoke_reason,
            row.code_wrong_tries,
        )
    return Booking(
        id=row.id,
        order_number=row.order_number,
        customer_id=row.customer_id,
        sizes={s: CompartmentSize[size] for s, size in row.sizes.items()},
        window=PickupWindow(_must(row.window_start), _must(row.window_end)),
        status=BookingStatus(row.status),
        code=code,
        placements={s: Location.parse(loc) for s, loc in row.placements.items()},
        collected=list(row.collected),
        left_behind=list(row.left_behind),
        booked_at=_utc(row.booked_at),
        staged_at=_utc(row.staged_at),
        version=row.version,
    )


class SqlBookings:
    """Implements ``BookingRepository``."""

    def __init__(self, conn: Connection, seen: list[HasEvents]) -> None:
        self.conn = conn
        self.seen = seen

    def add(self, booking: Booking) -> None:
        self.conn.execute(insert(B).values(id=booking.id, version=booking.version, **_row(booking)))
        tracked(self.seen, booking)

    def get(self, booking_id: str) -> Booking | None:
        row = self.conn.execute(select(B).where(B.c.id == booking_id)).first()
        return _booking(row) if row else None

    def by_code_digest(self, digest: str) -> Booking | None:
        query = (
            select(B).where(B.c.code_digest == digest).order_by(B.c.code_issued_at.desc()).limit(1)
        )
        row = self.conn.execute(query).first()
        return _booking(row) if row else None

    def live(self) -> list[Booking]:
        statuses = [BookingStatus.BOOKED.value, BookingStatus.STAGED.value]
        query = select(B).where(B.c.status.in_(statuses)).order_by(B.c.window_start, B.c.id)
        return [_booking(r) for r in self.conn.execute(query)]

    def staged_between(self, start: datetime, end: datetime) -> list[Booking]:
        query = (
            select(B)
            .where(B.c.staged_at >= _utc(start), B.c.staged_at < _utc(end))
            .order_by(B.c.staged_at, B.c.id)
        )
        return [_booking(r) for r in self.conn.execute(query)]

    def save(self, booking: Booking) -> None:
        done = self.conn.execute(
            update(B)
            .where(B.c.id == booking.id, B.c.version == booking.version)
            .values(version=booking.version + 1, **_row(booking))
        )
        if done.rowcount != 1:
            raise Conflict(f"booking {booking.id}")
        booking.version += 1
        tracked(self.seen, booking)


G = pt.pickup_kiosk_guards


class SqlKioskGuards:
    """Implements ``KioskGuards``: one row per kiosk, written whole."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, kiosk_id: str) -> KioskGuard:
        row = self.conn.execute(select(G).where(G.c.kiosk_id == kiosk_id)).first()
        if row is None:
            return KioskGuard(kiosk_id)
        wrong = [datetime.fromisoformat(t) for t in row.wrong_at]
        return KioskGuard(kiosk_id, wrong, _utc(row.locked_until))

    def save(self, guard: KioskGuard) -> None:
        values = {
            "wrong_at": [t.astimezone(UTC).isoformat() for t in guard.wrong_at],
            "locked_until": _utc(guard.locked_until),
        }
        conn = self.conn
        done = conn.execute(update(G).where(G.c.kiosk_id == guard.kiosk_id).values(**values))
        if done.rowcount == 0:
            try:
                with conn.begin_nested():  # inside the transaction: the UPDATE has begun it
                    conn.execute(insert(G).values(kiosk_id=guard.kiosk_id, **values))
            except IntegrityError:  # the same kiosk saved at the same moment
                conn.execute(update(G).where(G.c.kiosk_id == guard.kiosk_id).values(**values))


A = pt.pickup_code_attempts


class SqlCodeAttempts:
    """Implements ``CodeAttempts``: append-only, newest first when read."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record(self, attempt: CodeAttempt) -> None:
        self.conn.execute(
            insert(A).values(
                at=_utc(attempt.at),
                kiosk_id=attempt.kiosk_id,
                verdict=attempt.verdict,
                reason=attempt.reason[:80],
                booking_id=attempt.booking_id,
            )
        )

    def recent(self, limit: int = 50) -> list[CodeAttempt]:
        query = select(A).order_by(A.c.id.desc()).limit(limit)
        return [
            CodeAttempt(_must(r.at), r.kiosk_id, r.verdict, r.reason, r.booking_id)
            for r in self.conn.execute(query)
        ]


W = pt.pickup_wrong_counts


class SqlWrongCounts:
    """Implements ``WrongCounts``: a row per bucket, counted by ``UPDATE … SET n = n + 1``
    (the row lock orders concurrent bumps; none is lost, none reads a stale count)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def bump(self, bucket: str, window_end: datetime) -> int:
        conn = self.conn
        new_row = {"bucket": bucket, "n": 0, "window_end": _utc(window_end)}
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        conn.execute(dialect.insert(W).values(**new_row).on_conflict_do_nothing())
        done = conn.execute(
            update(W).where(W.c.bucket == bucket).values(n=W.c.n + 1).returning(W.c.n)
        )
        return int(done.scalar_one())

    def value(self, bucket: str) -> int:
        found = self.conn.execute(select(W.c.n).where(W.c.bucket == bucket)).scalar()
        return int(found or 0)

    def reset(self, bucket: str) -> None:
        self.conn.execute(update(W).where(W.c.bucket == bucket).values(n=0))
