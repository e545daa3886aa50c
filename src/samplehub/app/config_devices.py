"""Each device kind its own typed config, chosen by ``type``; the flat keys of earlier releases
(``printer=zpl`` with ``printer_host``…) are folded into that shape."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from samplehub.app.config_types import Section


class PdfPrinter(Section):
    """Labels as PDF files in ``<data_dir>/labels`` (the demo's printer)."""

    type: Literal["pdf"] = "pdf"


class ZplPrinter(Section):
    """A ZPL label printer reached over raw TCP (port 9100 on most printers)."""

    type: Literal["zpl"] = "zpl"
    host: str = Field(min_length=1, description="Host name or address of the ZPL label printer")
    port: int = Field(9100, ge=1, le=65535, description="TCP port of the ZPL label printer")


class MemoryPrinter(Section):
    """Labels kept in memory (tests and benchmarks)."""

    type: Literal["memory"] = "memory"


class FolderCamera(Section):
    """Each capture is the next image of a folder (the demo's camera)."""

    type: Literal["folder"] = "folder"
    source: Path | None = Field(None, description="Image folder; unset: the demo nameplate photos")


class OpenCvCamera(Section):
    """A camera read through OpenCV (``cv2.VideoCapture``)."""

    type: Literal["opencv"] = "opencv"
    source: str = Field(min_length=1, description="USB index such as 0, or an RTSP URL")


class NoCamera(Section):
    """No platform camera: photos are uploaded."""

    type: Literal["none"] = "none"


class SimulatedLockers(Section):
    """Simulated cabinets (pymodbus servers on local ports), the demo's lockers."""

    type: Literal["simulated"] = "simulated"
    readers: dict[str, str] = Field(
        {"L1": "RD-L1"},
        description="Cabinets with an RFID reader in each compartment (cabinet id: reader "
        "name): loading and collection read which tag is inside; the others: presence only",
    )


class ModbusLockers(Section):
    """Real cabinets spoken to over Modbus TCP, laid out by a register map."""

    type: Literal["modbus"] = "modbus"
    bank: Path = Field(description="YAML register map of the Modbus locker cabinets")
    readers: dict[str, str] = Field(
        {},
        description="Cabinets with an RFID reader in each compartment (cabinet id: reader "
        "name, one of rfid.readers, read over LLRP); empty: every cabinet confirms by its "
        "presence bit only",
    )


Printer = Annotated[PdfPrinter | ZplPrinter | MemoryPrinter, Field(discriminator="type")]
Camera = Annotated[FolderCamera | OpenCvCamera | NoCamera, Field(discriminator="type")]
Lockers = Annotated[SimulatedLockers | ModbusLockers, Field(discriminator="type")]

# The flat keys of earlier releases, per device: the old key of each field of its config.
FLAT_DEVICE_KEYS = {
    "printer": {"printer_host": "host", "printer_port": "port"},
    "camera": {"camera_source": "source"},
}
DEVICE_FIELDS = {
    "printer": {"zpl": {"host", "port"}},
    "camera": {"folder": {"source"}, "opencv": {"source"}},
}


def fold_device(data: dict[str, object], device: str, legacy: dict[str, str]) -> None:
    """Fold ``device=kind`` and its flat ``device_field`` keys into ``device={type: kind, …}``.

    Flat keys that the chosen kind has no use for are dropped, as earlier releases ignored them.
    """
    value = data.get(device)
    if isinstance(value, str):
        value = {"type": value}
    old = {new: data.pop(key) for key, new in legacy.items() if key in data}
    if not old:
        if value is not None:
            data[device] = value
        return
    if value is None:
        return
    if isinstance(value, dict):
        kind = value.get("type")
        takes = DEVICE_FIELDS[device].get(kind, set()) if isinstance(kind, str) else set()
        value = {**{k: v for k, v in old.items() if k in takes}, **value}
    data[device] = value
