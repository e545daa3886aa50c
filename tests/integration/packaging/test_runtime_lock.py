"""The runtime lock alone runs the product: a venv built from requirements/runtime.txt and
nodeps.txt (no dev extras) imports every module of src/, and every package that src/ imports
anywhere is installed there (tools/check_imports.py)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LOCKS = [ROOT / "requirements" / "runtime.txt", ROOT / "requirements" / "nodeps.txt"]


def runtime_venv() -> Path:
    """`.venv-runtime` at the repository root, rebuilt when the runtime lock changes."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in LOCKS)).hexdigest()[:16]
    venv = ROOT / ".venv-runtime"
    stamp = venv / f".lock-{digest}"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        install = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps"]
        subprocess.run(
            [*install, "--require-hashes", *(a for p in LOCKS for a in ("-r", str(p)))],
            check=True,
        )
        stamp.touch()
    return venv


def check_imports(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(runtime_venv() / "bin" / "python"),
            str(ROOT / "tools" / "check_imports.py"),
            str(src),
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        timeout=600,
    )


@pytest.mark.timeout(1800)  # a first build installs every runtime wheel (from pip's cache in CI)
def test_the_runtime_lock_alone_imports_every_module_and_package() -> None:
    result = check_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all modules import" in result.stdout


@pytest.mark.timeout(1800)
def test_the_check_finds_an_import_the_runtime_lacks(tmp_path: Path) -> None:
    """The checker itself: a module importing a package no runtime dependency provides fails."""
    for package in ("samplehub", "laneguard"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "samplehub" / "late.py").write_text("def f():\n    import not_a_runtime_dep\n")
    result = check_imports(tmp_path)
    assert result.returncode == 1
    assert "samplehub/late.py imports 'not_a_runtime_dep'" in result.stdout
