"""Writes the shipped fleet scenarios (peak-hour.yaml, stress-20.yaml) from one site generator.

The site is a ladder of two-way spines joined by cross links; every station (intake, rack access,
lab drop, locker port, charger, parking) sits on its own dead-end spur so that a robot standing
at a station or parked never blocks a lane.  Run: ``python scenarios/generate.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


def site(
    columns: int, spines: int, cross_every: int, stations: dict[str, list[tuple[int, int, int]]]
) -> dict[str, Any]:
    """One-way spines S{row}_{col} every 10 m (even rows eastbound, odd rows westbound) joined by
    one-way cross links X{row}_{col} into loops; stations {kind: [(row, col, side)]} sit on
    two-way 6 m spurs (side -1 below, +1 above, 0 to the west of the spine's first node)."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for r in range(spines):
        for c in range(columns + 1):
            nodes.append({"id": f"S{r}_{c}", "x": 10 * c, "y": 20 * r})
            if c:
                a, b = f"S{r}_{c - 1}", f"S{r}_{c}"
                pair = (a, b) if r % 2 == 0 else (b, a)
                edges.append({"from": pair[0], "to": pair[1], "two_way": False})
    for r in range(spines - 1):
        cols = list(range(0, columns + 1, cross_every))
        if cols[-1] != columns:
            cols.append(columns)
        for i, c in enumerate(cols):
            mid = f"X{r}_{c}"
            nodes.append({"id": mid, "x": 10 * c, "y": 20 * r + 10})
            # the lower row runs east when r is even: it climbs at the east end, descends at
            # the west end; middle links alternate so both directions have shortcuts
            if c == columns:
                up = r % 2 == 0
            elif c == 0:
                up = r % 2 == 1
            else:
                up = i % 2 == 1
            lo, hi = f"S{r}_{c}", f"S{r + 1}_{c}"
            chain = [lo, mid, hi] if up else [hi, mid, lo]
            edges.append({"from": chain[0], "to": chain[1], "two_way": False})
            edges.append({"from": chain[1], "to": chain[2], "two_way": False})
    prefix = {
        "intake": "IN",
        "rack_access": "RA",
        "lab_drop": "LAB",
        "locker_port": "LOCK",
        "charger": "CH",
        "parking": "P",
    }
    for kind, places in stations.items():
        for i, (r, c, side) in enumerate(places, start=1):
            node_id = f"{prefix[kind]}{i}"
            x, y = 10 * c, 20 * r + 6 * side
            if side == 0:
                x, y = 10 * c - 6, 20 * r
            nodes.append({"id": node_id, "x": x, "y": y, "kind": kind})
            edges.append({"from": f"S{r}_{c}", "to": node_id, "max_speed": 0.8})
    return {"map_id": "samplehub-floor", "default_max_speed": 1.5, "nodes": nodes, "edges": edges}


def storage(racks: list[str]) -> dict[str, Any]:
    shelves = [
        {"size_class": "S", "slots": 20},
        {"size_class": "S", "slots": 20},
        {"size_class": "M", "slots": 15},
        {"size_class": "L", "slots": 10},
    ]
    areas: dict[str, list[dict[str, Any]]] = {}
    for i, node in enumerate(racks):
        area = "A" if i % 2 == 0 else "B"
        areas.setdefault(area, []).append(
            {"number": len(areas[area]) + 1, "access_node": node, "shelves": shelves}
        )
    return {
        "areas": [{"id": a, "racks": r} for a, r in areas.items()],
        "blocked": ["A-01-1-01", "B-01-4-10"],
    }


def peak_hour() -> dict[str, Any]:
    stations = {
        "intake": [(0, 0, 0)],
        "rack_access": [(0, 1, -1), (1, 1, 1), (0, 5, -1), (1, 5, 1)],
        "lab_drop": [(0, 2, -1), (1, 3, 1), (0, 4, -1)],
        "locker_port": [(0, 6, -1)],
        "charger": [(0, 0, -1), (1, 6, 1)],
        "parking": [
            (0, 1, 1),
            (0, 2, 1),
            (0, 4, 1),
            (0, 5, 1),
            (1, 1, -1),
            (1, 2, -1),
            (1, 4, -1),
            (1, 5, -1),
        ],
    }
    return {
        "name": "peak-hour",
        "description": "One peak hour: put-aways, lab deliveries, returns and pickup staging "
        "all peak; 6 robots saturate under the greedy policy.",
        "site": site(6, 2, 3, stations),
        "storage": storage(["RA1", "RA2", "RA3", "RA4"]),
        "robots": {"count": 6, "speed": 1.2, "manufacturer": "simbot"},
        "battery": {
            "drain_pct_per_m": 0.01,
            "charge_pct_per_s": 0.5,
            "charge_below_pct": 25,
            "charge_until_pct": 90,
            "reserve_pct": 8,
        },
        "initial_fill": 0.45,
        "step_s": 0.5,
        "demand": {
            "put_away_per_hour": 130,
            "lab_delivery_per_hour": 110,
            "staging_per_hour": 90,
            "lab_dwell_s": [600, 1500],
            "lab_deadline_s": 1200,
            "staging_deadline_s": 1800,
            "dwell_days": [0.5, 14],
            "sizes": {"S": 0.5, "M": 0.3, "L": 0.2},
        },
    }


def stress() -> dict[str, Any]:
    cols = 12
    racks = [
        (0, 1, -1),
        (2, 1, 1),
        (0, 5, -1),
        (2, 5, 1),
        (0, 8, -1),
        (2, 8, 1),
        (1, 10, 1),
        (1, 2, -1),
    ]
    parking = [
        (r, c, s)
        for r in range(3)
        for c in (1, 2, 4, 5, 7, 8, 10, 11)
        for s in (-1, 1)
        if (r, c, s) not in racks and not (r == 0 and s == -1) and not (r == 2 and s == 1)
    ]
    stations = {
        "intake": [(0, 0, 0), (2, 1, 1)],
        "rack_access": racks,
        "lab_drop": [(0, 3, -1), (2, 3, 1), (0, 9, -1), (2, 9, 1)],
        "locker_port": [(0, 12, -1), (2, 12, 1)],
        "charger": [(0, 4, -1), (2, 4, 1), (0, 11, -1), (2, 11, 1)],
        "parking": parking[:24],
    }
    return {
        "name": "stress-20",
        "description": "20 robots on a three-spine floor for long deadlock runs.",
        "site": site(cols, 3, 3, stations),
        "storage": storage([f"RA{i}" for i in range(1, 9)]),
        "robots": {"count": 20, "speed": 1.2, "manufacturer": "simbot"},
        "battery": {
            "drain_pct_per_m": 0.01,
            "charge_pct_per_s": 0.5,
            "charge_below_pct": 25,
            "charge_until_pct": 90,
            "reserve_pct": 8,
        },
        "initial_fill": 0.45,
        "step_s": 0.5,
        "state_interval_s": 1.0,
        "demand": {
            "put_away_per_hour": 260,
            "lab_delivery_per_hour": 220,
            "staging_per_hour": 180,
            "lab_dwell_s": [600, 1500],
            "sizes": {"S": 0.5, "M": 0.3, "L": 0.2},
        },
    }


if __name__ == "__main__":
    for name, data in (("peak-hour", peak_hour()), ("stress-20", stress())):
        path = HERE / f"{name}.yaml"
        path.write_text(
            f"# Generated by scenarios/generate.py\n{yaml.safe_dump(data, sort_keys=False)}"
        )
        print(path)
