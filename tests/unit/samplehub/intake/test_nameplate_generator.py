"""The plate generator makes images with consistent, reproducible ground truth."""

from __future__ import annotations

import json
import random
from pathlib import Path

from PIL import Image

from samplehub.intake.domain.nameplate_text import UNITS
from samplehub.simulation.nameplates import generate, make_spec


def test_generated_set_has_an_image_and_truth_per_plate(tmp_path: Path) -> None:
    records = generate(tmp_path, 3, seed=1, max_width=500)
    truth = json.loads((tmp_path / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth == json.loads(json.dumps(records, ensure_ascii=False))
    assert [r["layout"] for r in truth] == ["metal", "sticker", "dial"]
    for record in truth:
        with Image.open(tmp_path / record["file"]) as image:
            assert image.width <= 500
        fields = record["fields"]
        assert fields["range_min"] < fields["range_max"]
        assert fields["unit"] in set(UNITS.values())
        assert fields["serial_number"]


def test_same_seed_same_plates() -> None:
    first = [make_spec(random.Random(3), layout).fields for layout in ("metal", "dial")]
    again = [make_spec(random.Random(3), layout).fields for layout in ("metal", "dial")]
    assert first == again


def test_dial_range_is_the_ends_of_its_printed_scale() -> None:
    for seed in range(20):
        spec = make_spec(random.Random(seed), "dial")
        assert float(spec.dial_scale[0]) == spec.fields["range_min"]
        assert float(spec.dial_scale[-1]) == spec.fields["range_max"]
