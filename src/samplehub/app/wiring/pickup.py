"""Wiring of pickup: locker cabinets, codes, notices and policy."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.config_devices import ModbusLockers
from samplehub.app.secret_key import with_secret_key
from samplehub.app.services import Services
from samplehub.core.adapters.clock import SystemClock
from samplehub.core.domain.outbox import OutboxMessage
from samplehub.core.service.notifications import NoticeSender
from samplehub.core.service.ports import Clock

if TYPE_CHECKING:
    from samplehub.core.service.notifications import NoticeSender
    from samplehub.pickup.domain.capacity import PickupPolicy
    from samplehub.pickup.domain.codes import CodeHasher
    from samplehub.pickup.service.app import PickupApp
    from samplehub.pickup.service.deps import PickupDeps
    from samplehub.pickup.service.ports import (
        LockerController,
        PickupNotifier,
        SampleLoader,
    )


log = logging.getLogger(__name__)
DEMO_LOCKER_BANK = (
    Path(__file__).resolve().parents[2] / "pickup" / "adapters" / "lockers" / "demo-bank.yaml"
)


def pickup_app(
    settings: Settings,
    services: Services,
    *,
    clock: Clock | None = None,
    lockers: tuple[LockerController, SampleLoader] | None = None,
    senders: list[NoticeSender] | None = None,
    customer_s: float | None = 8.0,
) -> PickupApp:
    """The pickup side on ``services``' units of work (bookings, kiosk guards, attempt log,
    samples and the outbox's notices in one transaction per command), and the lockers:
    ``lockers`` when given, the
    Modbus cabinets ``pickup.lockers`` names (type modbus), else simulated cabinets (pymodbus
    servers on local ports) whose customer empties an opened door after ``customer_s``.
    ``deliver`` runs one delivery round of the outbox over ``senders`` (default: the channels
    ``notify.*`` configures); ``serve``'s delivery worker does the same on its own.
    """
    from samplehub.app.wiring import notify
    from samplehub.core.service.notifications import Channel
    from samplehub.pickup.domain.capacity import CompartmentSize
    from samplehub.pickup.domain.codes import CodeHasher
    from samplehub.pickup.service.app import PickupApp
    from samplehub.pickup.service.notify import NoticePickupNotifier
    from samplehub.web.i18n import translate

    settings = with_secret_key(settings)
    closers: list[Callable[[], None]] = []
    if lockers is None:
        lockers = _pickup_lockers(settings, customer_s, closers)
    controller, loader = lockers
    by_channel = (
        notify.notice_senders(settings) if senders is None else {s.channel: s for s in senders}
    )
    clock = clock or SystemClock()
    notifier = NoticePickupNotifier(
        services.uow_factory,
        clock,
        texts=translate,
        channels=[c for c in (Channel.SMS, Channel.EMAIL) if c in by_channel],
        staff=notify.staff_alerts(settings),
    )
    deliverer = notify.deliverer(settings, services, by_channel)
    deliverer.clock = clock
    key = hashlib.sha256(f"samplehub-pickup-code-key:{settings.secret_key}".encode()).digest()
    deps = pickup_deps(
        services,
        controller,
        notifier,
        clock,
        CodeHasher(key),
        pickup_policy(settings),
    )

    def qr_svg(text: str) -> str:
        from samplehub.pickup.adapters.qr import qr_svg as render

        return render(text)

    def outbox() -> list[OutboxMessage]:
        with services.uow_factory() as uow:
            return uow.outbox.recent(30)

    def close() -> None:
        for closer in reversed(closers):
            closer()

    return PickupApp(
        deps,
        loader,
        qr_svg,
        CompartmentSize.parse(settings.pickup.default_size, "pickup.default_size"),
        outbox,
        close,
        deliverer.run_once,
    )


def pickup_deps(
    services: Services,
    lockers: LockerController,
    notifier: PickupNotifier,
    clock: Clock,
    hasher: CodeHasher,
    policy: PickupPolicy | None = None,
) -> PickupDeps:
    """The pickup use cases over ``services``: reads in their units of work, changes through
    the bus, whose pickup handlers are registered here over these deps (once per bus)."""
    from samplehub.pickup.service.deps import (
        PickupDeps,
        StoredAttempts,
        StoredBookings,
        StoredTasks,
    )
    from samplehub.pickup.service.handlers import pickup_handlers

    deps = PickupDeps(
        handle=services.bus.handle,
        bookings=StoredBookings(services.uow_factory),
        lockers=lockers,
        notifier=notifier,
        clock=clock,
        hasher=hasher,
        attempts=StoredAttempts(services.uow_factory),
        tasks=StoredTasks(services.uow_factory),
    )
    if policy is not None:
        deps.policy = policy
    services.bus.register(pickup_handlers(deps))
    return deps


def pickup_policy(settings: Settings) -> PickupPolicy:
    from datetime import timedelta

    from samplehub.pickup.domain.capacity import PickupPolicy

    p = settings.pickup
    return PickupPolicy(
        window_length=timedelta(minutes=p.window_minutes),
        opening=p.opening,
        closing=p.closing,
        staging_lead=timedelta(minutes=p.staging_lead_minutes),
        grace=timedelta(days=p.grace_days),
        staging_per_hour=p.staging_per_hour,
        counter_capacity=p.counter_capacity,
        horizon=timedelta(days=p.horizon_days),
    )


def _pickup_lockers(
    settings: Settings, customer_s: float | None, closers: list[Callable[[], None]]
) -> tuple[LockerController, SampleLoader]:
    from samplehub.app.wiring import rfid as rfid_wiring
    from samplehub.core.domain.epc import giai_for_sample
    from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
    from samplehub.pickup.adapters.lockers.operator import OperatorLoader
    from samplehub.pickup.adapters.lockers.register_map import load_bank
    from samplehub.pickup.service.identity import IdentifiedLockers
    from samplehub.simulation.llrp_tags import TagReadersWorld
    from samplehub.simulation.lockers import SimulatedLoader, SimulatedLockerReaders, start_bank

    lockers = settings.pickup.lockers
    if isinstance(lockers, ModbusLockers):
        controller = ModbusLockerController(load_bank(lockers.bank))
        closers.append(controller.close)
        known = settings.rfid.all_readers()
        readers = {cabinet: r for cabinet, r in lockers.readers.items() if r in known}
        if set(readers) != set(lockers.readers):
            log.warning("pickup.lockers.readers %s: not in rfid.readers; those cabinets: "
                        "presence only", sorted(set(lockers.readers) - set(readers)))  # fmt: skip
        if not readers:
            return controller, OperatorLoader(controller)
        tags = rfid_wiring.rfid_site(settings).readers  # real LLRP readers, one antenna a door
        return IdentifiedLockers(controller, tags, readers), OperatorLoader(controller)
    sims, bank = start_bank(load_bank(DEMO_LOCKER_BANK), customer_s=customer_s)
    for sim in sims.values():
        closers.append(sim.stop)
    controller = ModbusLockerController(bank)
    closers.append(controller.close)
    kiosk = settings.kiosk

    def epc_of(number: str) -> str:
        return giai_for_sample(number, kiosk.epc_company_prefix, kiosk.epc_filter).to_hex()

    loader = SimulatedLoader(sims, epc_of)
    readers = {cabinet: reader for cabinet, reader in lockers.readers.items() if cabinet in sims}
    if not readers:
        return controller, loader
    inside = SimulatedLockerReaders(sims, {reader: cabinet for cabinet, reader in readers.items()})
    served = rfid_wiring.ServedReaders(TagReadersWorld(inside), timeout_s=settings.rfid.timeout_s)
    closers.append(served.close)
    for cabinet, reader in sorted(readers.items()):  # over LLRP, as a real cabinet's reader
        served.add_simulated_reader(reader, len(sims[cabinet].doors))
    return IdentifiedLockers(controller, served.readers, readers), loader
