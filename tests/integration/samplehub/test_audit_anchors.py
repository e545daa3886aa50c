"""The anchored custody chain on SQLite and PostgreSQL, tampered with as a database superuser
could (append-only triggers dropped first): after an anchor is exported, cutting the tail,
rewriting the whole chain with fresh hashes and editing one record are each caught by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import trust
from samplehub.core.domain.audit import AuditRecord, compute_hash
from samplehub.core.domain.events import UserCreated
from samplehub.core.service import queries
from samplehub.core.service.anchoring import export_anchor, verify_chain

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def add_records(services: Services, n: int) -> None:
    with services.uow_factory() as uow:
        for i in range(n):
            uow.record(UserCreated("admin", AT, f"u{i}", "lab", None))
        uow.commit()


def drop_guards(conn: Connection) -> None:
    """What a superuser does first: the append-only triggers of migration 0001 go."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def anchored(services: Services, settings: Settings, n: int = 12) -> str:
    add_records(services, n)
    anchor = export_anchor(
        services.uow_factory, trust.anchor_signer(settings), trust.anchor_file(settings),
        services.clock,
    )  # fmt: skip
    assert anchor is not None
    assert anchor.seq == n
    return anchor.describe()


def problems(services: Services, settings: Settings) -> list[str]:
    result = verify_chain(
        services.uow_factory,
        trust.anchor_checker(settings),
        trust.anchor_file(settings).read(),
    )
    assert not result.ok
    return result.problems


def tamper(settings: Settings, *statements: tuple[str, dict[str, object]]) -> None:
    engine = create_engine(settings.resolved_database_url())
    with engine.begin() as conn:
        drop_guards(conn)
        for sql, params in statements:
            conn.execute(text(sql), params)
    engine.dispose()


def test_intact_chain_verifies_with_its_anchor(services: Services, settings: Settings) -> None:
    anchored(services, settings)
    add_records(services, 3)
    result = verify_chain(services.uow_factory, trust.anchor_checker(settings))
    assert result.ok, result.problems
    assert (result.anchors, result.unanchored) == (1, 3)


def test_deleting_the_last_records_is_caught(services: Services, settings: Settings) -> None:
    name = anchored(services, settings)
    tamper(settings, ("DELETE FROM audit_log WHERE seq > :seq", {"seq": 9}))
    found = problems(services, settings)
    assert any("records missing" in p and name in p for p in found), found
    assert services.anchor_checker is not None
    seen_by_api = queries.verify_audit(services.uow_factory, services.anchor_checker())
    assert not seen_by_api.ok
    assert name in (seen_by_api.problem or "")


def test_rewriting_the_whole_chain_is_caught(services: Services, settings: Settings) -> None:
    name = anchored(services, settings)
    with services.uow_factory() as uow:
        original = uow.audit.records()
    rewritten: list[AuditRecord] = []
    prev = "0" * 64
    for record in original:  # every record's actor changed, every hash recomputed
        fresh = replace(record, actor="mallory", prev_hash=prev, hash="")
        prev = compute_hash(fresh.body())
        rewritten.append(replace(fresh, hash=prev))
    update = "UPDATE audit_log SET actor = :actor, prev_hash = :prev, hash = :hash WHERE seq = :seq"
    tamper(
        settings,
        ("UPDATE audit_log SET hash = 'x' || CAST(seq AS VARCHAR(8))", {}),  # unique hashes
        *[
            (update, {"actor": r.actor, "prev": r.prev_hash, "hash": r.hash, "seq": r.seq})
            for r in rewritten
        ],
    )
    assert verify_chain(services.uow_factory, lambda *a: True).count == len(original)
    found = problems(services, settings)
    assert any("chain rewritten" in p and name in p for p in found), found


def test_editing_one_record_is_caught(services: Services, settings: Settings) -> None:
    name = anchored(services, settings)
    tamper(settings, ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5", {}))
    found = problems(services, settings)
    assert "record 5 edited" in found[0]
    assert name in found[0]


@pytest.mark.timeout(300)
def test_export_anchor_then_verify_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = os.environ | {"SAMPLEHUB_DATA_DIR": str(data)}
    env.pop("SAMPLEHUB_DATABASE_URL", None)
    samplehub = str(Path(sys.executable).parent / "samplehub")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [samplehub, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert run("db", "upgrade").returncode == 0
    made = run("keys", "init")
    assert made.returncode == 0, made.stderr
    assert "anchor.key.pem" in made.stdout
    assert run("keys", "init").returncode == 1  # never overwrites keys
    assert run("user", "add", "zhang", "--role", "lab", "--password", "longenough").returncode == 0
    assert run("user", "add", "li", "--role", "lab", "--password", "longenough").returncode == 0
    exported = run("audit", "export-anchor")
    assert exported.returncode == 0, exported.stderr
    anchor = json.loads(exported.stdout)
    assert (anchor["number"], anchor["seq"]) == (1, 2)
    outside = tmp_path / "mailed-anchors.jsonl"
    outside.write_text((data / "anchors.jsonl").read_text())
    intact = run("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "1 anchors verified" in intact.stdout

    engine = create_engine(f"sqlite:///{data / 'samplehub.db'}")
    with engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        conn.execute(text("DROP TRIGGER audit_anchors_no_delete"))
        conn.execute(text("DELETE FROM audit_anchors"))  # the table copy goes too
    engine.dispose()
    (data / "anchors.jsonl").unlink()  # and the file on the server
    broken = run("audit", "verify", "--anchors", str(outside))
    assert broken.returncode == 1
    assert "records missing" in broken.stderr
    assert "anchor #1 (seq 2" in broken.stderr
