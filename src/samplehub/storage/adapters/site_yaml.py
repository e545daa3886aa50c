"""Read a site file (YAML) into a plain tree and the line of every value in it.

PyYAML's composed nodes carry their marks; the tree keeps the same paths the site model
validates (``storage.areas[0].racks[1].access_node``), so its errors name the file's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from samplehub.storage.domain.site import SiteError


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        tree: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            child = f"{path}.{key}" if path else str(key)
            tree[key] = _walk(value_node, child, lines)
        return tree
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, f"{path}[{i}]", lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def read_site_text(text: str) -> tuple[Any, dict[str, int]]:
    """The tree and ``{path: line}`` of a site file's text."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SiteError("site", "not YAML", f"a YAML document ({error})", line) from None
    lines: dict[str, int] = {}
    return (None if root is None else _walk(root, "", lines)), lines


def read_site_file(path: Path) -> tuple[Any, dict[str, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SiteError(
            "file", str(path), f"a readable site file ({error.strerror})", None
        ) from None
    return read_site_text(text)
