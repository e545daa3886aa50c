"""Properties of the JJG 52 decision over generated gauges and readings (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from samplehub.lab.domain.jjg52 import GaugeSpec, Item, PointReadings, evaluate, point_mpe

RANGES = [Decimal(v) for v in ("0.1", "0.25", "0.6", "1", "1.6", "2.5", "4", "6", "10", "25", "60")]
CLASSES = ["1.0", "1.6", "2.5", "4.0"]


@st.composite
def gauges(draw: st.DrawFn) -> tuple[GaugeSpec, list[Decimal]]:
    upper = draw(st.sampled_from(RANGES))
    spec = GaugeSpec(Decimal(0), upper, "MPa", draw(st.sampled_from(CLASSES)))
    inner = draw(st.integers(min_value=4, max_value=9))
    standards = [upper * k / inner for k in range(inner)] + [upper]
    return spec, standards


fractions = st.decimals(min_value=Decimal("-1"), max_value=Decimal("1"), places=3)


@given(gauges(), st.lists(fractions, min_size=10, max_size=10))
def test_errors_within_a_quarter_of_the_mpe_always_pass(
    gauge: tuple[GaugeSpec, list[Decimal]], shares: list[Decimal]
) -> None:
    spec, standards = gauge
    points = []
    for standard, share in zip(standards, shares, strict=False):
        shift = point_mpe(spec, standard) * share / 4
        value = standard + shift
        points.append(PointReadings(standard, value, value, value, value))
    assert evaluate(spec, points, [Decimal(0)]).passed


@given(gauges(), st.integers(min_value=0, max_value=9), st.sampled_from([1, -1]))
def test_one_reading_clearly_beyond_the_mpe_fails_at_that_point(
    gauge: tuple[GaugeSpec, list[Decimal]], which: int, sign: int
) -> None:
    spec, standards = gauge
    target = standards[which % len(standards)]
    points = []
    for standard in standards:
        value = standard
        if standard == target:
            value = standard + sign * point_mpe(spec, standard) * Decimal("1.02")
        points.append(PointReadings(standard, value, value, value, value))
    result = evaluate(spec, points, [Decimal(0)])
    assert not result.passed
    assert result.failed_items == (Item.INDICATION,)
    assert [f.standard for f in result.failures] == [target]
