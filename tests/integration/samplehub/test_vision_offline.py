"""The OCR models ship in installed wheels (rapidocr, rapidocr-onnxruntime): loading and reading
never touch the network."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from samplehub.intake.adapters.vision.ocr import bundled_models

FIXTURE = Path(__file__).parents[2] / "fixtures" / "samplehub" / "nameplates" / "plate-0000.jpg"

# Runs in a fresh interpreter whose audit hook refuses every socket connection and DNS lookup,
# so a download attempt anywhere in RapidOCR would fail the read.
GUARDED_READ = f"""
import sys

def refuse_network(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise RuntimeError(f"network access attempted: {{event}} {{args!r}}")

sys.addaudithook(refuse_network)
from pathlib import Path
from samplehub.intake.adapters.vision.reader import RapidNameplateVision
result = RapidNameplateVision().read_image(Path({str(FIXTURE)!r}).read_bytes())
print(len(result.lines))
"""


def test_models_are_the_wheels_own_files() -> None:
    specs = [importlib.util.find_spec(name) for name in ("rapidocr", "rapidocr_onnxruntime")]
    wheels = [Path(spec.origin).parent for spec in specs if spec and spec.origin]
    assert len(wheels) == 2
    models = bundled_models()
    for path in models.values():
        assert path.is_file()
        assert any(path.is_relative_to(wheel) for wheel in wheels)
    assert models["Det.model_path"].name == "ch_PP-OCRv4_det_infer.onnx"


def test_engine_loads_and_reads_with_the_network_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-c", GUARDED_READ], capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 0
