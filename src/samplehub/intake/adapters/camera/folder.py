"""The demo camera: each capture is the next image of a folder, in name order, round and round."""

from __future__ import annotations

import threading
from pathlib import Path

from samplehub.intake.service.camera_ports import Photo
from samplehub.intake.service.ports import IntakeDeviceError

_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


class FolderCamera:
    """The Camera port over ``folder``'s JPEG and PNG files (read when captured, not before)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._next = 0
        self._lock = threading.Lock()

    def images(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix.lower() in _TYPES)

    def capture(self) -> Photo:
        images = self.images()
        if not images:
            raise IntakeDeviceError(
                f"摄像头文件夹 {self.folder} 中没有图片 / no JPEG or PNG images in {self.folder}"
            )
        with self._lock:
            path = images[self._next % len(images)]
            self._next += 1
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IntakeDeviceError(
                f"无法读取 {path.name} / cannot read {path.name}: {exc}"
            ) from exc
        return Photo(data, path.name, _TYPES[path.suffix.lower()])
