"""`samplehub audit ...` and `samplehub keys ...`: the custody chain, its anchors, the keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.wiring import trust
from samplehub.core.domain.anchors import Anchor

audit_app = typer.Typer(help="Chain of custody 流转追溯")
keys_app = typer.Typer(help="The institute's signing and anchor keys 机构密钥")


@audit_app.command("verify")
def audit_verify(
    anchors: Annotated[
        list[Path] | None,
        typer.Option("--anchors", help="An outside copy of the anchors (anchors.jsonl) to hold"),
    ] = None,
    key: Annotated[
        list[Path] | None,
        typer.Option("--key", help="Public anchor key (PEM) to trust besides our own"),
    ] = None,
) -> None:
    """Walk the custody chain and hold it against every signed anchor: exit 0 with a count if
    intact, exit 1 naming the first bad record and the anchor that shows it."""
    from samplehub.core.adapters.anchor_file import AnchorFile
    from samplehub.core.service.anchoring import verify_chain

    settings = Settings()
    services = bootstrap.bootstrap(settings)
    outside: list[Anchor] = trust.anchor_file(settings).read()
    for path in anchors or []:
        outside.extend(AnchorFile(path).read())
    result = verify_chain(
        services.uow_factory, trust.anchor_checker(settings, *(key or [])), outside
    )
    if result.ok:
        typer.echo(
            f"audit chain intact: {result.count} records, {result.anchors} anchors verified, "
            f"{result.unanchored} records after the newest anchor"
        )
        return
    if result.broken_seq is not None:
        typer.echo(f"audit chain BROKEN at record {result.broken_seq}", err=True)
    for problem in result.problems:
        typer.echo(f"audit chain BROKEN: {problem}", err=True)
    typer.echo(f"({result.count} records verified in order)", err=True)
    raise typer.Exit(1)


@audit_app.command("export-anchor")
def export_anchor() -> None:
    """Sign the chain's head now, append it to the anchor log and print it (e-mail it to the
    quality manager, print it, pin it up: an outside copy the database cannot rewrite)."""
    from samplehub.core.service.anchoring import export_anchor as export

    settings = Settings()
    services = bootstrap.bootstrap(settings)
    anchor = export(
        services.uow_factory, trust.anchor_signer(settings), trust.anchor_file(settings),
        services.clock,
    )  # fmt: skip
    if anchor is None:
        typer.echo("the custody chain is empty; nothing to anchor", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(anchor.as_dict(), sort_keys=True))


@keys_app.command("init")
def keys_init() -> None:
    """Make the demo keys under data_dir/keys: a self-signed institute CA, a signing
    certificate it issues, and the Ed25519 anchor key (files readable by the owner only)."""
    from samplehub.core.adapters.keys import KeysUnavailable, make_demo_keys

    settings = Settings()
    try:
        made = make_demo_keys(settings.keys_dir(), settings.institute.name_en)
    except KeysUnavailable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for path in made:
        typer.echo(f"made {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
    app.add_typer(keys_app, name="keys")
