"""Sample flow figures: the same simulated institute day run twice in one process, with robots
and with a manual baseline, through the real handlers on the demo site.

The day is scenarios/institute-day.yaml (walk-ins at the kiosk, lab work and certificates,
pickup bookings and collections; ``app/demo_day.py``), on simulated time from a Monday 08:30
(China time), with the same seed both times. Robots: the fleet worker ``serve`` runs, with its
default simulated robots on the site map. Manual: two staff walking at 1.2 m/s with a trolley
on the same map, claiming the same task records as ``staff:<name>``
(``simulation/manual.py``). Each run has its own SQLite database in a temporary folder.

Figures: pickup preparation wait (booking made → every sample confirmed in its compartment)
p50/p95, also by the number of samples booked, intake-to-stored time (put-away created →
done), lab request-to-bench time (to-bench created → done), storage utilisation at the end of
the day, bookings whose samples were ready only after their window had started or ended (late
because of transport), bookings not ready at the end of the day though their staging had
begun, bookings whose staging had not begun yet
(booked for a later day), and the robot/manual ratios.

Run: ``python benchmarks/flow_bench.py [--hours 9.5] [--seed 7] [--robots 4]``; prints one JSON
object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.demo_day import day_profile, simulated_day
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.domain.flow import percentile
from samplehub.core.domain.transport import TaskKind, TaskState, TransportTask
from samplehub.core.service import queries
from samplehub.fleet.domain.sitemap import site_map_from_dict
from samplehub.simulation.clock import SimClock
from samplehub.simulation.manual import WalkingStaff

MONDAY_0830_CST = datetime(2026, 1, 5, 0, 30, tzinfo=UTC).timestamp()
STAFF = ("staff-1", "staff-2")


def spread(values: list[float]) -> dict[str, float | None]:
    """p50, p95 (nearest rank) and the slowest; None for no values."""
    if not values:
        return {"p50": None, "p95": None, "max": None}
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "max": round(max(values), 1),
    }


def _durations(tasks: list[TransportTask], kind: TaskKind) -> list[float]:
    return [
        (t.updated_at - t.created_at).total_seconds()
        for t in tasks
        if t.kind is kind and t.state is TaskState.DONE
    ]


def run_day(mode: str, hours: float, seed: int, robots: int = 4) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix=f"flow-{mode}-"))
    key = "flow-bench-key-0123456789"  # a throwaway database's session key
    settings = Settings(data_dir=folder, secret_key=key, mqtt_url=None)
    settings.fleet.robots = robots
    bootstrap.upgrade_database(settings)
    clock = SimClock(MONDAY_0830_CST)
    services = bootstrap.bootstrap(settings, clock=clock, hasher=PlainHasher())
    storage_wiring.ensure_site(settings, services)
    seed_demo(services)
    staff = None
    if mode == "manual":
        site = fleet_wiring.site_map_section(settings)
        assert site is not None
        staff = WalkingStaff(
            STAFF, site_map_from_dict(site), services.bus.handle, services.uow_factory,
            services.bus.context.places, clock,
        )  # fmt: skip
    profile = dataclasses.replace(day_profile(), seed=seed)
    world = simulated_day(
        settings, services, clock, profile=profile, carrier=staff.advance if staff else None
    )
    started = time.perf_counter()
    try:
        world.run(hours * 3600)
    finally:
        world.close()
    wall = time.perf_counter() - started
    figures = _figures(services, world.day, world.pickup.deps.bookings)
    figures |= {"simulated_s_per_wall_s": round(hours * 3600 / wall, 1)}
    if staff is not None:
        figures["walked_m"] = round(staff.walked_m)
    assert queries.verify_audit(services.uow_factory).ok, "the custody chain does not verify"
    services.close()
    return figures


def _figures(services: Services, day: Any, bookings: Any) -> dict[str, Any]:
    with services.uow_factory() as uow:
        tasks = uow.tasks.recent(1_000_000)
        slots = [s for s in uow.slots.all() if not s.blocked]
    by_sample: dict[str, list[TransportTask]] = {}
    for task in tasks:
        if task.kind is TaskKind.TO_LOCKER:
            by_sample.setdefault(task.sample_number, []).append(task)
    waits, late, overdue, not_ready, not_begun = [], 0, 0, 0, 0
    by_size: dict[int, list[float]] = {}
    for booking_id, booked_at in day.booked_at.items():
        booking = bookings.get(booking_id)
        staging = [
            t
            for number in booking.sizes
            for t in by_sample.get(number, [])
            if t.created_at >= booked_at
        ]
        if not staging:
            not_begun += 1  # booked for a later day: staging starts before its window
            continue
        if booking.staged_at is None or booking.booked_at is None:
            not_ready += 1
            continue
        ready = booking.staged_at  # as the running product's /flow page reads it
        waits.append((ready - booking.booked_at).total_seconds())
        by_size.setdefault(len(booking.sizes), []).append(waits[-1])
        late += ready > booking.window.start
        overdue += ready > booking.window.end
    put_away = _durations(tasks, TaskKind.PUT_AWAY)
    to_bench = _durations(tasks, TaskKind.TO_BENCH)
    used = sum(1 for s in slots if s.occupant or s.reserved_for)
    counts = dataclasses.asdict(day.counts)
    return {
        "day": counts,
        "tasks_done": sum(1 for t in tasks if t.state is TaskState.DONE),
        "tasks_open_at_end": sum(1 for t in tasks if t.is_open),
        "pickup_prep_wait_s": spread(waits),
        "pickup_prep_wait_by_samples_s": {
            str(n): spread(by_size[n]) | {"bookings": len(by_size[n])} for n in sorted(by_size)
        },
        "bookings_ready": len(waits),
        "bookings_not_ready_at_end": not_ready,
        "bookings_not_staged_yet": not_begun,
        "bookings_ready_after_window_start": late,
        "bookings_ready_after_window_end": overdue,
        "intake_to_stored_s": spread(put_away),
        "request_to_bench_s": spread(to_bench),
        "storage_utilisation": round(used / len(slots), 3) if slots else None,
    }


def ratio(robots: float | None, manual: float | None) -> float | None:
    return round(robots / manual, 3) if robots and manual else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=9.5, help="simulated hours from 08:30")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--robots", type=int, default=4, help="simulated robots (fleet.robots)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    robots = run_day("robots", args.hours, args.seed, args.robots)
    manual = run_day("manual", args.hours, args.seed)
    ratios = {
        f"{name}_{q}": ratio(robots[name][q], manual[name][q])
        for name in ("pickup_prep_wait_s", "intake_to_stored_s", "request_to_bench_s")
        for q in ("p50", "p95", "max")
    }
    goal = ratios["pickup_prep_wait_s_p95"]
    print(
        json.dumps(
            {
                "seed": args.seed,
                "hours": args.hours,
                "robots_in_fleet": args.robots,
                "robots": robots,
                "manual": manual,
                "robot_over_manual": ratios,
                "goal_pickup_p95_3x_shorter": goal is not None and goal <= 1 / 3,
                "late_because_of_transport_with_robots": robots["bookings_ready_after_window_end"],
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
