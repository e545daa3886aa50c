"""Enrolment went over plain HTTP by default (issue 14, finding 3). `laneguard run` with no
certificate configured now makes a self-signed one at the first start, prints where it is and its
fingerprint, and serves HTTPS only; a terminal enrols over it trusting that file. The first start
also prints the `admin` password once."""

from __future__ import annotations

import http.client
import json
import re
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from laneguard.simulation.broker import free_port

LANEGUARD = str(Path(sys.executable).parent / "laneguard")


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    port = free_port()
    config = tmp_path / "lg.json"
    config.write_text(
        json.dumps(
            {
                "station": "S-HTTPS",
                "data_dir": str(tmp_path / "data"),
                "web": {"host": "127.0.0.1", "port": port},
                "source": {"type": "simulated"},
            }
        )
    )
    log = tmp_path / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen([LANEGUARD, "run", "--config", str(config)], stderr=out, stdout=out)
    cert = tmp_path / "data" / "keys" / "web-cert.pem"
    deadline = time.monotonic() + 60
    while True:
        try:
            context = ssl.create_default_context(cafile=str(cert))
            urllib.request.urlopen(f"https://127.0.0.1:{port}/api/health", context=context)
            break
        except (OSError, ssl.SSLError):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.2)
    yield f"127.0.0.1:{port}", config, log
    proc.terminate()
    proc.wait(timeout=20)


def test_first_start_serves_https_with_its_own_certificate_and_enrols_over_it(
    station: tuple[str, Path, Path], tmp_path: Path
) -> None:
    address, config, log = station
    printed = log.read_text()
    cert = tmp_path / "data" / "keys" / "web-cert.pem"
    assert f"self-signed): {cert}" in printed
    assert re.search(r"SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}", printed)
    assert re.search(r"password: \S{12,}", printed)
    assert oct((tmp_path / "data" / "keys" / "web-key.pem").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(http.client.RemoteDisconnected):  # no plain HTTP on the TLS port
        urllib.request.urlopen(f"http://{address}/api/health", timeout=5)
    made = subprocess.run(
        [LANEGUARD, "terminal", "code", "张三", "--config", str(config), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    code = json.loads(made.stdout)
    enrolled = subprocess.run(
        [
            LANEGUARD,
            "terminal",
            "enroll",
            "--server",
            f"https://{address}",
            "--server-ca",
            str(cert),
            "--code",
            code["code"],
            "--name",
            "张三",
            "--key-file",
            str(tmp_path / "t.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert enrolled.returncode == 0, enrolled.stderr
    answer = json.loads(enrolled.stdout)
    assert answer["station_key_fingerprint"] == code["station_key_fingerprint"]
