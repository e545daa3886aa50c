"""Sends ZPL to a networked label printer over raw TCP (port 9100, "JetDirect" printing)."""

from __future__ import annotations

import logging
import socket

from samplehub.intake.adapters.printers.zpl import ZplLayout, render_zpl
from samplehub.intake.service.ports import IntakeDeviceError, Label

log = logging.getLogger(__name__)


class ZplTcpPrinter:
    """The LabelPrinter port for a Zebra-compatible printer at ``host:port``.

    Each label is one connection: connect, send, close. Raw 9100 has no reply, so a printer
    that accepts the bytes is taken as having the job; a refused or timed-out connection is an
    IntakeDeviceError the kiosk shows, never a crash.
    """

    def __init__(
        self,
        host: str,
        port: int = 9100,
        *,
        timeout_s: float = 5.0,
        layout: ZplLayout | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self.layout = layout or ZplLayout()

    def print_label(self, label: Label) -> None:
        document = render_zpl(label, self.layout).encode("utf-8")
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout_s) as conn:
                conn.sendall(document)
                conn.shutdown(socket.SHUT_WR)
        except OSError as exc:
            log.warning("label printer %s:%s failed: %s", self.host, self.port, exc)
            raise IntakeDeviceError(
                f"标签打印机 {self.host}:{self.port} 无法连接 / label printer "
                f"{self.host}:{self.port} unreachable: {exc}"
            ) from exc
