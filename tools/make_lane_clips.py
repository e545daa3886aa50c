"""Make LaneGuard's labelled evaluation clips (evaluation/laneguard/) from redistributable photos.

Each clip composites real photographs over a real background: an empty cobbled street in
Leuven (OpenCV's sample `leuvenA.jpg`) stands for the lane, and what crosses it is cut from other
real photos: a bicycle from `leuvenB.jpg` (the same street, two bicycles against a wall), a car
from `text/scenetext01.jpg` and one from `text/scenetext06.jpg`, and a person from OpenCV's
`vtest.avi` (shipped in src/laneguard/demo), once recoloured into a high-visibility vest.
The cut-outs are rectangles that keep their own background; a car's "driver" is the head and
shoulders of the vtest person placed in the car's side window (no photo we may ship shows a
driver). All OpenCV samples are Apache-2.0 AND BSD-3-Clause as Debian's copyright file of
`opencv-doc` records (see evaluation/laneguard/NOTICE).

COCO has no e-bike, and no redistributable photo of a motorcycle was found (scikit-image's
Middlebury motorcycle carries no licence of its own), so there is no motorcycle clip.

Run (needs Debian's `opencv-doc` for the photos and `ffmpeg` to encode:
`apt-get install opencv-doc ffmpeg`):
    .venv/bin/python tools/make_lane_clips.py [--photos /usr/share/doc/opencv-doc/examples]
The clips are written as H.264 (ffmpeg, libx264, CRF 26), 768×576 at 10 fps; the labels file
(`labels.json`) is hand-written from the motion scripted here, not produced by the detector.
"""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "evaluation" / "laneguard"
VTEST = ROOT / "src" / "laneguard" / "demo" / "vtest.avi"
SIZE = (768, 576)
FPS = 10.0


def photo(folder: Path, name: str) -> Image:
    image = cv2.imread(str(folder / name))
    if image is None:
        raise SystemExit(f"{folder / name} not found: install Debian's opencv-doc or pass --photos")
    return image


def vtest_person() -> tuple[Image, Image]:
    """The walking person of vtest.avi frame 100 (whole, and head and shoulders)."""
    cap = cv2.VideoCapture(str(VTEST))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 100)
    ok, frame = cap.read()
    cap.release()
    if not ok:
        raise SystemExit(f"cannot read {VTEST}")
    whole = frame[146:229, 490:530].copy()
    return whole, frame[146:190, 490:530].copy()


def place(frame: Image, patch: Image, foot: tuple[int, int]) -> None:
    """Paste `patch` with its bottom centre at `foot`, clipped to the frame (in place)."""
    h, w = patch.shape[:2]
    x0, y0 = foot[0] - w // 2, foot[1] - h
    fx0, fy0 = max(0, x0), max(0, y0)
    fx1, fy1 = min(frame.shape[1], x0 + w), min(frame.shape[0], y0 + h)
    if fx0 >= fx1 or fy0 >= fy1:
        return
    frame[fy0:fy1, fx0:fx1] = patch[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0]


def scaled(image: Image, factor: float) -> Image:
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def with_driver(car: Image, head: Image, window: tuple[int, int, int, int]) -> Image:
    """The car with a person's head and shoulders in its (open) side window."""
    out = car.copy()
    x1, y1, x2, y2 = window
    h = y2 - y1
    face = cv2.resize(head, (max(1, head.shape[1] * h // head.shape[0]), h))
    w = min(face.shape[1], x2 - x1)
    out[y1:y2, x1 : x1 + w] = face[:, :w]
    return out


def in_vest(person: Image) -> Image:
    """The person in a fluorescent yellow-green vest: the torso's hue and saturation set and its
    brightness raised, its texture kept."""
    out = person.copy()
    h, w = out.shape[:2]
    torso = out[int(0.3 * h) : int(0.55 * h), int(0.2 * w) : int(0.8 * w)]
    hsv = cv2.cvtColor(torso, cv2.COLOR_BGR2HSV).astype(np.int32)
    hsv[..., 0] = 33
    hsv[..., 1] = 220
    hsv[..., 2] = np.clip(hsv[..., 2] * 1.5 + 110, 0, 255)
    torso[:] = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR)
    return out


def write(name: str, frames: int, draw: Callable[[int], Image]) -> Path:
    """H.264 through Debian's ffmpeg (a few hundred KiB per clip; OpenCV reads it)."""
    path = OUT / name
    cmd = [
        "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", str(FPS), "-i", "-",
        "-c:v", "libx264", "-crf", "26", "-preset", "slow", "-pix_fmt", "yuv420p", str(path),
    ]  # fmt: skip
    with subprocess.Popen(cmd, stdin=subprocess.PIPE) as ffmpeg:  # noqa: S603
        assert ffmpeg.stdin is not None
        for i in range(frames):
            ffmpeg.stdin.write(np.ascontiguousarray(draw(i)).tobytes())
        ffmpeg.stdin.close()
    if ffmpeg.returncode != 0:
        raise SystemExit(f"ffmpeg failed on {name} (apt-get install ffmpeg)")
    print(f"{path.relative_to(ROOT)}: {frames} frames, {path.stat().st_size // 1024} KiB")
    return path


def noisy(background: Image, i: int) -> Image:
    """The background with a faint flicker of brightness, as a camera's exposure drifts (a
    still photo never changes; per-pixel noise would cost the clips' size)."""
    return background.copy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--photos", type=Path, default=Path("/usr/share/doc/opencv-doc/examples"),
        help="OpenCV's samples folder (Debian package opencv-doc)",
    )  # fmt: skip
    photos = parser.parse_args().photos
    OUT.mkdir(parents=True, exist_ok=True)
    street = cv2.resize(photo(photos, "data/leuvenA.jpg"), SIZE, interpolation=cv2.INTER_AREA)
    bike = scaled(photo(photos, "data/leuvenB.jpg")[398:462, 196:260], 2.5)
    scene1 = photo(photos, "text/scenetext01.jpg")
    scene6 = photo(photos, "text/scenetext06.jpg")
    person, head = vtest_person()
    walker = scaled(person, 1.8)

    # A bicycle wheeled across the lane, left to right, from 1.0 s to 6.0 s (8 s).
    def bicycle(i: int) -> Image:
        frame = noisy(street, i)
        if 10 <= i < 60:
            place(frame, bike, (20 + (i - 10) * 15, 540))
        return frame

    # A pedestrian crossing the lane right to left, from 1.0 s to 7.0 s (8 s).
    def pedestrian(i: int) -> Image:
        frame = noisy(street, i)
        if 10 <= i < 70:
            place(frame, walker, (700 - (i - 10) * 11, 520))
        return frame

    # Two cars through the lane, each with a driver seen through its side window (10 s).
    car1 = with_driver(scaled(scene1[415:585, 395:690], 1.5), head, (60, 30, 150, 100))
    car2 = with_driver(scaled(scene6[385:490, 80:235], 2.2), head, (130, 20, 200, 95))

    def cars(i: int) -> Image:
        frame = noisy(street, i)
        if i < 50:
            place(frame, car1, (760 - i * 12, 565))
        if 45 <= i < 100:
            place(frame, car2, (-100 + (i - 45) * 14, 560))
        return frame

    # A pedestrian walking across the lane in front of a car waiting in it (8 s): inside the
    # car's box for a while, but moving across it, so not its driver.
    parked = scaled(scene1[415:585, 395:690], 1.5)

    def past_car(i: int) -> Image:
        frame = noisy(street, i)
        place(frame, parked, (400, 565))
        if 10 <= i < 70:
            place(frame, walker, (700 - (i - 10) * 11, 560))
        return frame

    # A small, distant pedestrian crossing the far end of the street (8 s), for a zone drawn
    # there (far_zones.json): the detector sees them well only in the zones' crop.
    distant = scaled(person, 0.6)

    def far_walker(i: int) -> Image:
        frame = noisy(street, i)
        if 10 <= i < 70:
            place(frame, distant, (250 + (i - 10) * 4, 425))
        return frame

    # A member of staff in a high-visibility vest crossing the lane (8 s): not an intrusion.
    staff = in_vest(scaled(person, 2.0))

    def staff_crossing(i: int) -> Image:
        frame = noisy(street, i)
        if 10 <= i < 70:
            place(frame, staff, (60 + (i - 10) * 11, 530))
        return frame

    # A shadow (a cloud, a gantry's shade) sweeping over the empty lane (8 s).
    def shadow(i: int) -> Image:
        frame = noisy(street, i).astype(np.float32)
        x = -300 + i * 14
        frame[300:, max(0, x) : max(0, x + 260)] *= 0.55
        return frame.astype(np.uint8)

    write("bicycle_crossing.mp4", 80, bicycle)
    write("pedestrian_crossing.mp4", 80, pedestrian)
    write("cars_with_drivers.mp4", 100, cars)
    write("pedestrian_past_car.mp4", 80, past_car)
    write("staff_in_vest.mp4", 80, staff_crossing)
    write("distant_pedestrian.mp4", 80, far_walker)
    write("shadow_sweep.mp4", 80, shadow)


if __name__ == "__main__":
    main()
