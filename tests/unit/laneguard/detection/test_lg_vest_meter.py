"""The vest meter: the share of hi-vis pixels in the torso part of a person's box."""

from __future__ import annotations

import cv2
import numpy as np

from laneguard.detection.adapters.vest import HsvVestMeter
from laneguard.detection.domain.geometry import Box


def hsv_colour(hue: int, sat: int = 220, val: int = 230) -> tuple[int, int, int]:
    bgr = cv2.cvtColor(np.array([[[hue, sat, val]]], np.uint8), cv2.COLOR_HSV2BGR)[0, 0]
    return (int(bgr[0]), int(bgr[1]), int(bgr[2]))


def test_the_share_of_hi_vis_pixels_in_the_torso_is_measured() -> None:
    image = np.full((200, 200, 3), 90, np.uint8)
    box = Box(50, 0, 150, 100)  # torso rows 20..65
    image[20:65, 50:100] = hsv_colour(33)  # yellow-green, the left half of the torso
    image[0:20, 50:150] = hsv_colour(33)  # the head and shoulders do not count
    assert HsvVestMeter().ratio(image, box) == 0.5


def test_orange_counts_too_and_dull_or_other_hues_do_not() -> None:
    image = np.full((200, 200, 3), 90, np.uint8)
    box = Box(0, 0, 100, 100)
    image[20:65, 0:25] = hsv_colour(10)  # orange
    image[20:65, 25:50] = hsv_colour(33, sat=100)  # yellow-green but not saturated
    image[20:65, 50:75] = hsv_colour(100)  # blue
    assert HsvVestMeter().ratio(image, box) == 0.25


def test_overlapping_bands_count_a_pixel_once() -> None:
    image = np.full((100, 100, 3), 90, np.uint8)
    image[20:65, :] = hsv_colour(15)
    meter = HsvVestMeter(hue_bands=[(10, 20), (12, 30)])
    assert meter.ratio(image, Box(0, 0, 100, 100)) == 1.0


def test_a_box_outside_the_frame_measures_nothing() -> None:
    image = np.zeros((100, 100, 3), np.uint8)
    assert HsvVestMeter().ratio(image, Box(150, 150, 180, 190)) == 0.0
