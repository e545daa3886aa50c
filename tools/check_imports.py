"""Import every module of src/ and look up every package it names; run in a venv built from
requirements/runtime.txt alone (tests/integration/packaging/test_runtime_lock.py does).

Fails, listing each case, when a module cannot be imported or when any import statement in src/
(at module level or inside a function, where importing the module would not reach it) names a
package that is not installed: a runtime import of a package that is only a dev dependency.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import sys
import traceback
from pathlib import Path

OWN = {"samplehub", "laneguard"}


def imported_names(source: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def main(src: Path) -> int:
    problems = []
    for package in sorted(OWN):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if info.name.rsplit(".", 1)[-1] == "__main__":
                continue
            try:
                importlib.import_module(info.name)
            except Exception:  # every failure is reported; none stops the walk
                problems.append(f"import {info.name}: {traceback.format_exc(limit=1).strip()}")
    names: dict[str, str] = {}
    for source in sorted(src.rglob("*.py")):
        for name in imported_names(source):
            names.setdefault(name, str(source.relative_to(src)))
    for name, where in sorted(names.items()):
        if name in OWN or name in sys.stdlib_module_names or name == "__future__":
            continue
        if importlib.util.find_spec(name) is None:
            problems.append(f"{where} imports {name!r}, which no runtime dependency provides")
    print("\n".join(problems) or f"all modules import; {len(names)} imported packages found")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
