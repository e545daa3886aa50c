"""Non-maximum suppression by OpenCV's `cv2.dnn.NMSBoxes`, shared by every detector's decoder."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray


def nms(boxes: NDArray[np.float32], scores: NDArray[np.float32], iou: float) -> list[int]:
    """Indices kept, best score first (equal scores in input order); `boxes` are (N, 4) as
    x1, y1, x2, y2. A box is dropped when its IoU with a kept one is above `iou`.

    OpenCV takes boxes as x, y, width, height, and keeps only scores above its score
    threshold, here 0: the decoders have already dropped what is below their `min_score`, so
    every candidate but one scoring exactly 0 takes part. Unlike the IoU of the geometry,
    OpenCV counts two boxes of no area as the same box."""
    if len(boxes) == 0:
        return []
    xywh = np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1)
    kept = cv2.dnn.NMSBoxes(xywh.tolist(), scores.tolist(), 0.0, iou)
    return [int(i) for i in np.asarray(kept, dtype=np.int64).reshape(-1)]
