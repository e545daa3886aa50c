"""Database URLs are printed without their password (`samplehub db upgrade` says where it went)."""

from samplehub.app.bootstrap import _safe_url


def test_the_password_of_a_database_url_is_hidden() -> None:
    shown = _safe_url("postgresql+psycopg://hub:s3cr%40t@db.example:5432/samplehub")
    assert shown == "postgresql+psycopg://hub:***@db.example:5432/samplehub"
    assert "s3cr" not in shown


def test_a_url_without_credentials_is_shown_as_it_is() -> None:
    assert _safe_url("sqlite:////var/lib/samplehub/samplehub.db") == (
        "sqlite:////var/lib/samplehub/samplehub.db"
    )
