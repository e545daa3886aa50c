"""Devices are typed configs chosen by ``type``; the flat keys of earlier releases still work."""

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from samplehub.app.config import Settings
from samplehub.app.config_devices import (
    FolderCamera,
    MemoryPrinter,
    ModbusLockers,
    NoCamera,
    OpenCvCamera,
    PdfPrinter,
    SimulatedLockers,
    ZplPrinter,
)
from samplehub.app.wiring.intake import DEMO_CAMERA_FOLDER, kiosk_camera, kiosk_printer
from samplehub.intake.adapters.camera.folder import FolderCamera as FolderAdapter
from samplehub.intake.adapters.printers.pdf import PdfLabelPrinter
from samplehub.intake.adapters.printers.tcp import ZplTcpPrinter
from samplehub.intake.service.ports import InMemoryLabelPrinter


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("SAMPLEHUB_")]:
        monkeypatch.delenv(name)


def settings_from(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_defaults_are_the_pdf_printer_and_the_demo_folder_camera() -> None:
    kiosk = Settings().kiosk
    assert kiosk.printer == PdfPrinter()
    assert kiosk.camera == FolderCamera(source=None)


def test_nested_form_chooses_each_device_by_type(monkeypatch: pytest.MonkeyPatch) -> None:
    kiosk = settings_from(
        monkeypatch,
        SAMPLEHUB_KIOSK__PRINTER__TYPE="zpl",
        SAMPLEHUB_KIOSK__PRINTER__HOST="printer.lan",
        SAMPLEHUB_KIOSK__PRINTER__PORT="9101",
        SAMPLEHUB_KIOSK__CAMERA__TYPE="opencv",
        SAMPLEHUB_KIOSK__CAMERA__SOURCE="rtsp://cam/1",
    ).kiosk
    assert kiosk.printer == ZplPrinter(host="printer.lan", port=9101)
    assert kiosk.camera == OpenCvCamera(source="rtsp://cam/1")


def test_flat_form_of_earlier_releases_is_folded_in(monkeypatch: pytest.MonkeyPatch) -> None:
    kiosk = settings_from(
        monkeypatch,
        SAMPLEHUB_KIOSK__PRINTER="zpl",
        SAMPLEHUB_KIOSK__PRINTER_HOST="h",
        SAMPLEHUB_KIOSK__PRINTER_PORT="9100",
        SAMPLEHUB_KIOSK__CAMERA="folder",
        SAMPLEHUB_KIOSK__CAMERA_SOURCE="dir",
    ).kiosk
    assert kiosk.printer == ZplPrinter(host="h", port=9100)
    assert kiosk.camera == FolderCamera(source=Path("dir"))


def test_flat_form_without_fields_and_flat_keys_a_kind_does_not_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kiosk = settings_from(
        monkeypatch,
        SAMPLEHUB_KIOSK__PRINTER="memory",
        SAMPLEHUB_KIOSK__PRINTER_HOST="ignored",
        SAMPLEHUB_KIOSK__CAMERA="none",
        SAMPLEHUB_KIOSK__CAMERA_SOURCE="ignored",
    ).kiosk
    assert kiosk.printer == MemoryPrinter()
    assert kiosk.camera == NoCamera()


@pytest.mark.parametrize(
    "env",
    [
        {"SAMPLEHUB_KIOSK__PRINTER": "zpl"},
        {"SAMPLEHUB_KIOSK__PRINTER__TYPE": "zpl", "SAMPLEHUB_KIOSK__PRINTER__PORT": "9100"},
    ],
)
def test_zpl_printer_without_host_is_an_error_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        settings_from(monkeypatch, **env)
    (error,) = caught.value.errors()
    assert error["loc"] == ("kiosk", "printer", "zpl", "host")
    assert "kiosk.printer.zpl.host" in str(caught.value)


def test_opencv_camera_without_source_is_an_error_naming_the_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValidationError) as caught:
        settings_from(monkeypatch, SAMPLEHUB_KIOSK__CAMERA="opencv")
    assert [e["loc"] for e in caught.value.errors()] == [("kiosk", "camera", "opencv", "source")]


def test_unknown_device_type_names_the_allowed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as caught:
        settings_from(monkeypatch, SAMPLEHUB_KIOSK__PRINTER__TYPE="inkjet")
    message = str(caught.value)
    assert "kiosk.printer" in message
    assert "'pdf', 'zpl', 'memory'" in message


def test_wiring_builds_the_printer_of_each_type(tmp_path: Path) -> None:
    def printer_for(config: PdfPrinter | ZplPrinter | MemoryPrinter) -> object:
        settings = Settings(data_dir=tmp_path)
        kiosk = settings.kiosk.model_copy(update={"printer": config})
        return kiosk_printer(settings.model_copy(update={"kiosk": kiosk}))

    zpl = printer_for(ZplPrinter(host="printer.lan", port=9101))
    assert isinstance(zpl, ZplTcpPrinter)
    assert (zpl.host, zpl.port) == ("printer.lan", 9101)
    assert isinstance(printer_for(PdfPrinter()), PdfLabelPrinter)
    assert isinstance(printer_for(MemoryPrinter()), InMemoryLabelPrinter)


def test_wiring_builds_the_camera_of_each_type(tmp_path: Path) -> None:
    def camera_for(config: FolderCamera | NoCamera) -> object:
        settings = Settings()
        kiosk = settings.kiosk.model_copy(update={"camera": config})
        return kiosk_camera(settings.model_copy(update={"kiosk": kiosk}))

    demo = camera_for(FolderCamera())
    assert isinstance(demo, FolderAdapter)
    assert demo.folder == DEMO_CAMERA_FOLDER
    chosen = camera_for(FolderCamera(source=tmp_path))
    assert isinstance(chosen, FolderAdapter)
    assert chosen.folder == tmp_path
    assert camera_for(NoCamera()) is None


def test_lockers_are_simulated_unless_a_modbus_bank_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().pickup.lockers == SimulatedLockers()
    nested = settings_from(
        monkeypatch,
        SAMPLEHUB_PICKUP__LOCKERS__TYPE="modbus",
        SAMPLEHUB_PICKUP__LOCKERS__BANK="/etc/samplehub/bank.yaml",
    )
    assert nested.pickup.lockers == ModbusLockers(bank=Path("/etc/samplehub/bank.yaml"))


def test_flat_locker_bank_of_earlier_releases_means_modbus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flat = settings_from(monkeypatch, SAMPLEHUB_PICKUP__LOCKER_BANK="/etc/samplehub/bank.yaml")
    assert flat.pickup.lockers == ModbusLockers(bank=Path("/etc/samplehub/bank.yaml"))


def test_modbus_lockers_without_a_bank_is_an_error_naming_the_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValidationError) as caught:
        settings_from(monkeypatch, SAMPLEHUB_PICKUP__LOCKERS__TYPE="modbus")
    assert [e["loc"] for e in caught.value.errors()] == [("pickup", "lockers", "modbus", "bank")]
