"""`laneguard analyze` on real footage, scored against hand-labelled ground truth."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
from typer.testing import CliRunner

from laneguard.cli.main import app
from laneguard.detection.domain.evaluation import Span, score_incidents

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "laneguard"))
from laneguard.demo import VTEST

FIXTURES = Path(__file__).parents[2] / "fixtures" / "laneguard"


@pytest.fixture
def one_opencv_thread() -> Iterator[None]:
    """The detector on one thread: on a machine that other jobs load, OpenCV's worker threads
    wait for each other at every layer and a pass over the video took ten times as long."""
    before = cv2.getNumThreads()
    cv2.setNumThreads(1)
    yield
    cv2.setNumThreads(before)


@pytest.mark.timeout(1200)  # 795 frames: about a minute on a quiet 2-core machine
@pytest.mark.usefixtures("one_opencv_thread")
def test_analyze_vtest_matches_the_labelled_incidents() -> None:
    result = CliRunner().invoke(
        app, ["analyze", str(VTEST), "--zones", str(FIXTURES / "vtest_zones.json"), "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    summary = lines[-1]["summary"]
    incidents = lines[:-1]
    assert summary["frames"] == 795
    assert summary["seconds"] == 79.5
    assert summary["incidents"] == len(incidents)
    for row in incidents:
        assert set(row) >= {"track_id", "class", "zone", "start_s", "end_s", "frames", "max_score"}
        assert row["category"] == "行人"
        assert row["start_s"] <= row["end_s"]
    truth_doc = json.loads((FIXTURES / "vtest_ground_truth.json").read_text())
    truth = [Span(e["zone"], e["start_s"], e["end_s"], e["optional"]) for e in truth_doc["entries"]]
    found = [Span(r["zone"], r["start_s"], r["end_s"]) for r in incidents]
    score = score_incidents(found, truth, truth_doc["tolerance_s"])
    print(f"vtest.avi: {score} precision={score.precision:.3f} recall={score.recall:.3f}")
    assert score.precision >= 0.75
    assert score.recall >= 0.85


def test_analyze_names_the_bad_field_of_a_zones_file(tmp_path: Path) -> None:
    zones = tmp_path / "zones.json"
    zones.write_text(json.dumps({"zones": [{"name": "a", "polygon": [[0, 0], [1, 0], [1, 1]],
                                            "classes": ["horse"]}]}))  # fmt: skip
    result = CliRunner().invoke(app, ["analyze", str(VTEST), "--zones", str(zones), "--json"])
    assert result.exit_code == 2
    assert "zones.0.classes.0" in result.output
    assert "horse" in result.output
