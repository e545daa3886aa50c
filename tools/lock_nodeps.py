"""Pin the --no-deps wheels of requirements/nodeps.in by version and SHA-256 (run by `make lock`).

pip-compile would resolve what these wheels require (TensorFlow, a second OpenCV), which the
project never installs, so each pinned wheel is downloaded alone and hashed here.
Usage: python tools/lock_nodeps.py requirements/nodeps.in requirements/nodeps.txt
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path


def main(source: Path, target: Path) -> None:
    out = ["# Made by `make lock` from nodeps.in: install with pip --no-deps --require-hashes."]
    for line in source.read_text(encoding="utf-8").splitlines():
        pin = line.split("#", 1)[0].strip()
        if not pin:
            out.append(line)
            continue
        if "==" not in pin:
            sys.exit(f"nodeps.in: {pin!r} must be pinned as NAME==VERSION")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(  # noqa: S603 - pip with the pins of nodeps.in
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, pin],
                check=True,
            )
            digests = sorted(
                hashlib.sha256(f.read_bytes()).hexdigest() for f in Path(tmp).iterdir()
            )
        out.append(pin + "".join(f" \\\n    --hash=sha256:{d}" for d in digests))
    target.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
