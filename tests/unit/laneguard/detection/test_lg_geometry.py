from __future__ import annotations

import pytest

from laneguard.detection.domain.geometry import Box, Homography, point_in_polygon, validate_polygon

SQUARE = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def test_point_in_polygon_inside_outside_and_concave() -> None:
    assert point_in_polygon((5, 5), SQUARE)
    assert not point_in_polygon((15, 5), SQUARE)
    concave = ((0, 0), (10, 0), (10, 10), (5, 3), (0, 10))
    assert point_in_polygon((2, 2), concave)
    assert not point_in_polygon((5, 8), concave)


def test_box_measures() -> None:
    box = Box(10, 20, 30, 80)
    assert box.bottom_centre == (20, 80)
    assert box.area == 1200
    assert box.aspect == pytest.approx(20 / 60)
    assert box.iou(box) == 1.0
    assert box.iou(Box(100, 100, 110, 110)) == 0.0
    assert Box(12, 22, 20, 30).fraction_inside(box) == 1.0


def test_homography_from_four_points_maps_them_back() -> None:
    image = [(100.0, 400.0), (500.0, 400.0), (420.0, 200.0), (180.0, 200.0)]
    ground = [(0.0, 0.0), (4.0, 0.0), (4.0, 10.0), (0.0, 10.0)]
    h = Homography.from_points(image, ground)
    for p, g in zip(image, ground, strict=True):
        assert h.apply(p) == pytest.approx(g, abs=1e-6)


def test_degenerate_homography_is_refused() -> None:
    line = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]
    with pytest.raises(ValueError, match="degenerate"):
        Homography.from_points(line, line)


def test_validate_polygon_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"zones\[0\].polygon: a polygon needs at least 3"):
        validate_polygon([[0, 0], [1, 1]], "zones[0].polygon")
