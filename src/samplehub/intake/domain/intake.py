"""Self-service intake (自助受理): the events of a kiosk hand-in and the rules they follow.

A kiosk receipt is one transaction: the sample is registered and received, its GIAI-96 EPC is
assigned, and a transport to storage is requested. Printing the label and writing the tag come
after that commit (devices are not transactional); their outcome is a second custody record, so
a printer that was down shows as a label to reprint, never as a lost receipt.
Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.events import SampleEvent
from samplehub.core.domain.messages import Message

# An order number as the numbering scheme makes it (WT2026-000123); a QR code may wrap it in a URL
# or a prefix such as ``SH:ORDER:``, a keyboard-wedge scanner may add spaces or lower case.
_ORDER_NUMBER = re.compile(r"([A-Z]{1,6}\d{4}-\d{3,10})")
DEVICE_LABEL = "label"
DEVICE_RFID = "rfid"
DEVICES = (DEVICE_LABEL, DEVICE_RFID)


def serial_key(serial: str) -> str:
    """A serial number as two spellings of one instrument compare: no spaces or dashes, upper."""
    return re.sub(r"[\s\-_/.]", "", serial).upper().replace("O", "0")


def serial_search_text(serial: str) -> str:
    """The longest run of letters and digits in a serial: a text filter that finds its spellings."""
    runs = re.findall(r"[0-9A-Za-z]+", serial)
    return max(runs, key=len) if runs else serial.strip()


def order_number_from_scan(text: str) -> str:
    """The order number in what a scanner typed or a person entered; InvalidValue if none."""
    cleaned = (text or "").strip().upper()
    found = _ORDER_NUMBER.findall(cleaned)
    if len(found) != 1:
        raise InvalidValue(
            "order_number",
            (text or "").strip()[:80],
            "an order number such as WT2026-000123 (typed, or the order's QR code)",
            Message("intake.allowed_order_number"),
        )
    number: str = found[0]
    return number


@dataclass(frozen=True)
class EpcAssigned(SampleEvent):
    """The sample's RFID identity: GIAI-96 as the 24 hex digits on the tag and as its URI."""

    epc_hex: str
    epc_uri: str


@dataclass(frozen=True)
class IntakeDeviceDone(SampleEvent):
    """A label was printed or a tag written for the sample (``detail``: printer, tag TID)."""

    device: str
    detail: str


@dataclass(frozen=True)
class IntakeDeviceFailed(SampleEvent):
    """A label or tag could not be made; the receipt stands and staff redo the device step."""

    device: str
    message: str


def device_status(events: list[tuple[str, dict[str, object]]]) -> dict[str, str]:
    """Per device, ``done`` or ``failed`` as the newest device record says (``pending`` if none).

    ``events`` are (event type, payload) of one sample, oldest first.
    """
    status = dict.fromkeys(DEVICES, "pending")
    for kind, payload in events:
        device = str(payload.get("device", ""))
        if device not in status:
            continue
        if kind == "IntakeDeviceDone":
            status[device] = "done"
        elif kind == "IntakeDeviceFailed":
            status[device] = "failed"
    return status
