"""Migration 0008 on SQLite and PostgreSQL: certificates issued before it get a verification
token each (unguessable, distinct), and the anchor log refuses changes like the chain does."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from samplehub.core.adapters.db import upgrade


def test_existing_certificates_get_tokens_and_anchors_are_append_only(database_url: str) -> None:
    upgrade(database_url, "0006")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        for number in ("ZS2026-000001", "ZS2026-000002"):
            conn.execute(
                text(
                    "INSERT INTO certificates (number, sample_id, status, content, body, version) "
                    "VALUES (:n, 'JX2026-000001', '已签发', '{}', '{}', 1)"
                ),
                {"n": number},
            )
    engine.dispose()
    upgrade(database_url)
    engine = create_engine(database_url)
    with engine.begin() as conn:
        tokens = conn.execute(text("SELECT verify_token FROM certificates")).scalars().all()
        conn.execute(
            text(
                "INSERT INTO audit_anchors (number, seq, hash, at, key_id, signature) "
                "VALUES (1, 1, 'h', 't', 'k', 's')"
            )
        )
    assert len(set(tokens)) == 2
    assert all(token is not None and len(token) >= 22 for token in tokens)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_anchors"))
    engine.dispose()
