"""Fault run: the simulated institute day played by `samplehub demo` (the same product as
`serve`: fleet worker, pickup job, the day of scenarios/institute-day.yaml through the real
handlers) as a real subprocess on a fresh data folder, SIGKILLed at 20 random moments and
started again on the same folder each time (the day begins again with each start, as the
demo's does, with gauges of its own).

Afterwards it is started once more without the day and left to finish the open transport
tasks, then stopped, and the database is checked: tasks lost (still open, nobody carrying them
on), tasks done twice (a step recorded twice on the custody chain), samples in two places (a
sample whose place differs from its last custody record, or a slot whose occupant is
elsewhere, or a sample in two slots), and `samplehub audit verify`.

Run: ``python benchmarks/fault_bench.py [--minutes 8] [--kills 20] [--seed 7]``; prints one
JSON object and exits non-zero when an invariant breaks.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.core.domain.transport import TaskKind, TaskState
from samplehub.core.service.ports import SampleFilter
from samplehub.simulation.serve_process import ServeProcess

DAY_SPEED = "30"  # the living day at 30× its pace, robots 30× faster: hours in minutes
DRAIN_S = 180.0  # after the last restart, without the day: open tasks get carried
FINAL_STEPS = ("delivered", "done")  # twice: carried or finished twice (a retry re-assigns)


def waiting_for_people(task: Any) -> bool:
    """Open tasks the fleet rightly leaves: at the locker port for the pickup side, or a
    person's (``staff:``)."""
    at_port = task.kind is TaskKind.TO_LOCKER and task.state is TaskState.DELIVERED
    return at_port or (task.carrier or "").startswith("staff:")


def check(folder: Path) -> dict[str, Any]:
    settings = Settings(
        data_dir=folder, database_url=f"sqlite:///{folder / 'samplehub.db'}", mqtt_url=None
    )
    services = bootstrap.bootstrap(settings)
    try:
        with services.uow_factory() as uow:
            tasks = uow.tasks.recent(1_000_000)
            records = uow.audit.records()
            samples = uow.samples.search(SampleFilter(limit=100_000)).items
            slots = uow.slots.all()
    finally:
        services.close()
    lost = [t.id for t in tasks if t.is_open and not waiting_for_people(t)]
    steps = Counter(
        (p["task_id"], p["state"])
        for p in (json.loads(r.payload) for r in records if r.event_type == "TransportTaskChanged")
    )
    twice = sorted({t for (t, state), n in steps.items() if n > 1 and state in FINAL_STEPS})
    last_place: dict[str, str] = {}
    for r in records:
        if r.event_type == "SampleTransitioned" and r.sample_number:
            payload = json.loads(r.payload)
            if payload.get("location"):
                last_place[r.sample_number] = payload["location"]
    misplaced = [
        s.number
        for s in samples
        if s.number in last_place and last_place[s.number] != str(s.location)
    ]
    where = {s.number: str(s.location) for s in samples}
    occupied = Counter(slot.occupant for slot in slots if slot.occupant)
    in_two_slots = sorted(n for n, count in occupied.items() if count > 1)
    elsewhere = sorted(
        slot.occupant
        for slot in slots
        if slot.occupant and where.get(slot.occupant) != f"storage_slot:{slot.address}"
    )
    return {
        "tasks": len(tasks),
        "tasks_done": sum(1 for t in tasks if t.state is TaskState.DONE),
        "tasks_failed": sum(1 for t in tasks if t.state is TaskState.FAILED),
        "tasks_open_waiting_for_people": sum(1 for t in tasks if t.is_open) - len(lost),
        "tasks_lost": lost,
        "tasks_done_twice": twice,
        "samples": len(samples),
        "samples_in_two_places": sorted(set(misplaced) | set(in_two_slots)),
        "slot_occupant_elsewhere": elsewhere,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=8.0, help="wall minutes of the day")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="fault-bench-"))
    env = {
        "SAMPLEHUB_DEMO_SPEED": DAY_SPEED,
        "SAMPLEHUB_FLEET__TIME_SCALE": DAY_SPEED,
        "SAMPLEHUB_SECRET_KEY": "fault-bench-key-0123456789",
    }
    server = ServeProcess(folder, env, verb="demo")
    span = args.minutes * 60
    moments = sorted(rng.uniform(5.0, span) for _ in range(args.kills))
    started = time.monotonic()
    restart_s: list[float] = []
    server.start(ready_s=300)
    for moment in moments:
        time.sleep(max(0.0, started + moment - time.monotonic()))
        server.kill()
        begun = time.monotonic()
        server.start(ready_s=300)
        restart_s.append(time.monotonic() - begun)
    time.sleep(max(0.0, started + span - time.monotonic()))
    server.stop()
    server.env["SAMPLEHUB_DEMO_SPEED"] = "0"  # no more arrivals: the open tasks get carried
    server.start(ready_s=300)
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline and check(folder)["tasks_lost"]:
        time.sleep(5)
    server.stop()
    figures = check(folder)
    audit = server.run("audit", "verify")
    figures |= {
        "kills": len(moments),
        "wall_minutes": args.minutes,
        "day_speed": float(DAY_SPEED),
        "restart_s_max": round(max(restart_s, default=0.0), 1),
        "audit_verify": audit.returncode == 0 and "audit chain intact" in audit.stdout,
        "folder": str(folder),
    }
    ok = figures["audit_verify"] and not any(
        figures[k] for k in ("tasks_lost", "tasks_done_twice", "samples_in_two_places")
    )
    figures["ok"] = ok
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
