"""The platform cameras: OpenCV VideoCapture on a real video file, and the demo image folder."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from samplehub.intake.adapters.camera.folder import FolderCamera
from samplehub.intake.adapters.camera.opencv import OpenCvCamera, parse_source
from samplehub.intake.service.camera_ports import Camera
from samplehub.intake.service.ports import IntakeDeviceError

WIDTH, HEIGHT = 320, 240


def write_video(path: Path, frames: int = 6) -> None:
    """A short MJPEG AVI: a dark frame with a bright rectangle where a nameplate would be."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for _ in range(frames):
        frame = np.full((HEIGHT, WIDTH, 3), 30, np.uint8)
        cv2.rectangle(frame, (80, 60), (240, 180), (240, 240, 240), thickness=-1)
        writer.write(frame)
    writer.release()


@pytest.mark.parametrize(("encoding", "magic"), [("jpeg", b"\xff\xd8"), ("png", b"\x89PNG")])
def test_opencv_camera_grabs_an_encoded_frame_from_a_video(
    tmp_path: Path, encoding: str, magic: bytes
) -> None:
    video = tmp_path / "platform.avi"
    write_video(video)
    camera: Camera = OpenCvCamera(str(video), encoding=encoding)
    photo = camera.capture()
    assert photo.data.startswith(magic)
    image = cv2.imdecode(np.frombuffer(photo.data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (HEIGHT, WIDTH, 3)
    assert image[120, 160].mean() > 200  # inside the bright plate
    assert image[10, 10].mean() < 60  # the dark platform around it


def test_opencv_camera_reports_a_source_that_gives_nothing(tmp_path: Path) -> None:
    with pytest.raises(IntakeDeviceError, match="cannot be opened"):
        OpenCvCamera(str(tmp_path / "missing.avi")).capture()
    not_video = tmp_path / "notes.avi"
    not_video.write_bytes(b"not a video")
    with pytest.raises(IntakeDeviceError):
        OpenCvCamera(str(not_video)).capture()


def test_sources_parse_as_usb_index_or_url() -> None:
    assert parse_source(" 0 ") == 0
    assert parse_source("rtsp://10.0.0.5/stream1") == "rtsp://10.0.0.5/stream1"


def test_folder_camera_goes_round_its_images(tmp_path: Path) -> None:
    for name in ("b.png", "a.jpg", "skip.txt"):
        (tmp_path / name).write_bytes(name.encode())
    camera = FolderCamera(tmp_path)
    assert [camera.capture().name for _ in range(3)] == ["a.jpg", "b.png", "a.jpg"]
    with pytest.raises(IntakeDeviceError, match="no JPEG or PNG"):
        FolderCamera(tmp_path / "empty").capture()
