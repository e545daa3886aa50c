"""Commands of the kiosk intake: receive or refuse one instrument, record a device outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from samplehub.core.service.commands import Command


@dataclass(frozen=True)
class WalkIn:
    """A customer without a pre-registered order: the company (by credit code) and a contact."""

    credit_code: str
    phone: str
    contact_name: str = "送样人"
    company_name: str | None = None  # needed only when the company is not registered yet


@dataclass(frozen=True)
class KioskHandIn(Command):
    """One instrument on the platform, as the customer confirmed it.

    ``order_number`` is the session's order; None for a walk-in whose first instrument this is
    (the kiosk order, and the customer if new, are made in the same transaction).
    """

    order_number: str | None
    walk_in: WalkIn | None
    service: str
    instrument: dict[str, Any]
    location: str  # the intake platform, intake_platform:K1


@dataclass(frozen=True)
class ReceiveAtKiosk(KioskHandIn):
    """Receive, assign the EPC and make the put-away task: all or nothing."""

    epc_company_prefix: str = "0614141"
    epc_filter: int = 0


@dataclass(frozen=True)
class RefuseAtKiosk(KioskHandIn):
    """Register and reject an instrument the institute cannot take (damaged), with the reason."""

    reason: str = ""


@dataclass(frozen=True)
class RecordIntakeDevices(Command):
    """What the label printer and RFID writer did for a received sample: (device, ok, detail)."""

    sample_number: str
    outcomes: tuple[tuple[str, bool, str], ...]
