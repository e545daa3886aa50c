"""A simulated RFID writer fed from a roll of blank tags, as a printer-encoder is.

Each write takes the next blank inlay into the field, writes and verifies it, and moves it on,
so the demo and the benchmark can receive sample after sample without a person placing tags.
Faults are the SimulatedRfidWriter's own (``offline``, ``fail_verify_next``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from samplehub.intake.service.ports import TagWrite
from samplehub.simulation.rfid import SimulatedRfidWriter, SimulatedTag


@dataclass
class TagRollWriter:
    """The RfidWriter port: a SimulatedRfidWriter that places one fresh blank tag per write."""

    writer: SimulatedRfidWriter = field(default_factory=SimulatedRfidWriter)
    next_serial: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def write_epc(self, epc_hex: str, *, access_password: str | None = None) -> TagWrite:
        with self._lock:
            self.writer.field_tags = [SimulatedTag(f"E2801170{self.next_serial:016X}")]
            self.next_serial += 1
            try:
                return self.writer.write_epc(epc_hex, access_password=access_password)
            finally:
                self.writer.field_tags = []

    def read_epcs(self) -> list[str]:
        return self.writer.read_epcs()
