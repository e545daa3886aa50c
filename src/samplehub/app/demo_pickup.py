"""Demo data for pickup: one order of the first demo customer whose samples are ready to book."""

from __future__ import annotations

from samplehub.app.services import Services
from samplehub.core.service import commands as c

READY_GAUGES = [
    {"instrument_type": "弹簧管压力表", "manufacturer": "红旗仪表", "model": "Y-60",
     "serial_number": "HQ-2611-01", "range_min": "0", "range_max": "0.6", "unit": "MPa",
     "accuracy_class": "2.5"},
    {"instrument_type": "弹簧管压力表", "manufacturer": "红旗仪表", "model": "Y-60",
     "serial_number": "HQ-2611-02", "range_min": "0", "range_max": "0.6", "unit": "MPa",
     "accuracy_class": "2.5"},
]  # fmt: skip


def seed_demo_pickup(services: Services, customer_id: str) -> tuple[str, list[str]]:
    """An order whose two gauges were calibrated and stored again: ready for pickup."""
    bus = services.bus
    items = [{"instrument_type": g["instrument_type"], "model": g["model"],
              "serial_number": g["serial_number"]} for g in READY_GAUGES]  # fmt: skip
    order = bus.handle(c.CreateOrder(c.SYSTEM, customer_id, "calibration", items))
    numbers = []
    for i, gauge in enumerate(READY_GAUGES):
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, gauge))
        for transition, where in [
            ("receive", "intake_platform:K1"),
            ("start_transport", "robot:AMR-02"),
            ("store", f"storage_slot:A-02-1-0{i + 1}"),
            ("start_transport", "robot:AMR-02"),
            ("deliver_to_lab", "lab_bench:P-01"),
            ("complete_service", None),
            ("start_transport", "robot:AMR-03"),
            ("store", f"storage_slot:A-02-1-0{i + 1}"),
        ]:
            bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
        numbers.append(number)
    return order, numbers
