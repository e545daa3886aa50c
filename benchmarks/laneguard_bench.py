"""LaneGuard detection throughput at 768x576 on vtest.avi, against the bare detector.

Prints, from one run: the bare SSDLite inference rate (the baseline), one stream's processing
rate through the whole pipeline with and without motion gating, and four streams at once
(one thread each, sharing the CPU) with motion gating. Goals from issue 7: one stream
>= 15 frames/s, four streams >= 5 frames/s each, on this 2-core machine.

Run: .venv/bin/python benchmarks/laneguard_bench.py [--frames N]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

import cv2

from laneguard.adapters.video import OpenCvVideoSource
from laneguard.detection_bootstrap import build_detector, build_pipeline
from laneguard.detection_config import load_zones_file
from laneguard.service.pipeline import run_pipeline

ROOT = Path(__file__).resolve().parents[1]
VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"
ZONES = ROOT / "tests" / "fixtures" / "laneguard" / "vtest_zones.json"


def bare_detector_fps(frames: int) -> float:
    detector = build_detector()
    cap = cv2.VideoCapture(VIDEO)
    images = [cap.read()[1] for _ in range(frames)]
    cap.release()
    detector.detect(images[0])
    start = time.perf_counter()
    for image in images:
        detector.detect(image)
    return frames / (time.perf_counter() - start)


def stream_fps(frames: int, gating: bool, offset: int = 0) -> tuple[float, float]:
    """Frames per second through source → gate → detector → tracker → rules; and share gated."""
    pipeline = build_pipeline(load_zones_file(ZONES), motion_gating=gating)
    source = OpenCvVideoSource(VIDEO, loop=True)
    done = 0
    start = time.perf_counter()
    for result in run_pipeline(source, pipeline):
        if result.frame.index < offset:
            start = time.perf_counter()
            continue
        done += 1
        if done >= frames:
            source.close()
    elapsed = time.perf_counter() - start
    return done / elapsed, 1 - pipeline.detector_runs / max(1, done + offset)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    n = args.frames
    baseline = bare_detector_fps(min(n, 100))
    single, _ = stream_fps(n, gating=False)
    gated, rested = stream_fps(n, gating=True)
    results: list[float] = [0.0] * 4

    def worker(i: int) -> None:
        results[i] = stream_fps(n // 2, gating=True, offset=i * 50)[0]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    figures = {
        "cv2_threads": cv2.getNumThreads(),
        "bare_detector_fps": round(baseline, 1),
        "one_stream_fps": round(single, 1),
        "one_stream_fps_ratio_to_detector": round(single / baseline, 2),
        "one_stream_gated_fps": round(gated, 1),
        "one_stream_gated_ratio_to_detector": round(gated / baseline, 2),
        "detector_rested_share": round(rested, 2),
        "four_streams_gated_fps_each": [round(r, 1) for r in results],
        "four_streams_min_ratio_to_detector": round(min(results) / baseline, 2),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
