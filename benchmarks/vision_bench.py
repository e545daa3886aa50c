"""Nameplate vision benchmark: time per plate, overhead over bare RapidOCR, field accuracy.

    python benchmarks/vision_bench.py [--count 120] [--seed 7] [--set DIR] [--core 0]

Everything runs pinned to one CPU core with one onnxruntime thread. For each generated plate
it times, interleaved so load changes hit both alike:
  * pipeline: ``read_one`` of ``samplehub vision read`` (file read, size/format checks,
    decode, zxing, OCR with the tuned engine, the 180° retry when needed, field rules, JSON);
  * bare: the same RapidOCR engine called directly on the same file path.
Overhead = median(pipeline) / median(bare) - 1 (goal ≤ 10 %); the goal for the median pipeline
time is ≤ 400 ms. With ``--default-baseline N`` it also times RapidOCR at its default settings
on N plates, the ratio showing what the tuning buys on this machine.
Field accuracy is per field against the generator's ground truth (goal ≥ 95 %).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=120, help="plates to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--set", type=Path, help="an existing generated set (ground_truth.json)")
    parser.add_argument("--core", type=int, default=0, help="CPU core to pin to")
    parser.add_argument("--default-baseline", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})

    from samplehub.intake.adapters.vision.reader import RapidNameplateVision
    from samplehub.intake.cli import read_one
    from samplehub.simulation.nameplate_score import SCORED_FIELDS, field_accuracy
    from samplehub.simulation.nameplates import generate

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.set or Path(scratch)
        if args.set is None:
            generate(folder, args.count, args.seed)
        truth: list[dict[str, Any]] = json.loads((folder / "ground_truth.json").read_text("utf-8"))

        started = time.perf_counter()
        vision = RapidNameplateVision()
        load_s = time.perf_counter() - started
        raw = vision.engine.raw  # the same tuned engine, called bare
        pipeline_ms: list[float] = []
        bare_ms: list[float] = []
        pairs = []
        codes_expected = codes_found = 0
        for index, record in enumerate(truth):
            path = folder / record["file"]
            order = (0, 1) if index % 2 == 0 else (1, 0)
            for which in order:
                t0 = time.perf_counter()
                if which == 0:
                    result = read_one(vision, path)
                    pipeline_ms.append((time.perf_counter() - t0) * 1000)
                else:
                    raw(str(path), use_det=True, use_cls=False, use_rec=True)
                    bare_ms.append((time.perf_counter() - t0) * 1000)
            pairs.append((result.get("fields", {}), record["fields"]))
            texts = {code["text"] for code in result.get("codes", [])}
            codes_expected += len(record["codes"])
            codes_found += sum(code["text"] in texts for code in record["codes"])
            print(f"\r{index + 1}/{len(truth)}", end="", file=sys.stderr)
        print(file=sys.stderr)

        default_ms: list[float] = []
        reference: dict[str, float] = {}
        if args.default_baseline:
            from rapidocr import RapidOCR

            default_engine = RapidOCR(params={"Global.log_level": "warning"})
            default_engine(str(folder / truth[0]["file"]))
            for record in truth[: args.default_baseline]:
                t0 = time.perf_counter()
                default_engine(str(folder / record["file"]))
                default_ms.append((time.perf_counter() - t0) * 1000)
            reference = _reference_plate(Path(scratch), default_engine, vision, read_one)

    accuracy = field_accuracy(pairs)
    pipe_med, bare_med = statistics.median(pipeline_ms), statistics.median(bare_ms)
    figures: dict[str, Any] = {
        "plates": len(truth),
        "core": args.core,
        "engine_load_s": round(load_s, 2),
        "pipeline_median_ms": round(pipe_med, 1),
        "pipeline_p90_ms": round(statistics.quantiles(pipeline_ms, n=10)[-1], 1),
        "bare_rapidocr_median_ms": round(bare_med, 1),
        "overhead_vs_bare": round(pipe_med / bare_med - 1, 4),
        "overhead_vs_bare_total": round(sum(pipeline_ms) / sum(bare_ms) - 1, 4),
        "field_accuracy": {name: round(accuracy[name], 4) for name in SCORED_FIELDS},
        "field_accuracy_all": round(accuracy["all"], 4),
        "codes_recall": round(codes_found / codes_expected, 4) if codes_expected else None,
    }
    if default_ms:
        subset = statistics.median(pipeline_ms[: len(default_ms)])
        figures["default_rapidocr_median_ms"] = round(statistics.median(default_ms), 1)
        figures["default_over_pipeline_same_plates"] = round(
            statistics.median(default_ms) / subset, 2
        )
    if reference:
        figures["reference_1100x365"] = reference
    print(json.dumps(figures, ensure_ascii=False))
    goals = {
        "median ≤ 400 ms": pipe_med <= 400,
        "overhead ≤ 10 %": pipe_med / bare_med - 1 <= 0.10,
        "every field ≥ 95 %": min(accuracy[name] for name in SCORED_FIELDS) >= 0.95,
    }
    for goal, met in goals.items():
        print(f"{'met' if met else 'NOT met'}: {goal}", file=sys.stderr)


def _reference_plate(
    folder: Path, default_engine: Any, vision: Any, read_one: Any
) -> dict[str, float]:
    """The issue's reference case: one 1100×365 four-line plate, default RapidOCR vs pipeline.

    The issue measured about 0.65 s for such a plate at default settings on its machine; the
    ratio here carries our pipeline's time over to that machine's scale.
    """
    from PIL import Image, ImageDraw, ImageFont

    from samplehub.core.adapters.fonts import CJK_FONT

    font = ImageFont.truetype(str(CJK_FONT), 40)
    plate = Image.new("RGB", (1100, 365), (200, 200, 205))
    draw = ImageDraw.Draw(plate)
    rows = [
        "弹簧管压力表  Y-100",
        "测量范围 0~1.6MPa  精度等级 1.6级",
        "出厂编号 No.2023A0457",
        "上海自动化仪表四厂  2023年05月",
    ]
    for i, row in enumerate(rows):
        draw.text((30, 20 + i * 85), row, font=font, fill=(20, 20, 20))
    path = folder / "reference-1100x365.png"
    plate.save(path)
    default_runs, pipeline_runs = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        default_engine(str(path))
        default_runs.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        read_one(vision, path)
        pipeline_runs.append((time.perf_counter() - t0) * 1000)
    default_med, pipeline_med = statistics.median(default_runs), statistics.median(pipeline_runs)
    return {
        "default_rapidocr_ms": round(default_med, 1),
        "pipeline_ms": round(pipeline_med, 1),
        "default_over_pipeline": round(default_med / pipeline_med, 2),
        "pipeline_ms_scaled_to_issue_0_65s": round(650 * pipeline_med / default_med, 1),
    }


if __name__ == "__main__":
    main()
