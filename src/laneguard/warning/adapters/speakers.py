"""Lane loudspeakers: local playback, HTTP IP speakers, and RTP speakers speaking G.711.

Each turns its device's failures into `SpeakerError`; the voice warner logs those and carries on.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from laneguard.warning.adapters.audio import TELEPHONE_RATE, encode_g711, read_wav, resample
from laneguard.warning.service.ports import SpeakerError

log = logging.getLogger(__name__)

RTP_VERSION = 2
FRAME_MS = 20
SAMPLES_PER_FRAME = TELEPHONE_RATE * FRAME_MS // 1000
PAYLOAD_TYPES = {"pcmu": 0, "pcma": 8}


class LocalSpeaker:
    """The machine's own sound output: writes the clip to `folder` and plays it with `command`
    (default `aplay -q FILE` when aplay exists); without a player it only logs."""

    def __init__(self, lane: str, folder: Path, command: list[str] | None = None) -> None:
        self.lane = lane
        self.folder = folder
        aplay = shutil.which("aplay")
        self.command = command if command is not None else ([aplay, "-q"] if aplay else [])

    def play(self, wav: bytes) -> None:
        path = self.folder / f"lane-{self.lane}-last.wav"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wav)
        except OSError as exc:  # a full disk must not stop the warning's log line
            raise SpeakerError(f"cannot write {path}: {exc}") from exc
        if not self.command:
            log.info("lane %s warning written to %s (no audio player configured)", self.lane, path)
            return
        try:
            subprocess.run([*self.command, str(path)], check=True, timeout=60, capture_output=True)  # noqa: S603
        except (OSError, subprocess.SubprocessError) as exc:
            raise SpeakerError(f"local player {self.command[0]} failed: {exc}") from exc


class HttpSpeaker:
    """An IP speaker that takes a WAV by HTTP POST (most network PA horns offer this)."""

    def __init__(self, url: str, timeout_s: float = 5.0, token: str | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"speaker url={url!r}: http:// or https:// is required")
        self.url = url
        self.timeout_s = timeout_s
        self.token = token

    def play(self, wav: bytes) -> None:
        headers = {"Content-Type": "audio/wav"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=wav, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            raise SpeakerError(f"speaker {self.url} answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SpeakerError(f"speaker {self.url} unreachable: {exc}") from exc


def rtp_packets(
    payload: bytes, payload_type: int, ssrc: int, first_seq: int, first_timestamp: int
) -> list[bytes]:
    """RFC 3550 packets of 20 ms G.711 frames: V=2, marker on the first (start of talkspurt),
    sequence +1 and timestamp +160 per packet, both wrapping."""
    packets = []
    for i, start in enumerate(range(0, len(payload), SAMPLES_PER_FRAME)):
        frame = payload[start : start + SAMPLES_PER_FRAME]
        marker = 0x80 if i == 0 else 0
        header = struct.pack(
            "!BBHII",
            RTP_VERSION << 6,
            marker | payload_type,
            (first_seq + i) & 0xFFFF,
            (first_timestamp + i * SAMPLES_PER_FRAME) & 0xFFFFFFFF,
            ssrc,
        )
        packets.append(header + frame)
    return packets


class RtpSpeaker:
    """A SIP/RTP speaker fed a plain RTP stream of G.711 (PCMU payload type 0, PCMA 8) over UDP,
    paced at one 20 ms packet per 20 ms so the device's jitter buffer is not flooded."""

    def __init__(
        self, host: str, port: int, law: str = "pcmu", sleep: Callable[[float], None] = time.sleep
    ) -> None:
        if law not in PAYLOAD_TYPES:
            raise ValueError(f"codec={law!r}; allowed: pcmu, pcma")
        self.host = host
        self.port = port
        self.law = law
        self._sleep = sleep
        self._ssrc = int.from_bytes(os.urandom(4), "big")
        self._seq = int.from_bytes(os.urandom(2), "big")
        self._timestamp = int.from_bytes(os.urandom(4), "big")

    def play(self, wav: bytes) -> None:
        try:
            pcm = resample(read_wav(wav), TELEPHONE_RATE)
        except ValueError as exc:
            raise SpeakerError(str(exc)) from exc
        packets = rtp_packets(
            encode_g711(pcm.samples, self.law),
            PAYLOAD_TYPES[self.law],
            self._ssrc,
            self._seq,
            self._timestamp,
        )
        self._seq = (self._seq + len(packets)) & 0xFFFF
        self._timestamp = (self._timestamp + len(packets) * SAMPLES_PER_FRAME) & 0xFFFFFFFF
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                start = time.monotonic()
                for i, packet in enumerate(packets):
                    sock.sendto(packet, (self.host, self.port))
                    delay = start + (i + 1) * FRAME_MS / 1000 - time.monotonic()
                    if delay > 0:
                        self._sleep(delay)
        except OSError as exc:
            raise SpeakerError(f"RTP to {self.host}:{self.port} failed: {exc}") from exc
