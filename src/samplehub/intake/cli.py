"""`samplehub vision read IMAGE... --json`: nameplate fields, codes and text of each photo.

One JSON object per image per line on stdout (the contract in CONTRACTS.md); progress and
human-readable output go to stderr or a table, so scripts can pipe stdout straight into jq.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from samplehub.app.wiring import intake as intake_wiring
from samplehub.core.domain.messages import Message
from samplehub.intake.service.ports import NameplateVision, UnreadableImageError, check_image_size
from samplehub.web.i18n import pick_locale, translate

app = typer.Typer(name="vision", help="铭牌识别 / nameplate vision", no_args_is_help=True)
_err = Console(stderr=True)


def load_instrument_types(path: Path) -> dict[str, str]:
    """Extra instrument types from a YAML or JSON mapping: written name -> category."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise typer.BadParameter(f"{path}: {exc}", param_hint="--types") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise typer.BadParameter(
            f"{path} must map written type names to categories, e.g. 电磁流量计: flowmeter",
            param_hint="--types",
        )
    return data


def read_one(vision: NameplateVision, path: Path, locale: str = "zh-CN") -> dict[str, Any]:
    """The contract's JSON object for one file; an `error` key when it cannot be read."""
    try:
        if not path.is_file():
            raise UnreadableImageError(
                "file",
                str(path),
                "an existing image file",
                Message("intake.error_no_such_file", {"path": str(path)}),
            )
        check_image_size(path.stat().st_size, path.name)
        result = vision.read_image(path.read_bytes(), path.name)
    except UnreadableImageError as exc:
        error = translate(pick_locale(locale, "zh-CN"), exc.text.id, exc.text.params)
        return {"file": str(path), "error": error, "error_field": exc.field}
    except OSError as exc:
        return {"file": str(path), "error": str(exc), "error_field": "file"}
    return {
        "file": str(path),
        "fields": result.reading.values(),
        "codes": [{"format": c.format, "text": c.text} for c in result.codes],
        "lines": list(result.lines),
        "elapsed_ms": result.elapsed_ms,
        "confidence": result.reading.confidences(),
        "extra": {
            "category": result.reading.fields["category"].value,
            "production_date": result.reading.fields["production_date"].value,
        },
    }


@app.command("read")
def read(
    images: Annotated[
        list[Path], typer.Argument(help="Photos of nameplates (PNG, JPEG, BMP, TIFF, WebP)")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per image per line")
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of messages: zh-CN or en")
    ] = "zh-CN",
    types: Annotated[
        Path | None,
        typer.Option("--types", help="YAML/JSON file of extra instrument types: name -> category"),
    ] = None,
) -> None:
    """Read nameplate fields and barcodes from each photo; exit 1 if any could not be read."""
    vision = intake_wiring.build_vision(load_instrument_types(types) if types else None)
    failed = 0
    results: list[dict[str, Any]] = []
    with Progress(console=_err, transient=True, disable=len(images) < 2) as progress:
        task = progress.add_task("识别铭牌 / reading nameplates", total=len(images))
        for path in images:
            result = read_one(vision, path, lang)
            failed += "error" in result
            if as_json:
                typer.echo(json.dumps(result, ensure_ascii=False))
            else:
                results.append(result)
            progress.advance(task)
    if not as_json:
        _print_tables(results)
    if failed:
        raise typer.Exit(code=1)


def _print_tables(results: list[dict[str, Any]]) -> None:
    console = Console()
    for result in results:
        if "error" in result:
            _err.print(f"[red]{result['file']}: {result['error']}[/red]")
            continue
        table = Table(title=f"{result['file']} ({result['elapsed_ms']} ms)")
        table.add_column("字段 / field")
        table.add_column("值 / value")
        table.add_column("置信度 / confidence")
        for name, value in result["fields"].items():
            table.add_row(
                name, "" if value is None else str(value), f"{result['confidence'][name]:.2f}"
            )
        for code in result["codes"]:
            table.add_row(code["format"], code["text"], "")
        console.print(table)
