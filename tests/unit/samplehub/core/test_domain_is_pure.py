"""Every slice's domain imports nothing but the standard library, the core's domain and itself
(DESIGN.md, rule 1)."""

import ast
import sys
from pathlib import Path

import pytest

import samplehub

ROOT = Path(samplehub.__file__).parent
DOMAINS = sorted(p.parent.parent.name for p in ROOT.glob("*/domain/__init__.py"))


def test_every_slice_has_a_domain() -> None:
    assert {"core", "intake", "fleet", "lab", "pickup", "recall"} <= set(DOMAINS)


@pytest.mark.parametrize("slice_name", DOMAINS)
def test_domain_imports_only_the_standard_library(slice_name: str) -> None:
    allowed = ("samplehub.core.domain", f"samplehub.{slice_name}.domain")
    offenders = []
    for path in (ROOT / slice_name / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and not name.startswith(allowed):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
