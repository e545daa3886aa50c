"""What an RFID reader reports, shared by every reader adapter and every use of the reads.

A read is one tag seen by one antenna of one reader during an inventory round, as an LLRP
``RO_ACCESS_REPORT`` carries it (EPCglobal LLRP 1.1, TagReportData): the EPC, the antenna id,
the peak RSSI in dBm, the first-seen time in microseconds since the Unix epoch (UTC) and the
number of times the tag was seen. Fields a report leaves out are ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

from samplehub.core.domain.errors import SampleHubError


class ReaderUnavailable(SampleHubError):
    """An RFID reader could not be reached or answered with an error; the message names it."""


@dataclass(frozen=True)
class TagRead:
    """One tag seen by one antenna of one reader."""

    epc: str  # lower-case hex, as read from the EPC bank (96 bits: 24 hex digits)
    reader: str  # the reader's name in the site file
    antenna: int | None = None
    peak_rssi: int | None = None  # dBm
    first_seen_utc_us: int | None = None
    seen_count: int | None = None
