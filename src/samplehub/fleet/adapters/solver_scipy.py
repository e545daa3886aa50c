"""Minimum-cost assignment with scipy's ``linear_sum_assignment`` (the optimal dispatcher)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


class ScipyAssignmentSolver:
    """Implements ``AssignmentSolver`` for rectangular matrices (robots × open tasks)."""

    def solve(self, cost: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
        matrix = np.asarray(cost, dtype=float)
        if matrix.ndim != 2 or 0 in matrix.shape:
            return []
        rows, cols = linear_sum_assignment(matrix)
        return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]
