"""A pure-Python ``AssignmentSolver`` for when scipy is not wanted (tests, tiny fleets)."""

from __future__ import annotations

from collections.abc import Sequence

from samplehub.fleet.domain.dispatch import hungarian


class HungarianSolver:
    def solve(self, cost: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
        return hungarian(cost)
