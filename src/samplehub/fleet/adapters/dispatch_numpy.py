"""The optimal dispatch round's cost matrix, vectorised with numpy (``CostModel`` port).

It prices exactly what ``domain.dispatch.cost_matrix`` prices (the unit tests hold the two
equal); the pure version is the reference, this one makes a 50 × 500 round a fraction of a
millisecond instead of tens of milliseconds of Python loops.  All-pairs distances of the site are
computed once, at construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.dispatch import INFEASIBLE, CostWeights, RobotCandidate, TransportTask
from samplehub.fleet.domain.sitemap import SiteMap


class NumpyCostModel:
    def __init__(
        self, site: SiteMap, battery: BatteryModel, weights: CostWeights | None = None
    ) -> None:
        self.battery = battery
        self.weights = weights or CostWeights()
        self.index = {node: i for i, node in enumerate(sorted(site.nodes))}
        size = len(self.index)
        self.dist = np.full((size, size), np.inf)
        for a, i in self.index.items():
            for b, j in self.index.items():
                self.dist[i, j] = site.distance(a, b)
        chargers = [self.index[n.node_id] for n in site.nodes_of_kind("charger")]
        self.home = self.dist[:, chargers].min(axis=1) if chargers else np.zeros(size)

    def matrix(
        self, robots: Sequence[RobotCandidate], tasks: Sequence[TransportTask], now: float
    ) -> Any:
        w, battery = self.weights, self.battery
        at = np.array([self.index[r.node] for r in robots])
        src = np.array([self.index[t.source] for t in tasks])
        dst = np.array([self.index[t.destination] for t in tasks])
        speed = np.array([r.speed for r in robots])[:, None]
        budget = (
            (np.array([r.battery_pct for r in robots]) - battery.reserve_pct)
            / battery.drain_pct_per_m
        )[:, None]
        bonus = np.array(
            [w.priority_s * t.priority + w.waiting_per_s * (now - t.created_at) for t in tasks]
        )[None, :]
        metres = self.dist[np.ix_(at, src)] + self.dist[src, dst][None, :]
        cost = metres / speed + w.battery_s_per_pct * metres * battery.drain_pct_per_m - bonus
        deadlines = np.array([np.nan if t.deadline is None else t.deadline for t in tasks])
        slack = deadlines[None, :] - now - metres / speed
        urgency = np.where(
            slack >= 0.0, w.urgency_s * np.clip(1.0 - slack / w.horizon_s, 0.0, 1.0), 0.0
        )
        cost -= np.nan_to_num(urgency, nan=0.0)
        infeasible = (metres + self.home[dst][None, :] > budget) | ~np.isfinite(metres)
        cost[infeasible] = INFEASIBLE
        return cost
