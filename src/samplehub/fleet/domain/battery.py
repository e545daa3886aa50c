"""Battery model shared by the dispatcher and the simulated robots.

Charge is in percent and drains linearly with distance driven (a fair model for small indoor
carriers whose consumption is dominated by driving).  A robot accepts a task only if, after the
whole task *and* the drive to the nearest charger, it still keeps the reserve; this is what
guarantees that no robot strands with a sample on board.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BatteryModel:
    drain_pct_per_m: float = 0.02
    charge_pct_per_s: float = 0.5
    charge_below_pct: float = 30.0
    charge_until_pct: float = 95.0
    reserve_pct: float = 8.0

    def __post_init__(self) -> None:
        if not 0 <= self.reserve_pct < self.charge_below_pct < self.charge_until_pct <= 100:
            raise ValueError(
                "battery: need 0 ≤ reserve_pct < charge_below_pct < charge_until_pct ≤ 100, got "
                f"{self.reserve_pct}, {self.charge_below_pct}, {self.charge_until_pct}"
            )
        if self.drain_pct_per_m <= 0 or self.charge_pct_per_s <= 0:
            raise ValueError("battery: drain_pct_per_m and charge_pct_per_s must be > 0")

    def drain(self, charge_pct: float, metres: float) -> float:
        return max(0.0, charge_pct - metres * self.drain_pct_per_m)

    def charge(self, charge_pct: float, seconds: float) -> float:
        return min(100.0, charge_pct + seconds * self.charge_pct_per_s)

    def needed_pct(self, metres: float) -> float:
        return metres * self.drain_pct_per_m

    def can_finish(self, charge_pct: float, task_m: float, to_charger_m: float) -> bool:
        """True when the task and the drive to a charger afterwards leave at least the reserve."""
        return charge_pct - self.needed_pct(task_m + to_charger_m) >= self.reserve_pct

    def needs_charging(self, charge_pct: float) -> bool:
        return charge_pct < self.charge_below_pct

    def is_full(self, charge_pct: float) -> bool:
        return charge_pct >= self.charge_until_pct
