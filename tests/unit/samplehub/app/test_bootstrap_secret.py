import stat
from pathlib import Path

from samplehub.app import secret_key
from samplehub.app.config import Settings


def test_a_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = secret_key.with_secret_key(settings)
    second = secret_key.with_secret_key(settings)
    assert len(first.secret_key) >= 40
    assert first.secret_key == second.secret_key
    key_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret_key.with_secret_key(Settings(data_dir=tmp_path / "other")).secret_key != (
        first.secret_key
    )


def test_a_configured_key_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="configured-key-0123456789")
    assert secret_key.with_secret_key(settings).secret_key == "configured-key-0123456789"
    assert not (tmp_path / "secret.key").exists()
