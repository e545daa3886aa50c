"""Labels reach a ZPL printer over TCP 9100 (a local socket stands in) and render as PDF."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from samplehub.intake.adapters.printers.pdf import PdfLabelPrinter, render_label_pdf
from samplehub.intake.adapters.printers.tcp import ZplTcpPrinter
from samplehub.intake.adapters.printers.zpl import render_zpl
from samplehub.intake.service.ports import (
    InMemoryLabelPrinter,
    IntakeDeviceError,
    Label,
    LabelPrinter,
)
from tests.unit.samplehub.intake.fakes import ZplPrinterStandIn

LABEL = Label(
    sample_no="JX2026-000123",
    customer_short_name="申华化工",
    instrument="弹簧管压力表 Y-100 0~1.6MPa",
    tracking_url="https://samplehub.example.cn/t/AB12^CD~EF_",
    epc_hex="3434257BF400000000BC6038",
)


def test_zpl_label_arrives_on_port_9100_stand_in() -> None:
    stand_in = ZplPrinterStandIn()
    printer: LabelPrinter = ZplTcpPrinter("127.0.0.1", stand_in.port, timeout_s=2)
    printer.print_label(LABEL)
    (zpl,) = stand_in.wait()
    stand_in.close()
    assert zpl.startswith("^XA\n^CI28\n")
    assert zpl.rstrip().endswith("^XZ")
    assert "^FDJX2026-000123^FS" in zpl
    assert "^FD申华化工^FS" in zpl
    assert "^BQN,2,4^FH_^FDQA,https://samplehub.example.cn/t/AB12_5ECD_7EEF_5F^FS" in zpl
    assert "^BCN,60,Y,N,N,A^FH_^FDJX2026-000123^FS" in zpl
    assert zpl == render_zpl(LABEL)


def test_control_characters_in_names_cannot_end_a_field_early() -> None:
    zpl = render_zpl(Label("JX1", "A^XZ~B", "x_y", "https://t"))
    assert zpl.count("^XZ") == 1
    assert "A_5EXZ_7EB" in zpl


def test_unreachable_printer_is_a_device_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    with pytest.raises(IntakeDeviceError, match=f"127.0.0.1:{port}"):
        ZplTcpPrinter("127.0.0.1", port, timeout_s=1).print_label(LABEL)


def test_pdf_label_embeds_the_cjk_font_and_carries_the_text(tmp_path: Path) -> None:
    PdfLabelPrinter(tmp_path).print_label(LABEL)
    pdf = tmp_path / "JX2026-000123.pdf"
    assert [p.name for p in tmp_path.iterdir()] == [pdf.name]  # renamed whole, nothing left
    assert pdf.read_bytes().startswith(b"%PDF")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "WenQuanYi" in fonts.stdout
    assert " yes " in fonts.stdout  # embedded
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "JX2026-000123" in text
    assert "申华化工" in text


def test_pdf_label_codes_decode_back(tmp_path: Path) -> None:
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(render_label_pdf(LABEL))
    assert b"/Count 1" in pdf.read_bytes()
    subprocess.run(["pdftoppm", "-r", "400", "-png", str(pdf), str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    with Image.open(page) as image:
        codes = {b.format.name: b.text for b in zxingcpp.read_barcodes(image.convert("L"))}
    assert codes == {"QRCode": LABEL.tracking_url, "Code128": LABEL.sample_no}


def test_in_memory_printer_keeps_labels_and_can_fail() -> None:
    printer = InMemoryLabelPrinter()
    printer.print_label(LABEL)
    assert printer.printed == [LABEL]
    broken = InMemoryLabelPrinter(fail_with="paper out")
    with pytest.raises(IntakeDeviceError, match="paper out"):
        broken.print_label(LABEL)
