"""Incident-level scoring over labelled clips: per class, false alarms per hour, delay."""

from __future__ import annotations

import pytest

from laneguard.detection.domain.evaluation import ClipResult, Span, evaluate


def test_per_class_scores_false_alarms_per_hour_and_delays() -> None:
    bike = ClipResult(
        "bike", 1800.0,
        found=(Span("l1", 2.0, 5.0, kind="非机动车"),),
        truth=(Span("l1", 1.0, 5.0, kind="非机动车"),),
    )  # fmt: skip
    walk = ClipResult(
        "walk", 1800.0,
        found=(Span("l1", 3.0, 6.0, kind="非机动车"), Span("l1", 20.0, 21.0, kind="行人")),
        truth=(Span("l1", 2.5, 6.0, kind="行人"), Span("l2", 0.0, 1.0, kind="行人", optional=True)),
    )  # fmt: skip
    result = evaluate([bike, walk], tolerance_s=1.0)
    nm, ped = result.per_kind["非机动车"], result.per_kind["行人"]
    # the walker reported as a bicycle: a false alarm for one class and a miss for the other
    assert (nm.true_positives, nm.false_positives, nm.false_negatives) == (1, 1, 0)
    assert (ped.true_positives, ped.false_positives, ped.false_negatives) == (0, 1, 1)
    assert result.overall.precision == pytest.approx(1 / 3)
    assert result.false_alarms == 2
    assert result.camera_hours == 1.0
    assert result.false_alarms_per_camera_hour == 2.0
    assert result.delays_s == (1.0,)


def test_an_alert_inside_the_tolerance_before_the_label_has_no_delay() -> None:
    clip = ClipResult("c", 10.0, found=(Span("z", 0.5, 3.0),), truth=(Span("z", 1.0, 3.0),))
    result = evaluate([clip], tolerance_s=1.0)
    assert result.delays_s == (0.0,)
    assert result.overall.recall == 1.0
