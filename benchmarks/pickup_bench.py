"""Pickup throughput figures, each as a ratio against a baseline measured in the same run.

* code check: ``enter_code`` at a kiosk (HMAC, lookup among N live bookings, guard bookkeeping,
  one unit of work over the in-memory stores) against one bare HMAC-SHA256 of a code;
* window offer: ``offer`` over a week of windows with N live bookings, against one ``allocate``
  of the same samples.

Run: ``python benchmarks/pickup_bench.py [--bookings N]``; prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.service.commands import SYSTEM
from samplehub.pickup.adapters.lockers.memory import MemoryLockers
from samplehub.pickup.adapters.memory import ListNotifier
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy, allocate
from samplehub.pickup.domain.codes import CodeHasher
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk

KEY = b"benchmark-key-0123456789abcdef"


def rate(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second over about ``seconds``."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        count += 1
    return count / elapsed


def build(bookings: int) -> pickup.PickupDeps:
    sizes = [CompartmentSize.S, CompartmentSize.M, CompartmentSize.L]
    comps = [Compartment(f"C{i // 24 + 1}-{i % 24 + 1:02d}", sizes[i % 3]) for i in range(96)]
    store = MemoryStore()
    clock = FixedClock(datetime(2026, 11, 2, 0, 0, tzinfo=UTC))
    services = bootstrap.bootstrap(
        Settings(),
        uow_factory=lambda: MemoryAppUnitOfWork(store),
        clock=clock,
        hasher=PlainHasher(),
    )
    deps = pickup_wiring.pickup_deps(
        services,
        MemoryLockers(comps),
        ListNotifier(),
        clock,
        CodeHasher(KEY),
        PickupPolicy(staging_per_hour=400, counter_capacity=50),
    )
    for i in range(bookings):
        offers = pickup.offer(deps, [CompartmentSize.S])
        pickup.book(
            deps,
            SYSTEM,
            f"WT-{i}",
            "cust",
            {f"S-{i}": CompartmentSize.S},
            offers[i % len(offers)].window,
        )
    return deps


def main() -> None:
    logging.getLogger().addHandler(logging.NullHandler())  # measured with logging, printed nowhere
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100)
    args = parser.parse_args()
    deps = build(args.bookings)
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at += timedelta(days=30)  # far from any window: every check is a full rejection

    bare = rate(lambda: hmac.new(KEY, b"123456", hashlib.sha256).hexdigest())
    kiosks = iter(range(10**9))
    checks = rate(lambda: pickup_kiosk.enter_code(deps, f"K{next(kiosks)}", "123456"))

    deps.clock.at -= timedelta(days=30)
    samples = {"a": CompartmentSize.S, "b": CompartmentSize.M}
    comps = deps.lockers.compartments()
    base_alloc = rate(lambda: allocate(samples, comps))
    offers = rate(lambda: pickup.offer(deps, list(samples.values())), seconds=2.0)
    print(
        json.dumps(
            {
                "live_bookings": args.bookings,
                "bare_hmac_per_s": round(bare),
                "code_checks_per_s": round(checks),
                "code_check_cost_in_bare_hmacs": round(bare / checks, 1),
                "allocate_per_s": round(base_alloc),
                "offers_per_s": round(offers, 2),
                "offer_cost_in_allocates": round(base_alloc / offers, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
