"""Demo data: two companies, the published demo logins and samples in every kind of state.

Used by `samplehub seed --demo` only; the logins share the password ``demo123``, so this must
never run against a production database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from samplehub.app.bootstrap import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.domain.epc import giai_for_sample
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.service import commands as c
from samplehub.intake.domain.intake import EpcAssigned
from samplehub.simulation.lab_work import certify_gauge

DEMO_PASSWORD = "demo123"  # noqa: S105 - the published demo login, seeded by --demo only
CUSTOMER_A = ("福州恒达仪表有限公司", "91350100M000100Y43")
CUSTOMER_B = ("厦门海湾化工有限公司", "91350200MA2Y8K3L0G")
STAFF = [
    ("admin", "admin", "系统管理员"),
    ("lab", "lab", "检定员 王工"),
    ("lab2", "lab", "核验员 李工"),
    ("approver", "approver", "批准人 张主任"),
    ("kiosk", "kiosk", "自助送样平台 1号"),
    ("warehouse", "warehouse", "库管 李工"),
]

# (transitions after registration) for the demo samples of customer A
JOURNEYS: list[list[tuple[str, str | None]]] = [
    [],
    [("receive", "intake_platform:K1")],
    [("receive", "intake_platform:K1"), ("start_transport", "robot:AMR-01"),
     ("store", "storage_slot:A-03-2-07")],
    [("receive", "intake_platform:K1"), ("start_transport", "robot:AMR-02"),
     ("store", "storage_slot:B-01-1-02"), ("start_transport", "robot:AMR-01"),
     ("deliver_to_lab", "lab_bench:P-02")],
    [("receive", "intake_platform:K1"), ("start_transport", "robot:AMR-02"),
     ("store", "storage_slot:B-02-3-11"), ("start_transport", "robot:AMR-01"),
     ("deliver_to_lab", "lab_bench:P-01"), ("complete_service", None),
     ("start_transport", "robot:AMR-03"), ("store", "storage_slot:B-02-3-11"),
     ("start_transport", "robot:AMR-03"), ("stage", "locker_compartment:L1-07")],
]  # fmt: skip


def gauge(
    instrument_type: str,
    manufacturer: str,
    model: str,
    serial_number: str,
    range_min: str,
    range_max: str,
    accuracy_class: str,
) -> dict[str, str]:
    """A pressure gauge of the demo as it is registered (range in MPa)."""
    return {
        "instrument_type": instrument_type,
        "manufacturer": manufacturer,
        "model": model,
        "serial_number": serial_number,
        "range_min": range_min,
        "range_max": range_max,
        "unit": "MPa",
        "accuracy_class": accuracy_class,
    }


GAUGES = [
    gauge("弹簧管压力表", "上海自动化仪表四厂", "Y-100", "2024-0815", "0", "1.6", "1.6"),
    gauge("压力真空表", "红旗仪表", "YZ-60", "HQ23110", "-0.1", "0.9", "2.5"),
    gauge("精密压力表", "西安仪表厂", "YB-150", "XA-7781", "0", "6", "0.4"),
    gauge("数字压力计", "Fluke", "700G08", "4410023", "0", "2", "0.05"),
    gauge("弹簧管压力表", "布莱迪", "Y-150", "BL-556201", "0", "25", "1.0"),
]


def order_samples(
    services: Services,
    customer_id: str,
    service: str,
    gauges: list[dict[str, str]],
    journeys: list[list[tuple[str, str | None]]],
) -> tuple[str, list[str]]:
    """One order of ``gauges``; each is registered, then taken through its journey (the
    transitions after registration) before the next. Returns the order and sample numbers."""
    bus = services.bus
    items = [{"instrument_type": g["instrument_type"], "model": g["model"],
              "serial_number": g["serial_number"]} for g in gauges]  # fmt: skip
    order: str = bus.handle(c.CreateOrder(c.SYSTEM, customer_id, service, items))
    numbers = []
    for registered, journey in zip(gauges, journeys, strict=True):
        number: str = bus.handle(c.RegisterSample(c.SYSTEM, order, registered))
        for transition, where in journey:
            bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
        numbers.append(number)
    return order, numbers


def seed_demo(services: Services) -> dict[str, str]:
    """Create the demo data; returns what was made (customer ids, order and sample numbers)."""
    bus, admin = services.bus, c.SYSTEM
    made: dict[str, str] = {}
    customer_a = bus.handle(
        c.RegisterCustomer(admin, *CUSTOMER_A, [("陈经理", "13905910001", "chen@hengda.example")])
    )
    customer_b = bus.handle(
        c.RegisterCustomer(admin, *CUSTOMER_B, [("林主管", "13806020002", "lin@haiwan.example")])
    )
    made["customer_a"], made["customer_b"] = customer_a, customer_b
    for username, role, name in STAFF:
        bus.handle(c.CreateUser(admin, username, DEMO_PASSWORD, role, None, name, False))
    for username, customer_id, name in (
        ("cust-a", customer_a, "陈经理"),
        ("cust-b", customer_b, "林主管"),
    ):
        bus.handle(
            c.CreateUser(admin, username, DEMO_PASSWORD, "customer", customer_id, name, False)
        )
    made["order_a"], samples = order_samples(services, customer_a, "verification", GAUGES, JOURNEYS)
    made.update((f"sample_a{i}", number) for i, number in enumerate(samples, 1))
    order_b = bus.handle(
        c.CreateOrder(admin, customer_b, "calibration", [{"instrument_type": "压力变送器"}])
    )
    made["order_b"] = order_b
    sample_b = bus.handle(
        c.RegisterSample(
            admin, order_b,
            {"instrument_type": "压力变送器", "manufacturer": "Rosemount", "model": "3051",
             "serial_number": "R3051-88", "range_min": "0", "range_max": "250", "unit": "kPa"},
        )
    )  # fmt: skip
    bus.handle(c.ApplyTransition(admin, sample_b, "receive", "intake_platform:K1"))
    made["sample_b1"] = sample_b
    return made


def tag_demo_samples(
    services: Services, numbers: Iterable[str], company_prefix: str, epc_filter: int = 0
) -> list[str]:
    """Give the demo samples past intake the GIAI-96 EPC the kiosk would have written, each
    with its custody record, so the shelf readers see the seeded stock (the demo's samples are
    seeded by transitions, not handed in at the kiosk); ``numbers`` that name no sample (the
    seed's order numbers and customer ids) are passed over; returns the samples tagged."""
    tagged = []
    for number in sorted(set(numbers)):
        with services.uow_factory() as uow:
            sample = uow.samples.get(number)
            if sample is None or sample.epc or sample.state is SampleState.REGISTERED:
                continue
            giai = giai_for_sample(number, company_prefix, epc_filter)
            sample.epc, sample.epc_uri = giai.to_hex(), giai.pure_identity_uri()
            sample.events.append(EpcAssigned(
                c.SYSTEM.username, services.clock.now(), number, sample.order_number,
                sample.epc, sample.epc_uri,
            ))  # fmt: skip
            uow.commit()
        tagged.append(number)
    return tagged


def seed_demo_certificates(services: Services, made: dict[str, str], now: datetime) -> list[str]:
    """Issue a verification certificate for the demo gauge that finished its service.

    Three demo people sign it (entered, reviewed 核验, approved 批准), as the four-eyes rule needs;
    each step is a command, so the sample's chain of custody shows it.
    """
    if services.lab is None:
        raise RuntimeError("the demo certificate needs the lab; bootstrap wires it on a database")
    sheet = dict(GAUGES[4])
    number = certify_gauge(services.bus.handle, made["sample_a5"], CUSTOMER_A[0], sheet, now)
    return [number]


def demo_seed_services(settings: Settings, base: Services | None = None) -> Services:
    """Services whose clock starts two days ago and steps 40 minutes a command: demo timelines.

    Given ``base``, they share its units of work (its engine) and lab instead of opening their
    own."""
    from datetime import UTC, datetime, timedelta

    from samplehub.simulation.clock import SteppingClock

    start = datetime.now(UTC) - timedelta(days=2)
    clock = SteppingClock(start, timedelta(minutes=40))
    if base is None:
        return bootstrap(settings, clock=clock)
    lab = base.lab.deps if base.lab is not None else None
    places = base.bus.context.places
    return bootstrap(settings, uow_factory=base.uow_factory, clock=clock, lab=lab, places=places)
