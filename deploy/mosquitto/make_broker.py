#!/usr/bin/env python3
"""Make a Mosquitto 2 configuration for SampleHub's fleet and LaneGuard: a TLS listener with a
certificate authority and server certificate of its own (openssl), one login per client (the
password file hashed by ``mosquitto_passwd -U``), and an ACL that lets every client only at its
own topics. Nothing anonymous; a client not in the ACL may neither publish nor subscribe.

    python3 deploy/mosquitto/make_broker.py /etc/mosquitto/samplehub \\
        --host mqtt.institute.example --robot R01 --robot R02 --terminal T7f3c

Writes into OUT (mode 0700):
  mosquitto.conf   run with ``mosquitto -c OUT/mosquitto.conf``
  acl              the topics each login may read and write
  passwd           password hashes (PBKDF2-SHA512)
  credentials      ``login password`` per line, mode 0600: hand each to its client, then keep
                   it safe or delete it (a run keeps the passwords it finds here)
  ca.crt ca.key    the certificate authority (clients trust ca.crt; move ca.key offline)
  server.crt server.key   the broker's certificate for every --host (DNS name or IP)

Logins: ``fleet`` (the fleet manager: orders and instant actions to every robot, reads their
state, connection and factsheet), one per robot named by its serial number (writes only its
own ``uagv/v2/<manufacturer>/<serial>/{state,connection,factsheet,visualization}``, reads only
its own order and instantActions), ``laneguard-station`` (alerts out, acknowledgements in,
its availability) and ``terminal-<id>`` per LaneGuard terminal (reads its own alerts, writes
its own acknowledgements). Run again with the full lists to add a robot or terminal, then
``kill -HUP`` the broker to reload the password file and ACL. Run with ``--rotate LOGIN`` to
give one login a new password.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

MOSQUITTO_PASSWD = "mosquitto_passwd"  # noqa: S105 (the tool, not a password)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # no MQTT wildcards, no '/'
FLEET, STATION = "fleet", "laneguard-station"
ROBOT_WRITES = ("state", "connection", "factsheet", "visualization")
ROBOT_READS = ("order", "instantActions")


def _name(kind: str, value: str) -> str:
    if not NAME.fullmatch(value):
        raise SystemExit(
            f"{kind} {value!r}: 1 to 64 letters, digits, '.', '_' or '-' (no '/', '+', '#')"
        )
    return value


def acl(
    manufacturer: str, vda_prefix: str, lg_prefix: str, robots: list[str], terminals: list[str]
) -> str:
    """The ACL: every login only at its own topics (Mosquitto denies what is not listed)."""
    vda = f"{vda_prefix.rstrip('/')}/uagv/v2" if vda_prefix else "uagv/v2"
    lines = ["# made by deploy/mosquitto/make_broker.py; every login only at its own topics", ""]
    lines += [f"user {FLEET}"]
    lines += [f"topic write {vda}/{manufacturer}/+/{sub}" for sub in ROBOT_READS]
    lines += [f"topic read {vda}/+/+/{sub}" for sub in ("state", "connection", "factsheet")]
    for serial in robots:
        lines += ["", f"user {serial}"]
        lines += [f"topic write {vda}/{manufacturer}/{serial}/{sub}" for sub in ROBOT_WRITES]
        lines += [f"topic read {vda}/{manufacturer}/{serial}/{sub}" for sub in ROBOT_READS]
    lines += ["", f"user {STATION}"]
    lines += [f"topic write {lg_prefix}/terminal/+/alert", f"topic read {lg_prefix}/terminal/+/ack"]
    lines += [f"topic readwrite {lg_prefix}/station/available"]
    for terminal in terminals:
        lines += ["", f"user terminal-{terminal}"]
        lines += [f"topic read {lg_prefix}/terminal/{terminal}/alert"]
        lines += [f"topic write {lg_prefix}/terminal/{terminal}/ack"]
        lines += [f"topic read {lg_prefix}/station/available"]
    return "\n".join(lines) + "\n"


def config(out: Path, port: int, bind: str, plain_port: int | None, run_as: str | None) -> str:
    """mosquitto.conf: TLS only (a plain listener only on loopback, when asked), no anonymous."""
    text = [
        "# made by deploy/mosquitto/make_broker.py",
        *([f"user {run_as}"] if run_as else []),
        "per_listener_settings false",
        "allow_anonymous false",
        f"password_file {out / 'passwd'}",
        f"acl_file {out / 'acl'}",
        "persistence false",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "connection_messages true",
        "",
        f"listener {port} {bind}",
        f"cafile {out / 'ca.crt'}",
        f"certfile {out / 'server.crt'}",
        f"keyfile {out / 'server.key'}",
        "tls_version tlsv1.2",
    ]
    if plain_port is not None:
        text += ["", "# plain MQTT for clients on this host only (still with a login)"]
        text += [f"listener {plain_port} 127.0.0.1"]
    return "\n".join(text) + "\n"


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: S603, S607


def certificates(out: Path, hosts: list[str], days: int) -> None:
    """A CA (made once, kept on later runs) and a server certificate for ``hosts``."""
    ca_key, ca_crt = out / "ca.key", out / "ca.crt"
    if not ca_key.exists():
        _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(ca_key))
        _openssl(
            "req", "-x509", "-new", "-key", str(ca_key), "-out", str(ca_crt), "-days", "3650",
            "-subj", "/CN=SampleHub LaneGuard MQTT CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
    key, csr, crt = out / "server.key", out / "server.csr", out / "server.crt"
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key))
    _openssl("req", "-new", "-key", str(key), "-out", str(csr), "-subj", f"/CN={hosts[0]}")
    names = [f"IP:{h}" if _is_ip(h) else f"DNS:{h}" for h in hosts]
    extensions = out / "server.ext"
    extensions.write_text(
        f"subjectAltName={','.join(names)}\nextendedKeyUsage=serverAuth\n"
        "basicConstraints=CA:FALSE\n"
    )
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(crt), "-days", str(days), "-extfile", str(extensions),
    )  # fmt: skip
    csr.unlink()
    extensions.unlink()
    for private in (ca_key, key):
        private.chmod(0o600)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def passwords(out: Path, logins: list[str], rotate: set[str]) -> dict[str, str]:
    """Every login's password: kept from ``credentials`` unless rotated, else a new random one;
    ``passwd`` holds only their hashes."""
    kept: dict[str, str] = {}
    credentials = out / "credentials"
    if credentials.exists():
        for line in credentials.read_text().splitlines():
            login, _, password = line.partition(" ")
            if login and password:
                kept[login] = password
    chosen = {
        login: kept[login] if login in kept and login not in rotate else secrets.token_urlsafe(24)
        for login in logins
    }
    _private_write(credentials, "".join(f"{k} {v}\n" for k, v in chosen.items()))
    plain = out / "passwd"
    _private_write(plain, "".join(f"{k}:{v}\n" for k, v in chosen.items()))
    hashing = [MOSQUITTO_PASSWD, "-U", str(plain)]
    subprocess.run(hashing, check=True, capture_output=True)  # noqa: S603
    return chosen


def _private_write(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    path.chmod(0o600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the configuration")
    parser.add_argument("--host", action="append", help="broker DNS name or IP (repeatable)")
    parser.add_argument("--port", type=int, default=8883, help="TLS listener port")
    parser.add_argument("--bind", default="0.0.0.0", help="TLS listener address")  # noqa: S104
    parser.add_argument("--plain-port", type=int, help="also plain MQTT on 127.0.0.1 (logins)")
    parser.add_argument("--manufacturer", default="samplehub", help="fleet.manufacturer")
    parser.add_argument("--vda-prefix", default="", help="fleet.topic_prefix")
    parser.add_argument("--lg-prefix", default="laneguard", help="LaneGuard mqtt.topic_prefix")
    parser.add_argument("--robot", action="append", default=[], help="robot serial number")
    parser.add_argument("--terminal", action="append", default=[], help="LaneGuard terminal id")
    parser.add_argument("--rotate", action="append", default=[], help="new password for LOGIN")
    parser.add_argument("--days", type=int, default=825, help="server certificate validity")
    parser.add_argument("--run-as", help="the system user the broker runs as (owns OUT)")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    manufacturer = _name("--manufacturer", args.manufacturer)
    lg_prefix = _name("--lg-prefix", args.lg_prefix)
    robots = [_name("--robot", r) for r in args.robot]
    terminals = [_name("--terminal", t) for t in args.terminal]
    if FLEET in robots or STATION in robots:
        raise SystemExit(f"--robot: {FLEET!r} and {STATION!r} are reserved login names")
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    certificates(out, args.host or ["127.0.0.1"], args.days)
    logins = [FLEET, *robots, STATION, *(f"terminal-{t}" for t in terminals)]
    passwords(out, logins, set(args.rotate))
    (out / "acl").write_text(acl(manufacturer, args.vda_prefix, lg_prefix, robots, terminals))
    conf = config(out, args.port, args.bind, args.plain_port, args.run_as)
    (out / "mosquitto.conf").write_text(conf)
    print(f"wrote {out}/mosquitto.conf, acl, passwd, credentials (0600), ca.crt, server.crt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
