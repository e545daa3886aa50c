"""The demo camera's video, shipped with LaneGuard so `make run` needs no system package.

`vtest.avi` is OpenCV's sample video (samples/data/vtest.avi: 795 frames, 768×576, 10 fps,
people walking across a square), unchanged, under OpenCV's licence (Apache-2.0 and
BSD-3-Clause; see NOTICE beside it). The demo config loops it through the detector as camera
cam-1, and the detection tests use it with their hand labels
(tests/fixtures/laneguard/vtest_ground_truth.json).
"""

from pathlib import Path

VTEST = Path(__file__).with_name("vtest.avi")
