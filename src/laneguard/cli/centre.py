"""`laneguard centre --config FILE`: the management centre over several stations (pages,
statistics, camera states), fed by the stations' forwarders over MQTT. With `demo:` in the
config it also runs the configured stations in this process over a private TLS Mosquitto."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer

from laneguard.app import bootstrap, web_tls
from laneguard.app.centre_bootstrap import CentreApp, build_centre
from laneguard.app.centre_config import CentreConfig, load_centre_config
from laneguard.app.config import CentreLinkConfig, LaneGuardConfig
from laneguard.cli import serving
from laneguard.cli.centre_demo import CentreDemo
from laneguard.core.errors import LaneGuardError
from laneguard.web.centre_app import CentreContext, create_centre_app


def centre_context(app: CentreApp, config: CentreConfig) -> CentreContext:
    return CentreContext(
        name=config.name,
        default_locale=config.web.default_locale,
        centre=app.centre,
        stats=app.stats,
        users=app.users,
        link_up=app.link_up,
        session_secret=bootstrap.session_secret(LaneGuardConfig(data_dir=config.data_dir)),
        secure_cookie=config.web.cookie_secure(),
        session_hours=config.web.session_hours,
        max_body_bytes=config.web.max_body_bytes,
    )


def _first_start(app: CentreApp, config: CentreConfig, demo: CentreDemo | None) -> None:
    """Seeds the configured operator, or on the very first start makes `admin` with a random
    password printed this once; in the demo, the stations' first start gets the same login."""
    web = config.web
    user, secret = web.operator_user, web.operator_password
    password = app.users.first_start((user, secret) if user and secret else None)
    if password is None:
        return
    if demo is not None:
        demo.operator = ("admin", password)
    serving.announce_password(
        password, "; the demo's stations have the same login" if demo is not None else ""
    )


def _certificate(made: web_tls.WebCertificate) -> str:
    return f"HTTPS certificate (self-signed): {made.cert} SHA-256 {made.fingerprint()}"


def centre(
    config: Annotated[Path, typer.Option("--config", "-c", help="Centre config file (YAML)")],
    verbose: serving.Verbose = False,
) -> None:
    """管理中心 / Run the management centre: every station's incidents, statistics, cameras."""
    serving.start_logging(verbose)
    cfg = serving.load_or_exit(load_centre_config, config)
    demo = CentreDemo(cfg) if cfg.demo is not None else None
    app: CentreApp | None = None
    try:
        if demo is not None:
            link: CentreLinkConfig = demo.start_broker()
            cfg.link = link.model_copy(update={"client_id": cfg.link.client_id})
        app = build_centre(cfg)
        _first_start(app, cfg, demo)
        signal.signal(signal.SIGTERM, serving.stop_on_term)
        app.start()
        if demo is not None:
            demo.start_stations()
        web = create_centre_app(centre_context(app, cfg))
        cert, key = serving.tls_files(cfg.web, cfg.data_dir, cfg.name, _certificate)
        typer.echo(f"LaneGuard centre {cfg.name}: {serving.address(cfg.web, cert)}", err=True)
        serving.serve(web, cfg.web, cert, key)
    except LaneGuardError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:  # stations first (they say offline), then the centre, then the demo's broker
        if demo is not None:
            demo.stop_stations()
        if app is not None:
            app.stop()
        if demo is not None:
            demo.stop_broker()
