"""Ports of the self-service intake: nameplate vision, label printers and RFID writers.

The intake handlers depend on these Protocols only; bootstrap picks the adapters (RapidOCR,
ZPL over TCP 9100, PDF, the simulated RFID writer) or the in-memory fakes the tests use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from samplehub.core.domain.errors import SampleHubError
from samplehub.core.domain.messages import Message
from samplehub.intake.domain.nameplate import NameplateReading, extract_fields

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_SIDE = 8000
IMAGE_FORMATS = ("PNG", "JPEG", "BMP", "TIFF", "WEBP")


class IntakeDeviceError(SampleHubError):
    """A device of the intake (camera, printer, RFID writer) failed; the message says how."""


class UnreadableImageError(SampleHubError, ValueError):
    """A file that is not a usable nameplate photo: which property, its value, what is allowed.

    ``text`` is the sentence for people, as a catalogue message the page or CLI translates.
    """

    def __init__(self, field: str, value: str, allowed: str, text: Message) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.text = text
        super().__init__(f"{field}: {value!r} is not usable; allowed: {allowed}")


ALLOWED_IMAGES = (
    f"{', '.join(IMAGE_FORMATS)}; ≤ {MAX_IMAGE_BYTES // (1024 * 1024)} MB; ≤ {MAX_IMAGE_SIDE} px"
)


def check_image_size(size: int, name: str) -> None:
    """Reject an upload by its byte count alone, before anything reads it."""
    if size > MAX_IMAGE_BYTES:
        mb = f"{size / (1024 * 1024):.1f} MB"
        raise UnreadableImageError(
            "size",
            mb,
            ALLOWED_IMAGES,
            Message("intake.error_image_too_large", {"name": name, "size": mb}),
        )
    if size == 0:
        raise UnreadableImageError(
            "size", "0 B", ALLOWED_IMAGES, Message("intake.error_image_empty", {"name": name})
        )


@dataclass(frozen=True)
class DecodedCode:
    """A barcode or QR code found in the photo: its symbology as zxing names it, and its text."""

    format: str
    text: str


@dataclass(frozen=True)
class VisionResult:
    """What the camera photo yields: proposed fields, codes, the text lines read, and the time."""

    reading: NameplateReading
    codes: tuple[DecodedCode, ...]
    lines: tuple[str, ...]
    elapsed_ms: float


class NameplateVision(Protocol):
    """Reads a nameplate photo; raises UnreadableImageError for files that are not usable images."""

    def read_image(self, data: bytes, name: str = "image") -> VisionResult: ...


@dataclass
class FakeNameplateVision:
    """Returns a prepared result per photo name, for handler and kiosk tests without OCR.

    A name without a prepared result reads as a blank plate (every field None); a name in
    ``unreadable`` raises UnreadableImageError as a corrupt upload would.
    """

    results: dict[str, VisionResult] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)

    def read_image(self, data: bytes, name: str = "image") -> VisionResult:
        self.calls.append(name)
        if name in self.unreadable:
            raise UnreadableImageError(
                "content",
                "corrupt",
                ALLOWED_IMAGES,
                Message("intake.error_image_corrupt", {"name": name}),
            )
        if name in self.results:
            return self.results[name]
        return VisionResult(extract_fields([]), (), (), 0.0)


@dataclass(frozen=True)
class Label:
    """What a sample label shows: number, customer, instrument, a QR code and a Code 128."""

    sample_no: str
    customer_short_name: str
    instrument: str
    tracking_url: str
    barcode: str = ""
    epc_hex: str = ""

    @property
    def code128(self) -> str:
        return self.barcode or self.sample_no


class LabelPrinter(Protocol):
    """Prints one label; raises IntakeDeviceError when the printer cannot take it."""

    def print_label(self, label: Label) -> None: ...


@dataclass
class InMemoryLabelPrinter:
    """A printer that keeps the labels it was given, for tests and the demo."""

    printed: list[Label] = field(default_factory=list)
    fail_with: str | None = None

    def print_label(self, label: Label) -> None:
        if self.fail_with:
            raise IntakeDeviceError(self.fail_with)
        self.printed.append(label)


@dataclass(frozen=True)
class TagWrite:
    """The outcome of writing an EPC: which tag (its TID) now carries which EPC."""

    tid: str
    epc_hex: str


class RfidWriter(Protocol):
    """Writes an EPC into the single tag in the writer's field and reads it back.

    Raises IntakeDeviceError when no tag, several tags, or a failed verify.
    """

    def write_epc(self, epc_hex: str, *, access_password: str | None = None) -> TagWrite: ...

    def read_epcs(self) -> list[str]: ...
