"""The kiosk's two devices, label printer and tag writer, driven so that a failing device is
reported on the receipt and never takes the hand-in down with it."""

from __future__ import annotations

import logging

from samplehub.core.domain.model import Sample
from samplehub.intake.service.ports import IntakeDeviceError, Label, LabelPrinter, RfidWriter

log = logging.getLogger(__name__)


def label_for(sample: Sample, customer_name: str, tracking_url: str) -> Label:
    """The sample's label: number, customer, instrument, tracking QR and EPC."""
    instrument = " ".join(
        v for v in (sample.instrument.instrument_type, sample.instrument.model) if v
    )
    return Label(
        sample_no=sample.number,
        customer_short_name=customer_name[:16],
        instrument=instrument,
        tracking_url=tracking_url,
        epc_hex=sample.epc or "",
    )


def print_label(printer: LabelPrinter, label: Label) -> tuple[bool, str]:
    """Whether the label printed, and what to show."""
    try:
        printer.print_label(label)
    except IntakeDeviceError as error:
        return False, str(error)
    except Exception as error:  # a device must never take the receipt down with it
        log.exception("label printer failed unexpectedly")
        return False, f"label printer error: {error}"
    return True, "printed"


def write_tag(rfid: RfidWriter, epc_hex: str) -> tuple[bool, str]:
    """Whether the EPC was written to a tag and read back, and what to show.

    A failed write is tried once more: the writer then takes a fresh tag (the one that failed
    is voided by the encoder, or the customer is asked for another). After a second failure
    the kiosk shows the customer its catalogue message and staff write the tag later.
    """
    detail = ""
    for attempt in (1, 2):
        try:
            written = rfid.write_epc(epc_hex)
        except IntakeDeviceError as error:
            detail = str(error)
        except Exception as error:
            log.exception("RFID writer failed unexpectedly")
            detail = f"RFID writer error: {error}"
        else:
            return True, f"tag {written.tid}" + (" (2nd tag)" if attempt == 2 else "")
        log.warning("writing EPC %s, attempt %d of 2, failed: %s", epc_hex, attempt, detail)
    return False, detail
