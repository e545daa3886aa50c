"""The intake tests' doubles (unit, integration and browser tests share them): a bus that loses
races, a vision stand-in that decodes for real but reads a prepared plate, and a raw TCP 9100
label printer stand-in. The fakes the product ships (``FakeNameplateVision``, ``FakeCamera``,
``InMemoryLabelPrinter``) live beside their ports in ``samplehub.intake.service``."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from samplehub.core.domain.errors import Conflict
from samplehub.intake.adapters.vision.images import decode_image
from samplehub.intake.domain.nameplate import OcrLine, extract_fields
from samplehub.intake.service.ports import VisionResult


class RacingBus:
    """Loses the first ``losses`` races (Conflict), as eight kiosks on one chain may."""

    def __init__(self, bus: Any, losses: int) -> None:
        self.bus, self.losses = bus, losses

    def handle(self, command: Any) -> Any:
        if self.losses:
            self.losses -= 1
            raise Conflict("the audit chain")
        return self.bus.handle(command)


PLATE = [
    OcrLine("弹簧管压力表", 0.98),
    OcrLine("型号 Y-100", 0.97),
    OcrLine("出厂编号 2024-0815", 0.96),
    OcrLine("测量范围 0~1.6MPa", 0.95),
]


@dataclass
class DecodingVision:
    """Real decoding and size checks, then the prepared plate: OCR is not what is tested here."""

    reads: list[str] = field(default_factory=list)

    def read_image(self, data: bytes, name: str = "image") -> VisionResult:
        decode_image(data, name)
        self.reads.append(name)
        return VisionResult(extract_fields(PLATE), (), tuple(x.text for x in PLATE), 5.0)


class ZplPrinterStandIn:
    """A raw TCP 9100 stand-in on a free local port: every connection is one ZPL document, kept
    in order."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.documents: list[str] = []
        self._arrived = threading.Condition()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
            with self._arrived:
                self.documents.append(data.decode("utf-8"))
                self._arrived.notify_all()

    def wait(self, count: int = 1, timeout_s: float = 5.0) -> list[str]:
        """The documents once ``count`` have arrived (fewer if ``timeout_s`` passes first)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.documents) >= count, timeout_s)
            return list(self.documents)

    def close(self) -> None:
        self.server.close()
