"""The operating commands of CONTRACTS.md, run as a user runs them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

SAMPLEHUB = str(Path(sys.executable).parent / "samplehub")


def run(
    args: list[str], data_dir: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"SAMPLEHUB_DATA_DIR": str(data_dir)}
    env.pop("SAMPLEHUB_DATABASE_URL", None)
    return subprocess.run(
        [SAMPLEHUB, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def test_version() -> None:
    result = run(["--version"], Path("unused"))
    assert result.returncode == 0
    assert result.stdout.startswith("samplehub ")


@pytest.mark.timeout(900)  # several commands in a row, each a fresh interpreter (about 30 s quiet)
def test_upgrade_seed_verify_tamper(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(["db", "upgrade"], data).returncode == 0
    assert (data / "samplehub.db").exists()

    refused = run(["seed"], data)
    assert refused.returncode == 1
    assert "--demo" in refused.stderr

    seeded = run(["seed", "--demo"], data)
    assert seeded.returncode == 0, seeded.stderr
    assert "cust-a" in seeded.stdout
    assert "demo123" in seeded.stdout
    assert "already present" in run(["seed", "--demo"], data).stdout

    added = run(["user", "add", "zhang", "--role", "lab"], data, stdin="correct horse\n")
    assert added.returncode == 0, added.stderr
    bad_role = run(["user", "add", "li", "--role", "root", "--password", "longenough"], data)
    assert bad_role.returncode == 1
    assert "role" in bad_role.stderr
    reset = run(["user", "password", "admin"], data, stdin="a forgotten one\n")
    assert reset.returncode == 0, reset.stderr
    assert "password of admin set" in reset.stdout
    too_short = run(["user", "password", "zhang", "--password", "short"], data)
    assert too_short.returncode == 1
    assert "password" in too_short.stderr

    intact = run(["audit", "verify"], data)
    assert intact.returncode == 0
    # 40 from the demo data, the new user and the admin's new password; 4 steps of the demo
    # certificate (entered, reviewed, approved, issued), each committed with the certificate;
    # 8 of transport tasks (a put-away made at each of the 5 receives, 3 of them withdrawn by
    # the seed's moves by hand); 1 of the demo storage site, loaded before the seed; and 5 EPCs
    # given to the samples past intake (the seeded stock carries tags, so the shelf readers see it)
    assert "58 records" in intact.stdout

    engine = create_engine(f"sqlite:///{data / 'samplehub.db'}")
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 12"))
    engine.dispose()
    broken = run(["audit", "verify"], data)
    assert broken.returncode == 1
    assert "record 12" in broken.stderr
