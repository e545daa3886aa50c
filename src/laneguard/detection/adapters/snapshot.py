"""JPEG snapshots for alerts: the frame with the intruder's box drawn in red."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from laneguard.detection.domain.geometry import Box


class JpegSnapshotEncoder:
    """SnapshotEncoder port; quality 80 keeps a 768x576 frame near 60 kB."""

    def __init__(self, quality: int = 80) -> None:
        self.quality = quality

    def encode(self, image: object, boxes: Sequence[Box]) -> bytes:
        frame = np.array(image, dtype=np.uint8, copy=True)
        for b in boxes:
            cv2.rectangle(frame, (int(b.x1), int(b.y1)), (int(b.x2), int(b.y2)), (0, 0, 255), 2)
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        return bytes(data.tobytes()) if ok else b""
