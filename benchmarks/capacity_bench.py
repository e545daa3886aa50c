"""Storage capacity with the institute's instrument mix: fixed-size slots vs size-class slots vs
size-class slots with night-time compaction. Prints samples stored at 100 % for each strategy,
as ratios against fixed-size slots (the baseline, measured in the same run).

- Mix: instruments from the intake generator (``simulation/nameplates.py``, the kiosk's
  synthetic intake data) sized by the storage rule (``storage/domain/sizing.py``).
- Room: 5 racks, shelves 400 cm long, 160 cm of usable rack height. Slots as in the demo site:
  S 20 cm wide on a 30 cm shelf, M 26.7 cm on 40 cm, L 40 cm on 55 cm. A sample fits its class
  or any larger slot.
- fixed: every slot takes any sample (L slots);
- size-class: each rack's shelves chosen (the best of every mix of S, M, L shelves that fits the
  height) for the arriving mix;
- compaction: as size-class, but some shelves are dense, two deep (the back sample is reached by
  moving the front one): each night robots move samples that will stay more than
  ``--long-days`` days there, so dense lanes hold only long-dwell samples. The long-dwell share
  comes from a year of the dwell model (``storage/domain/dwell.py`` defaults: the lab takes
  40 samples a day from a FIFO queue, finished samples wait ``collect_days`` = 5 days on average).
"100 %" is the first sample that finds no slot; the count is averaged over ``--trials`` random
arrival orders.

Usage: python benchmarks/capacity_bench.py [--trials 200] [--seed 1] [--long-days 2] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections import Counter
from collections.abc import Sequence

from samplehub.core.domain.instrument import Instrument
from samplehub.simulation.nameplates import make_spec
from samplehub.storage.domain.sizing import size_class_of

RACKS, SHELF_CM, RACK_CM = 5, 400.0, 160.0
WIDTH = {"S": 20.0, "M": 400.0 / 15, "L": 40.0}
HEIGHT = {"S": 30.0, "M": 40.0, "L": 55.0}
CLASSES = ("S", "M", "L")
FIELDS = ("instrument_type", "model", "range_min", "range_max", "unit", "accuracy_class")


def instrument_mix(rng: random.Random, count: int = 5000) -> dict[str, float]:
    sizes: Counter[str] = Counter()
    for i in range(count):
        spec = make_spec(rng, ("metal", "sticker", "dial")[i % 3])
        fields = {k: str(v) for k, v in spec.fields.items() if k in FIELDS and v is not None}
        sizes[size_class_of(Instrument.from_dict(fields))[0]] += 1
    return {c: sizes[c] / count for c in CLASSES}


def long_dwell_share(rng: random.Random, long_days: float, days: int = 365) -> float:
    """Share of the stock that will stay more than ``long_days`` days (a year of the model)."""
    queue: list[float] = []  # arrival day of each sample waiting for the lab
    leave: list[float] = []  # departure day of each stock sample (known in hindsight)
    shares = []
    stock: list[tuple[float, float]] = []  # (arrived, leaves); lab-queue samples leave later
    for day in range(days):
        arrivals = sum(1 for _ in range(80) if rng.random() < 0.5)  # about 40 a day
        queue.extend([float(day)] * arrivals)
        served, queue = queue[:40], queue[40:]
        for _ in served:  # back from the lab, then collected after about collect_days
            leave.append(day + 1 + rng.expovariate(1 / 5.0))
        leave = [t for t in leave if t > day]
        stock = [(day, t) for t in leave]
        waiting = [(day, day + (i // 40) + 1) for i in range(len(queue))]
        everyone = stock + waiting
        if everyone and day > 30:
            shares.append(sum(1 for _, t in everyone if t - day > long_days) / len(everyone))
    return sum(shares) / len(shares)


def rack_configs(dense: bool) -> list[tuple[tuple[int, int, int], tuple[int, int, int]]]:
    """(live shelves S, M, L; dense shelves S, M, L) that fit the rack height."""
    out = []
    top = int(RACK_CM // min(HEIGHT.values())) + 1
    for live in itertools.product(range(top), repeat=3):
        for deep in itertools.product(range(top if dense else 1), repeat=3):
            used = sum((live[i] + deep[i]) * HEIGHT[c] for i, c in enumerate(CLASSES))
            if 0 < used <= RACK_CM:
                out.append((live, deep))
    return out


def fill(live: dict[str, int], deep: dict[str, int], arrivals: Sequence[tuple[str, bool]]) -> int:
    """Samples placed before the first that finds no room (its class or larger)."""
    live, deep = dict(live), dict(deep)
    for n, (size, long_stay) in enumerate(arrivals):
        fits = CLASSES[CLASSES.index(size) :]
        pools = ([deep] if long_stay else []) + [live]
        for pool, c in ((p, c) for p in pools for c in fits):
            if pool.get(c, 0) > 0:
                pool[c] -= 1
                break
        else:
            return n
    return len(arrivals)


def capacity(config: tuple[tuple[int, ...], tuple[int, ...]], arrivals_sets: list) -> float:
    live_shelves, deep_shelves = config
    per_shelf = {c: int(SHELF_CM // WIDTH[c]) for c in CLASSES}
    live = {c: RACKS * live_shelves[i] * per_shelf[c] for i, c in enumerate(CLASSES)}
    deep = {c: RACKS * deep_shelves[i] * per_shelf[c] * 2 for i, c in enumerate(CLASSES)}
    return sum(fill(live, deep, a) for a in arrivals_sets) / len(arrivals_sets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--long-days", type=float, default=2.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    mix = instrument_mix(rng)
    share = long_dwell_share(rng, args.long_days)
    n = 3000
    arrivals = [
        [(rng.choices(CLASSES, [mix[c] for c in CLASSES])[0], rng.random() < share)
         for _ in range(n)]
        for _ in range(args.trials)
    ]  # fmt: skip
    fixed = capacity(((0, 0, int(RACK_CM // HEIGHT["L"])), (0, 0, 0)), arrivals)
    tune = arrivals[: max(10, args.trials // 10)]  # choose the layout on a tenth, measure on all
    best_sized = max(rack_configs(dense=False), key=lambda cfg: capacity(cfg, tune))
    best_dense = max(rack_configs(dense=True), key=lambda cfg: capacity(cfg, tune))
    sized, dense = capacity(best_sized, arrivals), capacity(best_dense, arrivals)
    result = {
        "mix": {c: round(mix[c], 3) for c in CLASSES},
        "long_dwell_share": round(share, 3),
        "fixed_size_slots": {"samples": fixed, "ratio": 1.0},
        "size_class_slots": {"samples": sized, "ratio": sized / fixed,
                             "shelves_per_rack_SML": best_sized[0]},
        "size_class_with_night_compaction": {
            "samples": dense, "ratio": dense / fixed,
            "live_shelves_per_rack_SML": best_dense[0], "dense_shelves_per_rack_SML": best_dense[1],
        },
    }  # fmt: skip
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"instrument mix (intake generator, sizing rule): {result['mix']}")
    print(f"share of the stock staying more than {args.long_days:g} days: {share:.1%}")
    print(f"fixed-size slots (L for all):        {fixed:7.1f} samples  1.00")
    print(f"size-class slots {best_sized[0]}:           {sized:7.1f} samples  {sized / fixed:.2f}")
    print(f"size-class + night compaction {best_dense}: {dense:7.1f} samples  "
          f"{dense / fixed:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
