"""A short simulated institute day at high speed, through the real handlers and the real fleet
worker (simulated robots on the demo site, simulated time): walk-ins at the kiosk, lab work and
certificates, pickup bookings and collections. Samples go through every stage, and the chain of
custody verifies."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.demo_day import SimulatedDay, day_profile, simulated_day
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.ports import SampleFilter
from samplehub.fleet.domain.sitemap import site_map_from_dict
from samplehub.simulation.clock import SimClock
from samplehub.simulation.manual import WalkingStaff

MONDAY_0830_CST = datetime(2026, 1, 5, 0, 30, tzinfo=UTC).timestamp()


def _institute(tmp_path: Path) -> tuple[Settings, SimClock, Services]:
    """A fresh database with the demo site, on simulated time from a Monday 08:30."""
    settings = Settings(data_dir=tmp_path, secret_key="integration-key-0123456789", mqtt_url=None)
    bootstrap.upgrade_database(settings)
    clock = SimClock(MONDAY_0830_CST)
    services = bootstrap.bootstrap(settings, clock=clock, hasher=PlainHasher())
    storage_wiring.ensure_site(settings, services)
    return settings, clock, services


def test_a_short_day_takes_samples_through_every_stage(tmp_path: Path) -> None:
    settings, clock, services = _institute(tmp_path)
    seed_demo(services)
    profile = dataclasses.replace(day_profile(), end=time(9, 30))  # the first hour only
    world = simulated_day(settings, services, clock, speed=4.0, profile=profile)
    try:
        for _ in range(4 * 12):  # up to 4 simulated hours, five minutes at a time
            world.run(300)
            if world.day.counts.collected >= 2:
                break
    finally:
        world.close()
    counts = world.day.counts
    assert counts.handed_in >= 2
    assert counts.certified >= 2
    assert counts.booked >= 1
    assert counts.collected >= 2, counts
    every = queries.list_samples(services.uow_factory, c.SYSTEM, SampleFilter(limit=500))
    collected = [
        s for s in every.items
        if s.state.value == "collected" and (s.instrument.serial_number or "").startswith("SIM-")
    ]  # fmt: skip
    assert collected
    for sample in collected:
        timeline = queries.timeline(services.uow_factory, c.SYSTEM, sample.number)
        moves = [e.state for e in reversed(timeline) if e.task is None]
        for stage in ("received", "stored", "in_lab", "staged", "collected"):
            assert stage in moves, (sample.number, moves)
        carriers = {e.carrier for e in timeline if e.task is not None and e.carrier}
        assert any(str(x).startswith("R0") for x in carriers), carriers
    assert queries.verify_audit(services.uow_factory).ok
    services.close()


def test_two_walking_staff_carry_the_same_day_as_staff_tasks(tmp_path: Path) -> None:
    """The manual baseline of benchmarks/flow_bench.py: the same task records, carried by
    people at walking pace (the map's distances), with scan confirmations."""
    settings, clock, services = _institute(tmp_path)
    site = fleet_wiring.site_map_section(settings)
    assert site is not None
    staff = WalkingStaff(
        ("staff-1", "staff-2"), site_map_from_dict(site), services.bus.handle,
        services.uow_factory, services.bus.context.places, clock,
    )  # fmt: skip
    profile = dataclasses.replace(day_profile(), end=time(9, 0))
    world = simulated_day(
        settings, services, clock, speed=4.0, profile=profile, carrier=staff.advance
    )
    try:
        world.run(3600)
    finally:
        world.close()
    with services.uow_factory() as uow:
        done = [t for t in uow.tasks.recent(1000) if t.state.value == "done"]
    assert done
    assert {t.carrier for t in done} <= {"staff:staff-1", "staff:staff-2"}
    by_hand = {str(t.confirmation) for t in done if t.kind.value != "to_locker"}
    assert by_hand == {"scan"}  # a to-locker task is confirmed by its compartment
    assert staff.walked_m > 0
    assert queries.verify_audit(services.uow_factory).ok
    services.close()


def _run_until(world: SimulatedDay, found: Callable[[], list[Any]]) -> list[Any]:
    """Run the day 5 minutes at a time (at most 4 hours) until ``found`` finds something."""
    for _ in range(4 * 12):
        world.run(300)
        if out := found():
            return out
    raise AssertionError("not found within 4 simulated hours")


def test_with_every_compartment_out_of_service_the_desk_hands_over_at_the_counter(
    tmp_path: Path,
) -> None:
    """No compartment free: a booking's samples are carried to the counter, and the person at
    the desk confirms each with a scan, so the booking still becomes ready; once the customer's
    code is used, the desk hands them over and the booking is collected."""
    settings, clock, services = _institute(tmp_path)
    seed_demo(services)
    profile = dataclasses.replace(day_profile(), end=time(9, 30))
    world = simulated_day(settings, services, clock, speed=4.0, profile=profile)
    deps = world.pickup.deps
    deps.out_of_service.update(c.code for c in deps.lockers.compartments())
    try:
        ready = _run_until(
            world, lambda: [b for b in deps.bookings.live() if b.status.value == "staged"]
        )
        assert {p.kind.value for b in ready for p in b.placements.values()} == {"counter"}
        with services.uow_factory() as uow:
            to_counter = [
                t for t in uow.tasks.recent(1000)
                if t.kind.value == "to_locker" and t.target.kind.value == "counter"
            ]  # fmt: skip
        assert to_counter
        assert not [t.id for t in to_counter if t.state.value == "delivered"]  # none left waiting
        done = [t for t in to_counter if t.state.value == "done"]
        assert done
        assert {str(t.confirmation) for t in done} == {"scan"}
        first = ready[0].id
        [booking] = _run_until(world, lambda: [
            b for b in [deps.bookings.get(first)] if b is not None and b.status.value == "collected"
        ])  # fmt: skip
    finally:
        world.close()
    assert sorted(booking.collected) == sorted(booking.placements)
    assert queries.verify_audit(services.uow_factory).ok
    services.close()
