"""Speakers against real sockets, and warning clips from the real eSpeak NG library."""

from __future__ import annotations

import io
import re
import socket
import struct
import threading
import wave
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from laneguard.warning.adapters.audio import Pcm, decode_g711, read_wav, resample, write_wav
from laneguard.warning.adapters.speakers import HttpSpeaker, LocalSpeaker, RtpSpeaker
from laneguard.warning.adapters.voice_clips import ClipSynthesisError, EspeakClipLibrary
from laneguard.warning.domain.voice import WarningLevel
from laneguard.warning.service.ports import SpeakerError


def test_rtp_speaker_stream_is_received_and_decodes(tmp_path: Path) -> None:
    tone = [((i // 20) % 2) * 8000 - 4000 for i in range(8000)]  # 1 s square wave at 8 kHz
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rx:
        rx.bind(("127.0.0.1", 0))
        rx.settimeout(5)
        port = rx.getsockname()[1]
        RtpSpeaker("127.0.0.1", port, "pcma", sleep=lambda _s: None).play(
            write_wav(Pcm(8000, tone))
        )
        packets = [rx.recv(2048) for _ in range(50)]
    heads = [struct.unpack("!BBHII", p[:12]) for p in packets]
    assert all(h[0] == 0x80 and h[1] & 0x7F == 8 for h in heads)
    assert [(h[2] - heads[0][2]) & 0xFFFF for h in heads] == list(range(50))
    assert [(h[3] - heads[0][3]) & 0xFFFFFFFF for h in heads] == [160 * i for i in range(50)]
    decoded = [s for p in packets for s in decode_g711(p[12:], "pcma")]
    assert len(decoded) == 8000
    assert all(abs(a - b) <= 130 for a, b in zip(decoded, tone, strict=True))


class _Recorder(BaseHTTPRequestHandler):
    bodies: list[tuple[str, bytes]] = []  # noqa: RUF012 - test recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Recorder.bodies.append((self.headers["Content-Type"], body))
        self.send_response(204 if self.path == "/play" else 500)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def http_speaker_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_speaker_posts_the_wav_and_reports_refusal(http_speaker_url: str) -> None:
    HttpSpeaker(f"{http_speaker_url}/play").play(b"RIFFdata")
    assert _Recorder.bodies[-1] == ("audio/wav", b"RIFFdata")
    with pytest.raises(SpeakerError, match="HTTP 500"):
        HttpSpeaker(f"{http_speaker_url}/broken").play(b"RIFF")


def test_http_speaker_unreachable_is_a_speaker_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SpeakerError, match="unreachable"):
        HttpSpeaker(f"http://127.0.0.1:{port}/play", timeout_s=1).play(b"RIFF")


def _assert_speech(data: bytes, min_s: float, max_s: float) -> float:
    """Mono 16-bit WAV, length in range, voiced most of the way, telephone-ready; its seconds."""
    with wave.open(io.BytesIO(data), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
        seconds = w.getnframes() / w.getframerate()
    assert min_s < seconds < max_s
    pcm = read_wav(data)
    s = pcm.samples
    assert max(abs(x) for x in s) > 8000
    assert (sum(x * x for x in s) / len(s)) ** 0.5 > 1000
    window = pcm.rate // 50  # 20 ms
    loud = [max(abs(x) for x in s[i : i + window]) > 500 for i in range(0, len(s), window)]
    assert sum(loud) / len(loud) > 0.6  # syllables all the way, not a click or a beep
    phone = resample(pcm, 8000)
    assert abs(phone.seconds - seconds) < 0.01
    assert max(abs(x) for x in phone.samples) > 8000
    return seconds


def test_espeak_clips_are_speech_made_once_and_operator_recording_wins(tmp_path: Path) -> None:
    clips = EspeakClipLibrary(tmp_path / "voice")
    written = clips.prepare(["3"])
    assert written == [clips.path("3", WarningLevel.FIRST), clips.path("3", WarningLevel.STRONG)]
    first = _assert_speech(clips.clip("3", WarningLevel.FIRST), 4.0, 12.0)
    strong = _assert_speech(clips.clip("3", WarningLevel.STRONG), 6.0, 15.0)
    assert strong > first + 1.0  # the stronger text is longer
    assert sorted(p.name for p in (tmp_path / "voice" / "3").iterdir()) == [
        "first.wav",
        "strong.wav",
    ]
    own = write_wav(Pcm(8000, [0] * 800))
    clips.path("3", WarningLevel.STRONG).write_bytes(own)
    assert clips.prepare(["3"]) == []
    assert clips.clip("3", WarningLevel.STRONG) == own


def test_clips_for_several_lanes_from_several_threads_are_all_speech(tmp_path: Path) -> None:
    clips = EspeakClipLibrary(tmp_path / "voice")
    errors: list[Exception] = []

    def prepare(lane: str) -> None:
        try:
            clips.prepare([lane])
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=prepare, args=(str(lane),)) for lane in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for lane in ("1", "2", "3", "4"):
        _assert_speech(clips.clip(lane, WarningLevel.FIRST), 4.0, 12.0)
        _assert_speech(clips.clip(lane, WarningLevel.STRONG), 6.0, 15.0)


def test_clip_that_cannot_be_synthesised_names_the_file_and_leaves_nothing(tmp_path: Path) -> None:
    clips = EspeakClipLibrary(tmp_path / "voice", voice="no-such-voice")
    path = clips.path("3", WarningLevel.FIRST)
    with pytest.raises(
        ClipSynthesisError, match=re.escape(f"{path}: no eSpeak NG voice 'no-such-voice'")
    ):
        clips.prepare(["3"])
    with pytest.raises(SpeakerError, match=re.escape(f"warning clip {path} unavailable")):
        clips.clip("3", WarningLevel.FIRST)
    assert not (tmp_path / "voice").exists() or list((tmp_path / "voice").rglob("*")) == []
    # The library is still usable afterwards.
    _assert_speech(EspeakClipLibrary(tmp_path / "ok").clip("3", WarningLevel.FIRST), 4.0, 12.0)


def test_local_speaker_plays_through_its_command_or_logs(tmp_path: Path) -> None:
    LocalSpeaker("3", tmp_path, command=["true"]).play(b"RIFF")
    assert (tmp_path / "lane-3-last.wav").read_bytes() == b"RIFF"
    LocalSpeaker("4", tmp_path, command=[]).play(b"RIFF")
    with pytest.raises(SpeakerError, match="failed"):
        LocalSpeaker("5", tmp_path, command=["false"]).play(b"RIFF")
