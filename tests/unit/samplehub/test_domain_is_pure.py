"""The domain imports nothing but the standard library and itself (DESIGN.md, rule 1)."""

import ast
import sys
from pathlib import Path

import samplehub.domain

DOMAIN = Path(samplehub.domain.__file__).parent


def test_domain_imports_only_the_standard_library() -> None:
    offenders = []
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and not name.startswith("samplehub.domain"):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
