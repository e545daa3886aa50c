"""A working day of the demo institute, played through the real handlers.

Walk-in customers hand gauges in at the kiosk (the kiosk service: a walk-in session, the
confirmed nameplate, the receipt); the demo lab staff request stored gauges to their benches,
and once a gauge has been on its bench ``bench_minutes`` they enter its results, sign its
certificate (entry, review, approval, issue) and send it back; a customer books a pickup some
minutes after an order is all back in storage, and once the booking is ready and its window
open, types the code at the pickup kiosk and empties the opened doors. When no compartment was
free, the desk takes the samples brought to the counter and confirms them with a scan. Every
step is the command a person's page sends; the fleet worker carries every transport task in
between.

``InstituteDay.step()`` does what is due at the clock's time; its ``speed`` makes the day's
own events (arrivals, bench time, booking delays) come that many times faster than the clock.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import TaskState
from samplehub.core.service import commands as c
from samplehub.core.service.ports import Clock, SampleFilter, UnitOfWork
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.lab.service import commands as lc
from samplehub.pickup.domain.booking import Booking, BookingStatus
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import jobs as pickup_jobs
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.app import PickupApp
from samplehub.simulation.lab_work import certify_gauge

log = logging.getLogger(__name__)
KIOSK = c.Actor("kiosk", Role.KIOSK)
LAB = c.Actor("lab", Role.LAB)
DESK = c.Actor("warehouse", Role.WAREHOUSE)  # the person at the pickup counter
GAUGE = {
    "instrument_type": "弹簧管压力表", "manufacturer": "上海自动化仪表四厂", "model": "Y-100",
    "range_min": "0", "range_max": "1.6", "unit": "MPa", "accuracy_class": "1.6",
}  # fmt: skip


@dataclass(frozen=True)
class Customer:
    company: str
    credit_code: str
    phone: str


@dataclass(frozen=True)
class DayProfile:
    """The ``day:`` section of a scenario file (see scenarios/institute-day.yaml)."""

    seed: int
    start: time
    end: time
    arrivals: tuple[tuple[float, float], ...]  # (from hour of the day, visits per hour)
    gauges_per_visit: tuple[int, int]
    benches: tuple[str, ...]
    bench_minutes: float
    book_after_minutes: tuple[float, float]
    customers: tuple[Customer, ...]

    @property
    def hours(self) -> float:
        return (
            self.end.hour * 60 + self.end.minute - self.start.hour * 60 - self.start.minute
        ) / 60

    def rate(self, hour: float) -> float:
        current = 0.0
        for since, per_hour in self.arrivals:
            if hour >= since:
                current = per_hour
        return current


def load_day(path: Path) -> DayProfile:
    """Read the ``day:`` section of ``path``; a missing or wrong key names itself."""
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    day = tree.get("day") if isinstance(tree, dict) else None
    if not isinstance(day, dict):
        raise ValueError(f"{path}: no day: section")
    try:
        low, high = day["gauges_per_visit"]
        early, late = day["book_after_minutes"]
        return DayProfile(
            seed=int(day["seed"]),
            start=time.fromisoformat(day["start"]),
            end=time.fromisoformat(day["end"]),
            arrivals=tuple((float(h), float(r)) for h, r in day["arrivals"]),
            gauges_per_visit=(int(low), int(high)),
            benches=tuple(str(b) for b in day["benches"]),
            bench_minutes=float(day["bench_minutes"]),
            book_after_minutes=(float(early), float(late)),
            customers=tuple(Customer(**dict(c_)) for c_ in day["customers"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: day: {exc!r}") from None


@dataclass
class _Pickup:
    booking_id: str
    code: str
    opened: bool = False


@dataclass
class DayCounts:
    handed_in: int = 0
    to_bench: int = 0
    certified: int = 0
    booked: int = 0
    collected: int = 0
    refused: int = 0  # commands the handlers refused (logged; the day goes on)


@dataclass
class InstituteDay:
    profile: DayProfile
    handle: Callable[[Any], Any]
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    kiosk: KioskDesk
    pickup: PickupApp
    speed: float = 1.0
    empty_doors: Callable[[list[str]], None] | None = None  # the customer takes the samples
    counts: DayCounts = field(default_factory=DayCounts)
    serial_tag: str = ""
    """In the gauges' serial numbers after the seed: a day started again on the same database
    (a restarted demo) hands in gauges of its own, not the first life's serials again."""

    def __post_init__(self) -> None:
        self.rng = random.Random(self.profile.seed)
        self.began = self.clock.now()
        self.next_visit = self._after(self._gap(0.0))
        self.on_bench: dict[str, datetime] = {}  # sample → when it reached its bench
        self.ready_since: dict[str, datetime] = {}  # order → when it was all back and finished
        self.book_at: dict[str, datetime] = {}
        self.pickups: dict[str, _Pickup] = {}  # order → its booking as the customer knows it
        self.booked_at: dict[str, datetime] = {}  # booking → when the customer booked it

    # -- time ------------------------------------------------------------------------------

    def hour(self, now: datetime) -> float:
        """Hours of the simulated day gone at ``now``."""
        return (now - self.began).total_seconds() * self.speed / 3600

    def _after(self, day_minutes: float) -> datetime:
        return self.clock.now() + timedelta(minutes=day_minutes / self.speed)

    def _gap(self, hour: float) -> float:
        rate = self.profile.rate(hour)
        return self.rng.expovariate(rate / 60) if rate > 0 else 30.0

    # -- one step --------------------------------------------------------------------------

    def step(self) -> None:
        now = self.clock.now()
        while now >= self.next_visit and self.hour(self.next_visit) < self.profile.hours:
            self._try(self._visit)
            self.next_visit += timedelta(minutes=self._gap(self.hour(now)) / self.speed)
        self._try(self._lab, now)
        self._try(self._counter)
        self._try(self._customers, now)

    def _try(self, action: Callable[..., None], *args: Any) -> None:
        try:
            action(*args)
        except DomainError as error:
            self.counts.refused += 1
            log.warning("simulated day: %s refused: %s", action.__name__, error)

    def _visit(self) -> None:
        """A walk-in at the kiosk hands in one to three gauges."""
        who = self.rng.choice(self.profile.customers)
        session = self.kiosk.start_walk_in(
            KIOSK, who.credit_code, who.phone, company_name=who.company
        )
        for _ in range(self.rng.randint(*self.profile.gauges_per_visit)):
            self.counts.handed_in += 1
            serial = f"SIM-{self.profile.seed}-{self.serial_tag}{self.counts.handed_in:04d}"
            self.kiosk.confirm(KIOSK, session.id, {**GAUGE, "serial_number": serial})
        self.kiosk.finish(KIOSK, session.id)

    def _lab(self, now: datetime) -> None:
        with self.uow_factory() as uow:
            at_bench = uow.samples.search(SampleFilter(state=SampleState.IN_LAB, limit=200)).items
            stored = uow.samples.search(SampleFilter(state=SampleState.STORED, limit=500)).items
            open_tasks = uow.tasks.open()
        busy = {t.target.code for t in open_tasks if t.kind.value == "to_bench"}
        moving = {t.sample_number for t in open_tasks}
        for sample in at_bench:
            since = self.on_bench.setdefault(sample.number, now)
            busy.add(sample.location.code)
            if now - since >= timedelta(minutes=self.profile.bench_minutes / self.speed):
                gauge = {k: str(v) for k, v in sample.instrument.to_dict().items() if v}
                certify_gauge(self.handle, sample.number, self._company(sample), gauge, now)
                self.handle(lc.SendBack(LAB, sample.number))
                self.counts.certified += 1
        waiting = sorted(
            (s for s in stored if not s.service_completed and s.number not in moving),
            key=lambda s: s.number,
        )
        free = [b for b in self.profile.benches if b not in busy]
        for bench, sample in zip(free, waiting, strict=False):
            self.handle(lc.RequestToBench(LAB, sample.number, bench))
            self.counts.to_bench += 1

    def _counter(self) -> None:
        """The person at the counter takes what a carrier brought there for a booking (no
        compartment was free) and confirms it on /tasks with a scan, as staff do."""
        with self.uow_factory() as uow:
            brought = [
                t.id
                for t in uow.tasks.open()
                if t.state is TaskState.DELIVERED and t.target.kind is LocationKind.COUNTER
            ]
        for task_id in brought:
            self.handle(c.AdvanceTask(DESK, task_id, TaskState.DONE.value, confirmation="scan"))

    def _company(self, sample: Any) -> str:
        with self.uow_factory() as uow:
            order = uow.orders.get(sample.order_number)
            customer = uow.customers.get(order.customer_id) if order is not None else None
        return customer.name if customer is not None else ""

    def _customers(self, now: datetime) -> None:
        deps = self.pickup.deps
        live = {b.order_number: b for b in deps.bookings.live()}
        for order in pickup_jobs.ready_for_pickup(self.uow_factory, c.SYSTEM, list(live.values())):
            number = order.order.number
            if (
                number in live
                or number in self.pickups
                or any(s.state is not SampleState.STORED for s in order.samples)
            ):
                continue
            if self._unfinished(number):
                continue
            # its own draw per order, so the arrivals do not depend on when carriers finish
            delay = random.Random(f"{self.profile.seed}:{number}")
            minutes = delay.uniform(*self.profile.book_after_minutes)
            at = self.book_at.setdefault(number, self._after(minutes))
            if now >= at:
                self._book(order.order.customer_id, number, [s.number for s in order.samples])
        for number, booked in list(self.pickups.items()):
            booking = deps.bookings.get(booked.booking_id)
            if booking is None or booking.status is not BookingStatus.STAGED:
                if booking is not None and booking.status is not BookingStatus.BOOKED:
                    del self.pickups[number]
                continue
            if now >= booking.window.start:
                self._collect(booking, booked)

    def _unfinished(self, order_number: str) -> bool:
        """Gauges of the order still on their way through the lab (book when all are back)."""
        with self.uow_factory() as uow:
            found = uow.samples.search(SampleFilter(order_number=order_number, limit=50)).items
        return any(
            not s.service_completed or s.state is not SampleState.STORED
            for s in found
            if s.state not in (SampleState.COLLECTED, SampleState.REJECTED)
        )

    def _book(self, customer_id: str, order_number: str, samples: list[str]) -> None:
        deps = self.pickup.deps
        offers = pickup.offer(deps, [self.pickup.default_size] * len(samples))
        if not offers:
            return
        customer = c.Actor(f"customer:{customer_id}", Role.CUSTOMER, customer_id)
        sizes = {s: self.pickup.default_size for s in samples}
        window = offers[0].window
        booked = pickup.book_with_code(deps, customer, order_number, customer_id, sizes, window)
        booking_id = booked.booking.id
        pickup.stage_if_due(deps, booking_id)
        self.pickups[order_number] = _Pickup(booking_id, booked.code)  # the customer's own copy
        self.booked_at[booking_id] = self.clock.now()
        self.counts.booked += 1

    def _collect(self, booking: Booking, booked: _Pickup) -> None:
        deps = self.pickup.deps
        if not booked.opened:
            answer = pickup_kiosk.enter_code(deps, KIOSK.username, booked.code)
            booked.opened = bool(answer.opened or answer.at_counter)
            if answer.opened and self.empty_doors is not None:
                self.empty_doors(answer.opened)
            return
        receipt = pickup_kiosk.doors_closed(deps, booking.id)
        if receipt.collected and not receipt.still_open:
            self.counts.collected += len(receipt.collected)
        settled = deps.bookings.get(booking.id)
        at_desk = pickup_kiosk.to_hand_over(deps, settled) if settled is not None else []
        if at_desk:  # the desk hands over what is at the counter, as on /pickup/staff
            handed = pickup_kiosk.collect_at_counter(deps, booking.id, at_desk)
            self.counts.collected += len(handed.collected)
