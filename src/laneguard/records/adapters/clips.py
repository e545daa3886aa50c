"""Incident clips as Motion-JPEG in AVI through OpenCV's VideoWriter.

Measured with opencv-python-headless 5.0 here: `MJPG` in .avi and `mp4v` in .mp4 both open and
read back; `avc1` (H.264) does not (no encoder in the wheel). MJPEG-AVI is kept: every frame is
a JPEG already, and any player (VLC, ffplay, Windows) opens it.
The clip goes to a temporary name first and is renamed into place only when complete, so a full
disk leaves no half-written file under the incident's name.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from laneguard.records.service.ports import ClipError


class AviClipWriter:
    """ClipWriter port: `<folder>/<name>.avi`; refuses to start below `min_free_bytes` free."""

    def __init__(self, folder: Path, min_free_bytes: int = 50_000_000) -> None:
        self.folder = folder
        self.min_free_bytes = min_free_bytes

    def write(self, name: str, frames: Sequence[bytes], fps: float) -> str:
        if not frames:
            raise ClipError(f"clip {name}: no frames")
        if not name or "/" in name or name.startswith("."):
            raise ClipError(f"clip name={name!r}; allowed: a plain file name")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            free = shutil.disk_usage(self.folder).free
        except OSError as exc:
            raise ClipError(f"clip folder {self.folder}: {exc.strerror or exc}") from exc
        if free < self.min_free_bytes:
            raise ClipError(
                f"disk full: {free} bytes free in {self.folder}, "
                f"clips need at least {self.min_free_bytes}"
            )
        final = self.folder / f"{name}.avi"
        partial = self.folder / f".{name}.partial.avi"
        try:
            self._encode(partial, frames, fps)
            if partial.stat().st_size == 0:
                raise ClipError(f"clip {final}: the encoder wrote nothing")
            os.replace(partial, final)
        except OSError as exc:
            raise ClipError(f"clip {final}: {exc.strerror or exc}") from exc
        except cv2.error as exc:
            raise ClipError(f"clip {final}: OpenCV: {exc}") from exc
        finally:
            partial.unlink(missing_ok=True)
        return str(final)

    def delete(self, path: str) -> bool:
        """ClipRemover port: deletes a clip in this writer's folder (never anything else)."""
        target = Path(path).resolve()
        if target.parent != self.folder.resolve() or target.suffix != ".avi":
            raise ClipError(f"clip path {path!r} is not a clip in {self.folder}")
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise ClipError(f"clip {path}: {exc.strerror or exc}") from exc
        return True

    @staticmethod
    def _encode(path: Path, frames: Sequence[bytes], fps: float) -> None:
        images = []
        for f in frames:
            image = cv2.imdecode(np.frombuffer(f, dtype=np.uint8), cv2.IMREAD_COLOR)
            if image is not None:
                images.append(image)
        if not images:
            raise ClipError(f"clip {path}: none of the {len(frames)} frames is a JPEG")
        height, width = images[0].shape[:2]
        fourcc = cv2.VideoWriter.fourcc(*"MJPG")
        writer = cv2.VideoWriter(str(path), fourcc, max(1.0, fps), (width, height))
        if not writer.isOpened():
            raise ClipError(f"clip {path}: VideoWriter would not open (MJPG, {width}x{height})")
        try:
            for image in images:
                if image.shape[:2] != (height, width):
                    image = cv2.resize(image, (width, height))
                writer.write(image)
        finally:
            writer.release()
