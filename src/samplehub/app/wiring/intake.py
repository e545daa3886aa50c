"""Wiring of the intake kiosk: nameplate vision, label printer, camera, tag writer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.config_devices import (
    FolderCamera,
    MemoryPrinter,
    NoCamera,
    OpenCvCamera,
    PdfPrinter,
    ZplPrinter,
)
from samplehub.app.services import Services
from samplehub.intake.service.ports import NameplateVision

if TYPE_CHECKING:
    from samplehub.intake.service.camera_ports import Camera
    from samplehub.intake.service.kiosk import KioskDesk
    from samplehub.intake.service.ports import LabelPrinter, RfidWriter, VisionResult


DEMO_CAMERA_FOLDER = (
    Path(__file__).resolve().parents[4] / "tests" / "fixtures" / "samplehub" / "nameplates"
)


def build_vision(instrument_types: dict[str, str] | None = None) -> NameplateVision:
    """The nameplate reader (RapidOCR + zxing-cpp); loading it takes seconds, so only on demand."""
    from samplehub.intake.adapters.vision.reader import RapidNameplateVision

    return RapidNameplateVision(instrument_types=instrument_types)


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
    match settings.kiosk.printer:
        case ZplPrinter(host=host, port=port):
            from samplehub.intake.adapters.printers.tcp import ZplTcpPrinter

            return ZplTcpPrinter(host, port)
        case PdfPrinter():
            from samplehub.intake.adapters.printers.pdf import PdfLabelPrinter

            return PdfLabelPrinter(settings.data_dir / "labels")
        case MemoryPrinter():
            from samplehub.intake.service.ports import InMemoryLabelPrinter

            return InMemoryLabelPrinter()


def kiosk_camera(settings: Settings) -> Camera | None:
    """The platform camera: an image folder (demo), an OpenCV source, or none (uploads only)."""
    match settings.kiosk.camera:
        case OpenCvCamera(source=source):
            from samplehub.intake.adapters.camera.opencv import OpenCvCamera as OpenCvAdapter
            from samplehub.intake.adapters.camera.opencv import parse_source

            return OpenCvAdapter(parse_source(source))
        case FolderCamera(source=folder):
            from samplehub.intake.adapters.camera.folder import FolderCamera as FolderAdapter

            return FolderAdapter(folder or DEMO_CAMERA_FOLDER)
        case NoCamera():
            return None


def intake_rfid_writer(settings: Settings) -> RfidWriter:
    """The intake's tag writer: LLRP to the configured reader, or the simulated tag roll."""
    if settings.rfid.intake_reader:
        from samplehub.app.wiring.rfid import LlrpIntakeWriter

        return LlrpIntakeWriter(settings)
    from samplehub.simulation.tag_roll import TagRollWriter

    return TagRollWriter()


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

    The RFID writer writes over LLRP to the intake reader's antenna (``rfid.intake_reader``;
    by default a simulated reader served in process); with no intake reader configured, the
    simulated tag roll. Vision loads on the first photo.
    """
    from samplehub.intake.service.kiosk import KioskDesk
    from samplehub.intake.service.session import KioskOptions

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
        rfid=rfid or intake_rfid_writer(settings),
        camera=camera if camera is not None else kiosk_camera(settings),
    )
