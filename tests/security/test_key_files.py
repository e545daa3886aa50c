"""Two workers starting at once could read an empty key file (issue 14, finding 9): the first
made `secret.key` empty with O_EXCL and wrote it a moment later, the second found it there and
read nothing, signing its sessions with an empty key. Now a key appears whole (written aside,
linked into place) and a reader that finds an empty file waits for the writer. SampleHub's
`secret.key`, LaneGuard's session key and station key."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from laneguard.alerting.adapters.crypto import StationSealer
from laneguard.core.keyfile import create_once
from samplehub.app.config import Settings
from samplehub.app.secret_key import with_secret_key


def sh_key(folder: Path) -> str:
    return with_secret_key(Settings(data_dir=folder, secret_key="")).secret_key


def lg_station_key(folder: Path) -> str:
    return StationSealer.load_or_create(folder / "station.x25519").station_public_key.hex()


def lg_session_key(folder: Path) -> str:
    return create_once(folder / "session.key", lambda: b"k" * 32, 32).hex()


def at_once(read: Callable[[Path], str], folder: Path, workers: int = 12) -> set[str]:
    """What ``workers`` threads released together each read as the key."""
    start, found = threading.Barrier(workers), []

    def worker() -> None:
        start.wait()
        found.append(read(folder))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == workers
    return set(found)


def test_workers_starting_together_share_one_whole_key(tmp_path: Path) -> None:
    for n in range(10):
        for read in (sh_key, lg_station_key, lg_session_key):
            keys = at_once(read, tmp_path / f"{read.__name__}-{n}")
            assert len(keys) == 1
            assert "" not in keys


def test_a_key_file_still_being_written_is_waited_for(tmp_path: Path) -> None:
    """As when an older version's worker has made the file and not yet written it."""
    path = tmp_path / "secret.key"
    path.touch()

    def write_late() -> None:
        time.sleep(0.2)
        path.write_text("written-by-the-other-worker")

    writer = threading.Thread(target=write_late)
    writer.start()
    assert sh_key(tmp_path) == "written-by-the-other-worker"
    writer.join()


def test_an_empty_key_file_that_stays_empty_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "secret.key").touch()
    with pytest.raises(RuntimeError, match=r"secret\.key is empty: delete it"):
        sh_key(tmp_path)
