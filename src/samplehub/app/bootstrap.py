"""The one place that picks concrete adapters and wires them into the service layer.

The demo, the tests and the simulator differ only in what they pass here.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.services import AppUnitOfWork, Services
from samplehub.core.adapters.clock import SystemClock
from samplehub.core.adapters.passwords import Argon2Hasher
from samplehub.core.domain.events import Event
from samplehub.core.domain.numbering import NumberScheme
from samplehub.core.service.handlers import HANDLERS, Context
from samplehub.core.service.messagebus import MessageBus
from samplehub.core.service.notifications import Notice, NoticeSender
from samplehub.core.service.ports import Clock, EventPublisher, PasswordHasher
from samplehub.core.service.status_cache import StatusCache
from samplehub.intake.service.handlers import INTAKE_HANDLERS
from samplehub.intake.service.ports import NameplateVision
from samplehub.lab.service.certificates import LabDeps
from samplehub.lab.service.handlers import lab_handlers
from samplehub.lab.service.services import LabServices
from samplehub.recall.service.handlers import RECALL_HANDLERS

if TYPE_CHECKING:
    from samplehub.core.service.notifications import Channel, Notice, NoticeSender
    from samplehub.fleet.service.ports import Transport
    from samplehub.intake.service.camera_ports import Camera
    from samplehub.intake.service.kiosk import KioskDesk
    from samplehub.intake.service.ports import LabelPrinter, RfidWriter, VisionResult
    from samplehub.pickup.domain.capacity import PickupPolicy
    from samplehub.pickup.domain.codes import CodeHasher
    from samplehub.pickup.service.app import PickupApp
    from samplehub.pickup.service.deps import PickupDeps
    from samplehub.pickup.service.ports import (
        LockerController,
        PickupClock,
        PickupNotifier,
        SampleLoader,
    )
    from samplehub.simulation.live import LiveFleet

DEMO_FLEET_SCENARIO = Path(__file__).resolve().parents[3] / "scenarios" / "peak-hour.yaml"
DEMO_CAMERA_FOLDER = (
    Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "samplehub" / "nameplates"
)


def bootstrap(
    settings: Settings,
    *,
    uow_factory: Callable[[], AppUnitOfWork] | None = None,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    publisher: EventPublisher | None = None,
    lab: LabDeps | None = None,
) -> Services:
    """Wire the services; anything not given gets its production adapter.

    Without a unit of work given, this makes the process's one engine (one connection pool)
    and every repository works on it; the lab (console, certificates) is wired on it too.
    With a unit of work given, the lab is wired only when ``lab`` is given.
    """
    close: Callable[[], None] = _nothing_to_close
    wire_lab = lab is not None
    if uow_factory is None:
        from samplehub.app.units import SqlAppUowFactory

        sql = SqlAppUowFactory(settings.resolved_database_url(), settings.data_dir)
        uow_factory, close, wire_lab = sql, sql.dispose, True
    clock = clock or SystemClock()
    hasher = hasher or Argon2Hasher()
    numbering = settings.sample_numbering
    context = Context(
        clock=clock,
        hasher=hasher,
        sample_numbers=NumberScheme(numbering.prefix, numbering.width),
        order_numbers=NumberScheme("WT", numbering.width),
    )
    statuses = StatusCache(settings.status_cache_seconds)
    uow_factory = _telling(uow_factory, statuses)
    lab = lab or (lab_deps(settings, uow_factory) if wire_lab else None)
    handlers = {**HANDLERS, **INTAKE_HANDLERS, **RECALL_HANDLERS}
    if lab is not None:
        handlers.update(lab_handlers(lab))
    bus = MessageBus(uow_factory, context, handlers, publisher)
    lab_services = None if lab is None else lab_services_for(settings, lab, bus, uow_factory, clock)
    return Services(
        bus=bus,
        uow_factory=uow_factory,
        hasher=hasher,
        clock=clock,
        statuses=statuses,
        close=close,
        lab=lab_services,
    )


def _telling(
    factory: Callable[[], AppUnitOfWork], statuses: StatusCache
) -> Callable[[], AppUnitOfWork]:
    """Units of work that tell the status cache what every commit changed, whoever commits
    (and whoever ``factory`` already tells: services sharing another's units of work)."""

    def make() -> AppUnitOfWork:
        uow = factory()
        told = uow.after_commit
        if told is None:
            uow.after_commit = statuses.publish
        else:

            def both(events: Sequence[Event]) -> None:
                told(events)
                statuses.publish(events)

            uow.after_commit = both
        return uow

    return make


def lab_services_for(
    settings: Settings,
    deps: LabDeps,
    bus: MessageBus,
    uow_factory: Callable[[], AppUnitOfWork],
    clock: Clock,
) -> LabServices:
    """The lab console and certificate desk over the lab deps, the bus and the unit of work."""
    from samplehub.lab.adapters.metrology_rules.standards import load_standards
    from samplehub.lab.service.console import ConsoleConfig, LabConsole, split_customer_intervals
    from samplehub.lab.service.desk import CertificateDesk

    lab_settings = settings.lab
    config = ConsoleConfig.parse(
        lab_settings.disciplines, lab_settings.benches, lab_settings.turnaround_days
    )
    intervals = split_customer_intervals(settings.recall.customer_intervals)
    return LabServices(
        deps=deps,
        console=LabConsole(bus.handle, uow_factory, clock, deps.rules, config),
        desk=CertificateDesk(deps, bus.handle, uow_factory, clock, load_standards(), intervals),
    )


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
    return bootstrap(settings, uow_factory=base.uow_factory, clock=clock, lab=lab)


def lab_deps(settings: Settings, uow_factory: Callable[[], AppUnitOfWork]) -> LabDeps:
    """The lab's tools (PDFs under ``data_dir/documents``) and certificate reads over
    ``uow_factory``."""
    from samplehub.lab.adapters.certificates.dcc import DccXmlWriter
    from samplehub.lab.adapters.certificates.institute import Institute
    from samplehub.lab.adapters.certificates.pdf import PdfCertificateRenderer
    from samplehub.lab.adapters.db import FileDocumentStore
    from samplehub.lab.adapters.metrology_rules.loader import load_rule_book
    from samplehub.lab.adapters.results_import.readers import SheetResultsReader
    from samplehub.lab.service.certificates import StoredCertificates

    institute_settings = settings.institute
    institute = Institute(
        name_zh=institute_settings.name_zh,
        name_en=institute_settings.name_en,
        address=institute_settings.address,
        phone=institute_settings.phone,
        authorisation=institute_settings.authorisation,
    )
    return LabDeps(
        certificates=StoredCertificates(uow_factory),
        renderer=PdfCertificateRenderer(institute),
        documents=FileDocumentStore(settings.data_dir / "documents"),
        dcc=DccXmlWriter(institute),
        sheets=SheetResultsReader(),
        rules=load_rule_book(),
        verify_base_url=institute_settings.public_url,
    )


def recall_senders(settings: Settings) -> list[NoticeSender]:
    """The reminder channels the settings configure: SMTP email, SMS and WeChat webhooks."""
    from samplehub.core.adapters.notifications.smtp import SmtpSender
    from samplehub.core.adapters.notifications.webhook import WebhookSender
    from samplehub.core.service.notifications import Channel

    recall = settings.recall
    senders: list[NoticeSender] = []
    if recall.smtp_host:
        senders.append(SmtpSender(recall.smtp_host, recall.smtp_port, recall.smtp_sender))
    if recall.sms_webhook_url:
        senders.append(WebhookSender(Channel.SMS, recall.sms_webhook_url))
    if recall.wechat_webhook_url:
        senders.append(WebhookSender(Channel.WECHAT, recall.wechat_webhook_url))
    return senders


def send_recall_reminders(
    settings: Settings, today: date | None = None, senders: list[NoticeSender] | None = None
) -> list[Notice]:
    """Send today's recall reminders (30 and 7 days before due, by default) and log them."""
    from datetime import UTC, datetime, timedelta

    from samplehub.recall.domain.recall import parse_days
    from samplehub.recall.service.recall import send_reminders

    now = datetime.now(UTC)
    today = today or (now + timedelta(hours=8)).date()  # the institute's calendar day (UTC+8)
    services = bootstrap(settings)
    try:
        return send_reminders(
            services.bus.handle,
            services.uow_factory,
            recall_senders(settings) if senders is None else senders,
            today,
            now,
            parse_days(settings.recall.reminder_days),
        )
    finally:
        services.close()


def build_vision(instrument_types: dict[str, str] | None = None) -> NameplateVision:
    """The nameplate reader (RapidOCR + zxing-cpp); loading it takes seconds, so only on demand."""
    from samplehub.intake.adapters.vision.reader import RapidNameplateVision

    return RapidNameplateVision(instrument_types=instrument_types)


def with_secret_key(settings: Settings) -> Settings:
    """The settings with a signing key: the configured one, or one kept in the data folder.

    The file is made once with 256 random bits and mode 0600, so restarts keep sessions valid
    and no installation runs on a key published in the source.
    """
    if settings.secret_key:
        return settings
    path = settings.data_dir / "secret.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(32))
    return settings.model_copy(update={"secret_key": path.read_text().strip()})


def _nothing_to_close() -> None:
    """Injected stores are closed by whoever made them."""


def upgrade_database(settings: Settings) -> str:
    """Apply the migrations to the configured database; returns the URL without password."""
    from samplehub.core.adapters.db import upgrade

    url = settings.resolved_database_url()
    upgrade(url)
    return _safe_url(url)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def fleet_transport(settings: Settings, client_id: str) -> Transport:
    """VDA 5050 transport: the broker at ``SAMPLEHUB_MQTT_URL`` when set, else in-process."""
    if settings.mqtt_url:
        from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport

        transport = MqttTransport(settings.mqtt_url, client_id)
        transport.start()
        return transport
    from samplehub.fleet.adapters.mqtt.inprocess import InProcessTransport

    return InProcessTransport()


DEMO_EPC_COMPANY_PREFIX = "0614141"  # the GS1 example prefix; the demo owns no real one


def demo_fleet(
    settings: Settings, scenario: Path = DEMO_FLEET_SCENARIO, services: Services | None = None
) -> LiveFleet | None:
    """The demo's simulated fleet for the live map, in real time; None without the scenario file
    (an installed package without the repository's ``scenarios/``), so the demo still starts.

    Given ``services``, the samples waiting at the intake platform are handed to the fleet: each
    gets its GIAI-96 EPC and a put-away task, and every move the robots make is applied to the
    sample's lifecycle with custody records, so the demo's map and timelines tell one story. The
    simulated demand leaves those samples in their slots afterwards.
    """
    if not scenario.is_file():
        return None
    from samplehub.core.domain.epc import giai_for_sample
    from samplehub.core.domain.lifecycle import SampleState
    from samplehub.core.service import queries
    from samplehub.core.service.commands import SYSTEM
    from samplehub.core.service.ports import SampleFilter
    from samplehub.fleet.service.lifecycle import BusFleetLifecycle
    from samplehub.simulation.live import LiveFleet
    from samplehub.simulation.runner import FleetSimulation
    from samplehub.simulation.scenario import load_scenario

    lifecycle = BusFleetLifecycle(services.bus.handle) if services is not None else None
    sim = FleetSimulation(
        load_scenario(scenario),
        "optimal",
        1,
        transport=fleet_transport(settings, "samplehub-demo"),
        lifecycle=lifecycle,
    )
    if services is not None and lifecycle is not None:
        waiting = queries.list_samples(
            services.uow_factory, SYSTEM, SampleFilter(state=SampleState.RECEIVED, limit=50)
        )
        for sample in waiting.items:
            epc = giai_for_sample(sample.number, DEMO_EPC_COMPANY_PREFIX).to_hex()
            lifecycle.register(epc, sample.number)
            sim.storage.put_away(epc, "M", 3 * 86400, sim.clock.t)
            sim.world.place("intake", epc)
            sim.busy.add(epc)
            sim.pinned.add(epc)
    return LiveFleet(sim)


class _VisionOnDemand:
    """The nameplate reader, loaded on the first photo (seconds), then kept for every kiosk."""

    def __init__(self, load: Callable[[], NameplateVision]) -> None:
        self._load = load
        self._vision: NameplateVision | None = None
        self._lock = threading.Lock()

    def read_image(self, data: bytes, name: str = "image") -> VisionResult:
        if self._vision is None:
            with self._lock:
                if self._vision is None:
                    self._vision = self._load()
        return self._vision.read_image(data, name)


def kiosk_printer(settings: Settings) -> LabelPrinter:
    """The label printer the settings name: ZPL over TCP 9100, PDF files, or in memory."""
    kiosk = settings.kiosk
    if kiosk.printer == "zpl":
        from samplehub.intake.adapters.printers.tcp import ZplTcpPrinter

        if not kiosk.printer_host:
            raise ValueError("kiosk.printer_host must be set when kiosk.printer is zpl")
        return ZplTcpPrinter(kiosk.printer_host, kiosk.printer_port)
    if kiosk.printer == "pdf":
        from samplehub.intake.adapters.printers.pdf import PdfLabelPrinter

        return PdfLabelPrinter(settings.data_dir / "labels")
    from samplehub.intake.service.ports import InMemoryLabelPrinter

    return InMemoryLabelPrinter()


def kiosk_camera(settings: Settings) -> Camera | None:
    """The platform camera: an image folder (demo), an OpenCV source, or none (uploads only)."""
    kiosk = settings.kiosk
    if kiosk.camera == "opencv":
        from samplehub.intake.adapters.camera.opencv import OpenCvCamera, parse_source

        if not kiosk.camera_source:
            raise ValueError("kiosk.camera_source must name a USB index or URL for opencv")
        return OpenCvCamera(parse_source(kiosk.camera_source))
    if kiosk.camera == "folder":
        from samplehub.intake.adapters.camera.folder import FolderCamera

        return FolderCamera(
            Path(kiosk.camera_source) if kiosk.camera_source else DEMO_CAMERA_FOLDER
        )
    return None


def build_kiosk(
    settings: Settings,
    services: Services,
    *,
    vision: NameplateVision | None = None,
    printer: LabelPrinter | None = None,
    rfid: RfidWriter | None = None,
    camera: Camera | None = None,
) -> KioskDesk:
    """The kiosk use case over ``services``; devices not given come from the settings.

    The RFID writer is the simulated one fed from a roll of blank tags until the LLRP adapter
    exists; vision loads on the first photo.
    """
    from samplehub.intake.service.kiosk import KioskDesk, KioskOptions
    from samplehub.simulation.tag_roll import TagRollWriter

    kiosk = settings.kiosk
    options = KioskOptions(
        epc_company_prefix=kiosk.epc_company_prefix,
        epc_filter=kiosk.epc_filter,
        location=kiosk.location,
        idle_timeout_s=float(kiosk.idle_timeout_s),
        public_url=settings.institute.public_url,
    )
    return KioskDesk(
        services.bus,
        services.uow_factory,
        services.clock,
        options,
        vision=vision or _VisionOnDemand(build_vision),
        printer=printer or kiosk_printer(settings),
        rfid=rfid or TagRollWriter(),
        camera=camera if camera is not None else kiosk_camera(settings),
    )


DEMO_LOCKER_BANK = (
    Path(__file__).resolve().parents[1] / "pickup" / "adapters" / "lockers" / "demo-bank.yaml"
)


def pickup_app(
    settings: Settings,
    services: Services,
    *,
    clock: PickupClock | None = None,
    lockers: tuple[LockerController, SampleLoader] | None = None,
    senders: list[NoticeSender] | None = None,
    customer_s: float | None = 8.0,
) -> PickupApp:
    """The pickup side on ``services``' units of work (bookings, kiosk guards, attempt log and
    samples in one transaction per command), notices through ``senders`` (default: one
    recording SMS sender, whose notices the demo's staff page shows), and the lockers:
    ``lockers`` when given, the
    Modbus cabinets of ``pickup.locker_bank`` when set, else simulated cabinets (pymodbus
    servers on local ports) whose customer empties an opened door after ``customer_s``.
    """
    from samplehub.core.adapters.notifications.memory import RecordingSender
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
    if senders is None:
        senders = [RecordingSender(Channel.SMS)]
    recording = [s for s in senders if isinstance(s, RecordingSender)]
    clock = clock or SystemClock()
    key = hashlib.sha256(f"samplehub-pickup-code-key:{settings.secret_key}".encode()).digest()
    deps = pickup_deps(
        services,
        controller,
        NoticePickupNotifier(senders, _recipients(services), clock=clock, texts=translate),
        clock,
        CodeHasher(key),
        pickup_policy(settings),
    )

    def qr_svg(text: str) -> str:
        from samplehub.pickup.adapters.qr import qr_svg as render

        return render(text)

    def notices() -> list[Notice]:
        return list(reversed([n for s in recording for n in s.sent]))[:30]

    def close() -> None:
        for closer in reversed(closers):
            closer()

    return PickupApp(
        deps,
        loader,
        qr_svg,
        CompartmentSize.parse(settings.pickup.default_size, "pickup.default_size"),
        notices if recording else None,
        close,
    )


def pickup_deps(
    services: Services,
    lockers: LockerController,
    notifier: PickupNotifier,
    clock: PickupClock,
    hasher: CodeHasher,
    policy: PickupPolicy | None = None,
) -> PickupDeps:
    """The pickup use cases over ``services``: reads in their units of work, changes through
    the bus, whose pickup handlers are registered here over these deps (once per bus)."""
    from samplehub.pickup.service.deps import PickupDeps, StoredAttempts, StoredBookings
    from samplehub.pickup.service.handlers import pickup_handlers

    deps = PickupDeps(
        handle=services.bus.handle,
        bookings=StoredBookings(services.uow_factory),
        lockers=lockers,
        notifier=notifier,
        clock=clock,
        hasher=hasher,
        attempts=StoredAttempts(services.uow_factory),
    )
    if policy is not None:
        deps.policy = policy
    services.bus.register(pickup_handlers(deps))
    return deps


def pickup_policy(settings: Settings) -> PickupPolicy:
    from datetime import time, timedelta

    from samplehub.pickup.domain.capacity import PickupPolicy

    p = settings.pickup
    return PickupPolicy(
        window_length=timedelta(minutes=p.window_minutes),
        opening=time.fromisoformat(p.opening),
        closing=time.fromisoformat(p.closing),
        staging_lead=timedelta(minutes=p.staging_lead_minutes),
        grace=timedelta(days=p.grace_days),
        staging_per_hour=p.staging_per_hour,
        counter_capacity=p.counter_capacity,
        horizon=timedelta(days=p.horizon_days),
    )


def _pickup_lockers(
    settings: Settings, customer_s: float | None, closers: list[Callable[[], None]]
) -> tuple[LockerController, SampleLoader]:
    from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
    from samplehub.pickup.adapters.lockers.operator import OperatorLoader
    from samplehub.pickup.adapters.lockers.register_map import load_bank
    from samplehub.simulation.lockers import SimulatedLoader, start_bank

    if settings.pickup.locker_bank is not None:
        controller = ModbusLockerController(load_bank(settings.pickup.locker_bank))
        closers.append(controller.close)
        return controller, OperatorLoader(controller)
    sims, bank = start_bank(load_bank(DEMO_LOCKER_BANK), customer_s=customer_s)
    for sim in sims.values():
        closers.append(sim.stop)
    controller = ModbusLockerController(bank)
    closers.append(controller.close)
    return controller, SimulatedLoader(sims)


def _recipients(services: Services) -> Callable[[str], list[tuple[Channel, str]]]:
    """Where a customer's pickup notices go: an SMS to each contact's phone."""
    from samplehub.core.service.notifications import Channel

    def lookup(customer_id: str) -> list[tuple[Channel, str]]:
        with services.uow_factory() as uow:
            customer = uow.customers.get(customer_id)
        if customer is None:
            return []
        return [(Channel.SMS, contact.phone) for contact in customer.contacts if contact.phone]

    return lookup


def start_pickup_job(app: PickupApp, seconds: float) -> Callable[[], None]:
    """Run ``app.run_due`` every ``seconds`` in a daemon thread; returns the stop function.

    Failures are logged and the next round tries again; ``seconds`` <= 0 starts nothing.
    """
    import logging

    if seconds <= 0:
        return _nothing_to_close
    stop = threading.Event()
    log = logging.getLogger("samplehub.pickup.job")

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                app.run_due()
            except Exception:  # the job must outlive one bad round (a locker, the database)
                log.exception("pickup job round failed; trying again in %s s", seconds)

    thread = threading.Thread(target=loop, name="pickup-job", daemon=True)
    thread.start()

    def stop_job() -> None:
        stop.set()
        thread.join(10)

    return stop_job
