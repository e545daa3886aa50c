"""`laneguard user ...`: the web UI's users (operators and viewers) in the station database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from laneguard.access.domain.users import Role
from laneguard.access.service.users import UserError, UserService
from laneguard.app import bootstrap
from laneguard.app.centre_bootstrap import centre_users
from laneguard.app.centre_config import is_centre_config, load_centre_config
from laneguard.app.config import load_config
from laneguard.core.errors import ConfigError, StorageError

user_app = typer.Typer(help="网页用户 / Web UI users (operator, viewer)", no_args_is_help=True)

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The station's (or the centre's) config file")
]


def _users(config: Path) -> UserService:
    """The users of a station's database, or of a management centre's when `config` is a
    centre's (`laneguard centre --config`)."""
    try:
        if is_centre_config(config):
            return centre_users(load_centre_config(config))
        return bootstrap.build_records(load_config(config)).users
    except (ConfigError, StorageError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _password() -> str:
    """From a prompt (twice, hidden) on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        value: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        return value
    return sys.stdin.readline().rstrip("\r\n")


@user_app.command()
def add(
    name: Annotated[str, typer.Argument(help="Login name")],
    config: ConfigOption,
    role: Annotated[Role, typer.Option(help="operator: may change; viewer: may only read")] = (
        Role.VIEWER
    ),
) -> None:
    """添加用户（密码来自提示或标准输入）/ Add a user; the password comes from a prompt or stdin."""
    users = _users(config)
    try:
        user = users.add(name, role, _password())
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps({"name": user.name, "role": user.role.value}))


@user_app.command()
def password(name: Annotated[str, typer.Argument(help="Login name")], config: ConfigOption) -> None:
    """设置新密码 / Set a new password (from a prompt or stdin)."""
    try:
        _users(config).set_password(name, _password())
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps({"name": name, "password": "changed"}))


@user_app.command()
def disable(name: Annotated[str, typer.Argument(help="Login name")], config: ConfigOption) -> None:
    """停用用户：其会话随即失效 / Disable a user; their sessions stop working at once."""
    try:
        _users(config).set_active(name, False)
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps({"name": name, "active": False}))


@user_app.command("list")
def list_users(config: ConfigOption) -> None:
    """列出用户 / List users."""
    for u in _users(config).list():
        typer.echo(json.dumps({"name": u.name, "role": u.role.value, "active": u.active}))
