"""Video sources through OpenCV's VideoCapture: files, RTSP and HTTP streams.

A network camera drops, stalls and comes back; the source reconnects with a growing back-off
and reports its health instead of raising, so one bad camera never stops the others. A file
simply ends (or loops, for the demo camera). For live streams wrap it in LatestFrameReader
(latest_frame.py), which decodes in a thread per camera and keeps only the newest frame.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
from numpy.typing import NDArray

from laneguard.detection.service.ports import Frame, SourceHealth, VideoSourceError

log = logging.getLogger(__name__)

Opener = Callable[[str], "cv2.VideoCapture"]

STREAM_OPEN_TIMEOUT_MS = 10_000
STREAM_READ_TIMEOUT_MS = 5_000  # OpenCV's own is 30 s: a dead camera would reconnect that late


def open_capture(url: str) -> cv2.VideoCapture:
    """A stream through FFmpeg with open and read timeouts, so a camera that goes silent is
    reconnected within seconds; a file as OpenCV opens it."""
    if not _is_stream(url):
        return cv2.VideoCapture(url)
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        STREAM_OPEN_TIMEOUT_MS,
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        STREAM_READ_TIMEOUT_MS,
    ]
    return cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)


def _is_stream(url: str) -> bool:
    return url.split("://", 1)[0].lower() in {
        "rtsp",
        "rtsps",
        "http",
        "https",
        "rtmp",
        "udp",
        "tcp",
    }


class OpenCvVideoSource:
    """FrameSource over cv2.VideoCapture with reconnect, optional resize and loop."""

    def __init__(
        self,
        url: str,
        *,
        size: tuple[int, int] | None = None,
        loop: bool = False,
        live: bool | None = None,
        max_retries: int | None = None,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        start: datetime | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        opener: Opener = open_capture,
    ) -> None:
        self.url = url
        self.size = size
        self.loop = loop
        self.live = _is_stream(url) if live is None else live
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._start = start or datetime(1970, 1, 1, tzinfo=UTC)
        self._clock = clock
        self._sleep = sleep
        self._opener = opener
        self._health = SourceHealth.CONNECTING
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._readers = 0  # threads inside frames(): close() leaves the capture to them
        self._cap = self._open()
        if self._cap is None and not self.live:
            raise VideoSourceError(f"cannot open video {url!r}: not a readable video file")
        fps = float(self._cap.get(cv2.CAP_PROP_FPS)) if self._cap is not None else 0.0
        self._fps = fps if 0 < fps < 1000 else 10.0
        self.reconnects = 0

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def health(self) -> SourceHealth:
        return self._health

    @property
    def start(self) -> datetime:
        """Wall time of the stream's second 0 (the epoch for files unless `start` is given)."""
        return self._start

    @property
    def frame_count(self) -> int | None:
        """Frames in a file as its container says; None for streams or when unknown."""
        if self.live or self._cap is None:
            return None
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        return count if count > 0 else None

    def _open(self) -> cv2.VideoCapture | None:
        try:
            cap = self._opener(self.url)
        except cv2.error as exc:
            log.warning("camera %s: open failed: %s", self.url, exc)
            return None
        if not cap.isOpened():
            cap.release()
            return None
        self._health = SourceHealth.OK
        return cap

    def _read(self) -> NDArray[np.uint8] | None:
        if self._cap is None:
            return None
        try:
            ok, image = self._cap.read()
        except cv2.error as exc:
            log.warning("camera %s: garbage from the decoder: %s", self.url, exc)
            return None
        if not ok or image is None or image.ndim != 3:
            return None
        if self.size is not None and (image.shape[1], image.shape[0]) != self.size:
            image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
        return np.asarray(image, dtype=np.uint8)

    def _reconnect(self) -> bool:
        """Try again with back-off; False once `max_retries` is spent or the source closed."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        attempt = 0
        delay = self.backoff_s
        while not self._closed.is_set():
            if self.max_retries is not None and attempt >= self.max_retries:
                self._health = SourceHealth.FAILED
                log.error("camera %s: gave up after %d reconnects", self.url, attempt)
                return False
            self._health = SourceHealth.RECONNECTING
            attempt += 1
            self.reconnects += 1
            log.warning("camera %s: lost, reconnect %d in %.1f s", self.url, attempt, delay)
            self._sleep(delay)
            delay = min(delay * 2, self.max_backoff_s)
            self._cap = self._open()
            if self._cap is not None:
                return True
        return False

    def frames(self) -> Iterator[Frame]:
        """Frames until the file ends, the stream fails for good, or `close()` is called.

        A file's clock is its frame count over its frame rate; a loop continues that clock.
        A live stream's clock is the wall clock from its first frame.
        """
        with self._lock:
            self._readers += 1
        try:
            yield from self._frames()
        finally:
            with self._lock:
                self._readers -= 1
                if self._closed.is_set() and self._readers == 0:
                    self._release()

    def _frames(self) -> Iterator[Frame]:
        index = 0
        while not self._closed.is_set():
            image = self._read()
            if image is None:
                if self.live:
                    if self._reconnect():
                        continue
                    return
                if self.loop and index > 0:
                    if self._cap is not None:
                        self._cap.release()
                    self._cap = self._open()
                    if self._cap is not None:
                        continue
                self._health = SourceHealth.ENDED
                return
            self._health = SourceHealth.OK
            if self.live:
                at = self._clock()
                if index == 0:
                    self._start = at
                pos_s = (at - self._start).total_seconds()
            else:
                pos_s = index / self._fps
                at = self._start + timedelta(seconds=pos_s)
            yield Frame(index=index, pos_s=pos_s, at=at, image=image)
            index += 1

    def close(self) -> None:
        """Stops the frames. The capture is released here only when no thread is reading it;
        else by the reader once its read returns (releasing it under a read crashes OpenCV)."""
        self._closed.set()
        with self._lock:
            if self._readers == 0:
                self._release()

    def _release(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
