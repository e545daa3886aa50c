"""What `laneguard run` (a station) and `laneguard centre` share: the log set-up, the config
read (exit status 2 when it is wrong), the first start's password banner, the web server's
HTTPS files, and serving the web app until SIGTERM."""

from __future__ import annotations

import logging
import types
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn
from fastapi import FastAPI

from laneguard.app import web_tls
from laneguard.app.config import WebConfig
from laneguard.core.errors import ConfigError

Config = TypeVar("Config")
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log at debug level")]


def start_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def load_or_exit(load: Callable[[Path], Config], path: Path) -> Config:
    """The config in `path`, or its error on stderr and exit status 2."""
    try:
        return load(path)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def announce_password(password: str, note: str) -> None:
    """The first start's `admin` password, printed this once (only its digest is kept)."""
    typer.echo(
        "\n".join(
            (
                "=" * 64,
                "首次启动：已创建操作员 admin / first start: operator 'admin' created",
                f"password: {password}",
                "此密码只显示这一次 / shown only this once" + note,
                "=" * 64,
            )
        ),
        err=True,
    )


def tls_files(
    web: WebConfig,
    data_dir: Path,
    name: str,
    describe: Callable[[web_tls.WebCertificate], str],
) -> tuple[str | None, str | None]:
    """The configured certificate and key, else (with `web.tls: auto`) the self-signed pair
    made at the first start under `data_dir`/keys, told on stderr by `describe`; else none."""
    if web.tls_cert is not None and web.tls_key is not None:
        return str(web.tls_cert), str(web.tls_key)
    if web.tls == "off":
        return None, None
    made = web_tls.self_signed(data_dir / "keys", web.host, name)
    typer.echo(describe(made), err=True)
    return str(made.cert), str(made.key)


def address(web: WebConfig, cert: str | None) -> str:
    """The web app's address: https when it has a certificate (`tls_files`), else http."""
    return f"{'https' if cert else 'http'}://{web.host}:{web.port}/"


def stop_on_term(signum: int, frame: types.FrameType | None) -> None:
    """uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets
    the service stop its broker, MQTT client and threads instead of dying on the spot."""
    raise SystemExit(0)


def serve(app: FastAPI, web: WebConfig, cert: str | None, key: str | None) -> None:
    uvicorn.run(
        app,
        host=web.host,
        port=web.port,
        log_level="warning",
        timeout_graceful_shutdown=3,
        ssl_certfile=cert,
        ssl_keyfile=key,
    )
