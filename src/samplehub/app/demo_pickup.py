"""Demo data for pickup: one order of the first demo customer whose samples are ready to book."""

from __future__ import annotations

from samplehub.app.demo import gauge, order_samples
from samplehub.app.services import Services

READY_GAUGES = [
    gauge("弹簧管压力表", "红旗仪表", "Y-60", f"HQ-2611-0{i}", "0", "0.6", "2.5") for i in (1, 2)
]


def seed_demo_pickup(services: Services, customer_id: str) -> tuple[str, list[str]]:
    """An order whose two gauges were calibrated and stored again: ready for pickup."""
    journeys: list[list[tuple[str, str | None]]] = [
        [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:AMR-02"),
            ("store", f"storage_slot:A-02-1-0{i}"),
            ("start_transport", "robot:AMR-02"),
            ("deliver_to_lab", "lab_bench:P-01"),
            ("complete_service", None),
            ("start_transport", "robot:AMR-03"),
            ("store", f"storage_slot:A-02-1-0{i}"),
        ]
        for i in (1, 2)
    ]
    return order_samples(services, customer_id, "calibration", READY_GAUGES, journeys)
