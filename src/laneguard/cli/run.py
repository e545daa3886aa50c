"""`laneguard run --config FILE`: the live service (pipelines or simulation, alerts, web UI)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from laneguard.alerting.domain.enrolment import fingerprint
from laneguard.app import bootstrap, web_tls
from laneguard.app.config import load_config
from laneguard.cli import serving
from laneguard.web.app import WebContext, create_app


def _mqtt_info(app: bootstrap.LaneGuardApp) -> dict[str, Any] | None:
    """What a terminal needs to reach the broker; the CA certificate is public."""
    s = app.mqtt_settings
    if s is None:
        return None
    return {
        "host": s.host,
        "port": s.port,
        "topic_prefix": s.topic_prefix,
        "ca_pem": s.ca_file.read_text(encoding="ascii"),
    }


def web_context(app: bootstrap.LaneGuardApp) -> WebContext:
    return WebContext(
        station=app.config.station,
        default_locale=app.config.web.default_locale,
        alerts=app.alerts,
        terminals=app.records.terminals,
        stats=app.records.stats,
        records=app.records.records,
        ws_hub=app.ws_hub,
        frames=app.frames,
        station_public_key=app.sealer.station_public_key,
        mqtt=_mqtt_info(app),
        simulator=app.simulator,
        cameras=[c.camera for c in app.config.cameras],
        health=app.health,
        zones=bootstrap.zone_editor(app.config, app.source),
        users=app.records.users,
        session_secret=bootstrap.session_secret(app.config),
        secure_cookie=app.config.web.cookie_secure(),
        session_hours=app.config.web.session_hours,
        max_body_bytes=app.config.web.max_body_bytes,
        station_key_fingerprint=fingerprint(app.sealer.station_public_key),
    )


def first_start(app: bootstrap.LaneGuardApp) -> None:
    """Seeds the configured operator, or on the very first start makes `admin` and prints its
    password this once (only its Argon2 digest is kept)."""
    web = app.config.web
    seed = (web.operator_user, web.operator_password) if web.operator_user else None
    password = app.records.users.first_start(
        None if seed is None or seed[1] is None else (seed[0], seed[1])
    )
    if password is not None:
        serving.announce_password(
            password, "; add users with `laneguard user add NAME --role operator|viewer`"
        )


def _certificate(made: web_tls.WebCertificate) -> str:
    """Where the self-signed certificate is and its fingerprint, for terminals to trust."""
    return (
        f"HTTPS certificate ({'made now, ' if made.made_now else ''}self-signed): {made.cert}\n"
        f"  SHA-256 {made.fingerprint()}\n"
        f"  terminals: laneguard terminal enroll --server-ca {made.cert} ..."
    )


def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="YAML or JSON config file")],
    verbose: serving.Verbose = False,
) -> None:
    """启动实时服务 / Run the live service: voice warnings and encrypted alerts per incident."""
    serving.start_logging(verbose)
    cfg = serving.load_or_exit(load_config, config)
    app = bootstrap.build(cfg)
    first_start(app)
    signal.signal(signal.SIGTERM, serving.stop_on_term)
    app.start()
    try:
        web = create_app(web_context(app))
        cert, key = serving.tls_files(cfg.web, cfg.data_dir, cfg.station, _certificate)
        where = serving.address(cfg.web, cert)
        typer.echo(f"LaneGuard {cfg.station}: {where} (terminal page /terminal)", err=True)
        if app.mqtt_settings is not None:
            typer.echo(f"MQTT TLS {app.mqtt_settings.host}:{app.mqtt_settings.port}", err=True)
        serving.serve(web, cfg.web, cert, key)
    finally:
        app.stop()
