"""Certificates on the database, and their PDFs in the data folder.

An approved certificate is immutable: saving one whose stored copy is approved, issued or
superseded may change its status, hash and successor, never its content. The repository works
on the unit of work's connection, so a certificate step commits with its custody record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, insert, select, update

from samplehub.core.adapters.db import tables as t
from samplehub.core.adapters.db.codec import decode, encode
from samplehub.core.adapters.db.repositories import SqlSequences
from samplehub.core.domain.audit import canonical_json
from samplehub.core.domain.errors import StaleVersion
from samplehub.core.service.ports import CertificateValidity
from samplehub.lab.domain.certificate import Certificate, Status
from samplehub.lab.domain.errors import content_fixed
from samplehub.lab.service.certificates import validity_of

FROZEN = {Status.APPROVED.value, Status.ISSUED.value, Status.SUPERSEDED.value}


class SqlCertificates:
    """Implements ``CertificateRepository`` on a unit of work's connection (its transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, cert_no: str) -> Certificate | None:
        return self._one(t.certificates.c.number == cert_no)

    def by_token(self, token: str) -> Certificate | None:
        return self._one(t.certificates.c.verify_token == token)

    def _one(self, where: ColumnElement[bool]) -> Certificate | None:
        c = t.certificates.c
        row = self.conn.execute(select(c.body, c.verify_token, c.version).where(where)).first()
        return None if row is None else _certificate(row)

    def save(self, certificate: Certificate) -> None:
        content = canonical_json(encode(certificate.content))
        row = {
            "sample_id": certificate.content.sample_id,
            "status": certificate.status.value,
            "content": content,
            "body": json.dumps(encode(certificate), ensure_ascii=False),
        }
        if certificate.verify_token is not None:
            row["verify_token"] = certificate.verify_token
        c = t.certificates.c
        stored = self.conn.execute(
            select(c.status, c.content, c.version).where(c.number == certificate.number)
        ).first()
        if stored is None:
            self.conn.execute(
                insert(t.certificates).values(number=certificate.number, version=1, **row)
            )
            certificate.version = 1
            return
        if stored.status in FROZEN and stored.content != content:
            raise content_fixed(certificate.number, stored.status)
        # the version the caller loaded, not the one just read: a save in between is refused
        done = self.conn.execute(
            update(t.certificates)
            .where(c.number == certificate.number, c.version == certificate.version)
            .values(version=certificate.version + 1, **row)
        )
        if done.rowcount != 1:
            current = self.conn.execute(
                select(c.version).where(c.number == certificate.number)
            ).scalar()
            raise StaleVersion(f"certificate {certificate.number}", certificate.version, current)
        certificate.version += 1

    def find(
        self, sample_id: str | None = None, statuses: frozenset[str] | None = None
    ) -> list[Certificate]:
        c = t.certificates.c
        query = select(c.body, c.verify_token, c.version).order_by(c.number)
        if sample_id is not None:
            query = query.where(c.sample_id == sample_id)
        if statuses is not None:
            query = query.where(c.status.in_(sorted(statuses)))
        return [_certificate(row) for row in self.conn.execute(query)]

    def next_sequence(self, year: int) -> int:
        return SqlSequences(self.conn, []).next(f"certificate-{year}")

    def validities(self) -> list[CertificateValidity]:
        issued = self.find(statuses=frozenset({Status.ISSUED.value}))
        return [v for v in map(validity_of, issued) if v is not None]


def _certificate(row: Row[Any, Any, Any]) -> Certificate:
    certificate = decode(json.loads(row.body))
    assert isinstance(certificate, Certificate)
    # certificates older than their token got it by migration, in the column only
    certificate.verify_token = row.verify_token
    certificate.version = row.version
    return certificate


class FileDocumentStore:
    """Implements ``DocumentStore`` as files below one folder (names are relative paths)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"document name {name!r} must be a relative path without '..'")
        return self.folder.joinpath(*parts)

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)

    def get(self, name: str) -> bytes | None:
        path = self._path(name)
        return path.read_bytes() if path.is_file() else None
