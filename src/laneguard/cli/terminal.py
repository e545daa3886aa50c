"""`laneguard terminal ...`: the simulated wearable terminal, and enrolment housekeeping."""

from __future__ import annotations

import base64
import json
import queue
import ssl
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from laneguard.alerting.adapters.crypto import TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.mqtt import MqttSettings, MqttTerminalClient
from laneguard.alerting.domain.alerts import (
    Acknowledgement,
    CameraAlert,
    SealedMessage,
    TerminalScope,
    iso_z,
    parse_outcome,
)
from laneguard.alerting.domain.enrolment import fingerprint
from laneguard.alerting.service.ports import DecryptionError
from laneguard.alerting.service.terminals import EnrolmentRefusedError, TerminalService
from laneguard.app import bootstrap
from laneguard.app.config import load_config
from laneguard.core.errors import ConfigError, LaneGuardError

terminal_app = typer.Typer(help="模拟值班终端 / Simulated staff terminal", no_args_is_help=True)

DEFAULT_KEY_FILE = Path.home() / ".laneguard" / "terminal.json"
StationConfig = Annotated[Path, typer.Option("--config", "-c", help="The station's config file")]
Result = TypeVar("Result")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _on_terminals(config: Path, use: Callable[[TerminalService], Result]) -> Result:
    """`use` on the station's terminals; a wrong config or a refused change exits with 2."""
    try:
        return use(bootstrap.build_records(load_config(config)).terminals)
    except (ConfigError, EnrolmentRefusedError) as exc:
        raise _fail(str(exc), 2) from exc


@terminal_app.command()
def enroll(
    code: Annotated[str, typer.Option(help="The one-time code an operator made for this name")],
    name: Annotated[str, typer.Option(help="Name of the person wearing the terminal")],
    server: Annotated[str, typer.Option(help="LaneGuard web address")] = "https://127.0.0.1:8100",
    server_ca: Annotated[
        Path | None, typer.Option(help="CA of the station's HTTPS certificate, if private")
    ] = None,
    key_file: Annotated[
        Path, typer.Option(help="Where the private key is kept")
    ] = DEFAULT_KEY_FILE,
) -> None:
    """登记终端：生成 X25519 密钥对，只把公钥交给收费站 / Enrol: only the public key leaves."""
    private = generate_private_key()
    probe = TerminalIdentity("?", name, private, b"")
    body = json.dumps(
        {"name": name, "code": code, "public_key": base64.b64encode(probe.public_key).decode()}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - operator-given LaneGuard URL
        f"{server.rstrip('/')}/api/terminals",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        context = ssl.create_default_context(cafile=str(server_ca) if server_ca else None)
        with urllib.request.urlopen(request, timeout=10, context=context) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise _fail(f"enrolment refused (HTTP {exc.code}): {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise _fail(f"LaneGuard at {server} unreachable: {exc}") from exc
    extras: dict[str, Any] = {}
    mqtt = answer.get("mqtt")
    if isinstance(mqtt, dict):
        ca_path = key_file.with_suffix(".ca.pem")
        ca_path.parent.mkdir(parents=True, exist_ok=True)
        ca_path.write_text(str(mqtt.get("ca_pem", "")), encoding="ascii")
        extras["mqtt"] = {
            "host": mqtt.get("host"),
            "port": mqtt.get("port"),
            "topic_prefix": mqtt.get("topic_prefix"),
            "ca_file": str(ca_path),
        }
    identity = TerminalIdentity(
        answer["terminal_id"], name, private, base64.b64decode(answer["station_public_key"]), extras
    )
    identity.save(key_file)
    shown = fingerprint(identity.station_public_key)
    if answer.get("station_key_fingerprint") not in (None, shown):
        raise _fail("the station's key does not match the fingerprint it announced")
    typer.echo(
        json.dumps(
            {
                "terminal_id": identity.terminal_id,
                "key_file": str(key_file),
                "station_key_fingerprint": shown,
            }
        )
    )
    typer.echo(f"compare with the operator's page: station key fingerprint {shown}", err=True)


@terminal_app.command()
def code(
    name: Annotated[str, typer.Argument(help="Name of the terminal (its wearer) to enrol")],
    config: StationConfig,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
    by: Annotated[str, typer.Option(help="Who makes the code, for the record")] = "cli",
    lane: Annotated[
        list[str] | None,
        typer.Option(help="Only this lane's alerts (repeatable); default every lane"),
    ] = None,
    leader: Annotated[
        bool, typer.Option("--leader", help="The shift leader's: also gets escalations")
    ] = False,
) -> None:
    """生成一次性登记码 / Make a one-time enrolment code for one terminal (expires, works once).

    The terminal it enrols gets this station's alerts only (of --lane only, when given)."""
    try:
        cfg = load_config(config)
        records = bootstrap.build_records(cfg)
        issued = records.terminals.issue_code(name, by, lanes=lane or (), leader=leader)
    except (ConfigError, EnrolmentRefusedError) as exc:
        raise _fail(str(exc), 2) from exc
    shown = fingerprint(bootstrap.station_sealer(cfg).station_public_key)
    if as_json:
        line = {
            "code": issued.code,
            "name": issued.terminal_name,
            "expires_at": iso_z(issued.expires_at),
            "station_key_fingerprint": shown,
            **_scope_json(issued.scope),
        }
        typer.echo(json.dumps(line, ensure_ascii=False))
        return
    typer.echo(f"enrolment code for {issued.terminal_name}: {issued.code}")
    typer.echo(f"expires at {iso_z(issued.expires_at)}; works once")
    typer.echo(f"scope: {json.dumps(_scope_json(issued.scope), ensure_ascii=False)}")
    typer.echo(f"station key fingerprint: {shown}")


def _scope_json(scope: TerminalScope) -> dict[str, object]:
    return {"station": scope.station, "lanes": sorted(scope.lanes), "leader": scope.leader}


@terminal_app.command()
def scope(
    terminal_id: Annotated[str, typer.Argument(help="Id of the terminal")],
    config: StationConfig,
    lane: Annotated[
        list[str] | None,
        typer.Option(help="Only this lane's alerts (repeatable); none: every lane"),
    ] = None,
    leader: Annotated[
        bool, typer.Option("--leader/--staff", help="The shift leader's (gets escalations)")
    ] = False,
) -> None:
    """设置终端接收范围 / Set which lanes a terminal hears, and whether it is a leader's."""
    terminal = _on_terminals(
        config, lambda terminals: terminals.rescope(terminal_id, lane or (), leader)
    )
    line = {"terminal_id": terminal.terminal_id, **_scope_json(terminal.scope)}
    typer.echo(json.dumps(line, ensure_ascii=False))


def _show_camera(notice: CameraAlert, as_json: bool) -> None:
    line = {
        "camera": notice.camera,
        "station": notice.station,
        "state": notice.state.value,
        "at": iso_z(notice.at),
        "detail": notice.detail,
    }
    if as_json:
        typer.echo(json.dumps(line, ensure_ascii=False))
    else:
        typer.echo(f"[{line['at']}] 摄像机 {notice.station} {notice.camera}: {notice.state.value}")
    sys.stdout.flush()


def _settings(
    identity: TerminalIdentity,
    host: str | None,
    port: int | None,
    ca_file: Path | None,
    login: tuple[str | None, str | None] = (None, None),
) -> MqttSettings:
    saved = identity.extras.get("mqtt") or {}
    host = host or saved.get("host")
    port = port or saved.get("port")
    ca = ca_file or (Path(saved["ca_file"]) if saved.get("ca_file") else None)
    if not host or not port or ca is None:
        raise _fail(
            "no MQTT broker known: enrol against a station with MQTT, or pass "
            "--mqtt-host, --mqtt-port and --ca-file",
            2,
        )
    username, password = login
    if password and not username:  # the login deploy/mosquitto/make_broker.py makes for it
        username = f"terminal-{identity.terminal_id}"
    prefix = str(saved.get("topic_prefix") or "laneguard")
    return MqttSettings(
        str(host), int(port), ca, prefix, username=username, password=password or None
    )


@terminal_app.command()
def listen(
    key_file: Annotated[Path, typer.Option(help="Identity file from `enroll`")] = DEFAULT_KEY_FILE,
    mqtt_host: Annotated[
        str | None, typer.Option(help="Broker host (default: from enrolment)")
    ] = None,
    mqtt_port: Annotated[int | None, typer.Option(help="Broker TLS port")] = None,
    ca_file: Annotated[Path | None, typer.Option(help="CA certificate of the broker")] = None,
    mqtt_username: Annotated[
        str | None, typer.Option(help="Broker login (default with a password: terminal-<id>)")
    ] = None,
    mqtt_password: Annotated[
        str | None,
        typer.Option(
            envvar="LANEGUARD_MQTT_PASSWORD",
            help="Broker password (from the environment, so it stays out of the process list)",
            show_default=False,
        ),
    ] = None,
    ack: Annotated[
        str | None,
        typer.Option(help="Acknowledge each alert with: turned_back, left_by_itself, false_alarm"),
    ] = None,
    count: Annotated[int, typer.Option(min=0, help="Stop after this many alerts (0: never)")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per alert")] = False,
    snapshot_dir: Annotated[Path | None, typer.Option(help="Save each snapshot JPEG here")] = None,
) -> None:
    """接收并解密告警 / Receive alerts over MQTT TLS, decrypt them, optionally acknowledge."""
    try:
        identity = TerminalIdentity.load(key_file)
    except ValueError as exc:
        raise _fail(str(exc), 2) from exc
    outcome = None
    if ack is not None:
        try:
            outcome = parse_outcome(ack)
        except ValueError as exc:
            raise _fail(str(exc), 2) from exc
    inbox: queue.Queue[SealedMessage] = queue.Queue()
    client = MqttTerminalClient(
        _settings(identity, mqtt_host, mqtt_port, ca_file, (mqtt_username, mqtt_password)),
        identity.terminal_id,
        inbox.put,
    )
    try:
        client.start()
    except LaneGuardError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"listening as {identity.name} ({identity.terminal_id})", err=True)
    received = 0
    try:
        while count == 0 or received < count:
            sealed = inbox.get()
            try:
                if sealed.kind == "camera":
                    _show_camera(identity.open_camera(sealed), as_json)
                    continue
                alert = identity.open_alert(sealed)
            except DecryptionError as exc:
                typer.echo(f"warning: dropped alert: {exc}", err=True)
                continue
            received += 1
            if snapshot_dir is not None and alert.snapshot_jpeg:
                snapshot_dir.mkdir(parents=True, exist_ok=True)
                (snapshot_dir / f"{alert.incident_id}.jpg").write_bytes(alert.snapshot_jpeg)
            line = {
                "incident_id": alert.incident_id,
                "station": alert.station,
                "camera": alert.camera,
                "lane": alert.lane,
                "zone": alert.zone,
                "class": alert.object_class.value,
                "at": iso_z(alert.at),
                "snapshot_bytes": len(alert.snapshot_jpeg),
                "escalated": alert.escalated,
            }
            if outcome is not None:
                client.send_ack(
                    identity.seal_ack(
                        Acknowledgement(
                            alert.incident_id, identity.terminal_id, outcome, datetime.now(UTC)
                        )
                    )
                )
                line["ack"] = outcome.value
            if as_json:
                typer.echo(json.dumps(line, ensure_ascii=False))
            else:
                typer.echo(
                    f"[{line['at']}] {'升级告警' if alert.escalated else '告警'} "
                    f"{alert.station} {alert.camera} "
                    f"{alert.lane}号车道 {alert.object_class.value} ({alert.incident_id})"
                    + (f" → {outcome.value}" if outcome else "")
                )
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    finally:
        client.stop()


@terminal_app.command()
def revoke(
    terminal_id: Annotated[str, typer.Argument(help="Id of the terminal to revoke")],
    config: StationConfig,
) -> None:
    """吊销终端：此后不再向其加密任何告警 / Revoke: nothing new is encrypted to it."""
    terminal = _on_terminals(config, lambda terminals: terminals.revoke(terminal_id))
    typer.echo(
        json.dumps(
            {
                "terminal_id": terminal.terminal_id,
                "revoked_at": iso_z(terminal.revoked_at) if terminal.revoked_at else None,
            }
        )
    )


@terminal_app.command("list")
def list_terminals(
    config: StationConfig,
) -> None:
    """列出已登记终端 / List enrolled terminals."""
    for t in _on_terminals(config, lambda terminals: terminals.list()):
        typer.echo(
            json.dumps(
                {
                    "terminal_id": t.terminal_id,
                    "name": t.name,
                    "enrolled_at": iso_z(t.enrolled_at),
                    "active": t.active,
                    **_scope_json(t.scope),
                },
                ensure_ascii=False,
            )
        )
