"""`samplehub serve` (or `demo`) as a real subprocess on a data folder: started, killed with
SIGKILL as a crash would, and started again on the same folder. The browser tests and the
fault benchmark drive the running product through it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

SAMPLEHUB = str(Path(sys.executable).with_name("samplehub"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    """One data folder served by one process at a time; ``env`` adds settings
    (``SAMPLEHUB_…``) to the defaults; ``command`` replaces ``samplehub`` (e.g. a launcher)."""

    def __init__(
        self,
        folder: Path,
        env: dict[str, str] | None = None,
        command: Sequence[str] = (SAMPLEHUB,),
        verb: str = "serve",
    ) -> None:
        self.folder = folder
        self.command = list(command)
        self.verb = verb
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SAMPLEHUB_")},
            "SAMPLEHUB_DATA_DIR": str(folder),
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Another `samplehub` command on the same folder and settings (seed, audit verify)."""
        return subprocess.run(  # noqa: S603 - our own samplehub command
            [*self.command, *args], env=self.env, capture_output=True, text=True, check=False
        )

    def start(self, ready_s: float = 90.0) -> None:
        """Start and wait until the pages answer."""
        assert self.process is None, "already running"
        self.starts += 1
        log = (self.folder / f"serve-{self.starts}.log").open("wb")
        args = [*self.command, self.verb, "--port", str(self.port)]
        self.process = subprocess.Popen(  # noqa: S603 - our own samplehub command
            args, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + ready_s
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.verb} exited: see {log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.verb} did not answer within {ready_s:.0f} s")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            login = f"{self.url}/login"  # http on the loopback, made here
            with urllib.request.urlopen(login, timeout=2) as answer:  # noqa: S310
                return int(answer.status) == 200
        except (OSError, urllib.error.URLError):
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or a power cut."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        """A normal stop (SIGTERM), killed if it takes too long."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
