"""In-memory certificates and document store: the fakes unit tests and quick demos run on."""

from __future__ import annotations

import copy
from typing import Any

from samplehub.core.adapters.memory import MemoryRepository
from samplehub.core.domain.errors import StaleVersion
from samplehub.core.service.ports import CertificateValidity
from samplehub.lab.domain.certificate import Certificate, Status
from samplehub.lab.domain.errors import content_fixed
from samplehub.lab.service.certificates import validity_of

TABLE = "certificates"
FROZEN = {Status.APPROVED, Status.ISSUED, Status.SUPERSEDED}


class MemoryCertificates(MemoryRepository):
    """Implements ``CertificateRepository`` in the memory store (rolled back with the unit of
    work); hands out copies, so callers must save to persist."""

    @property
    def _items(self) -> dict[str, Any]:
        return self.store.table(TABLE)

    def get(self, cert_no: str) -> Certificate | None:
        item = self._items.get(cert_no)
        return None if item is None else copy.deepcopy(item)

    def by_token(self, token: str) -> Certificate | None:
        for item in self._items.values():
            if item.verify_token is not None and item.verify_token == token:
                found: Certificate = copy.deepcopy(item)
                return found
        return None

    def save(self, certificate: Certificate) -> None:
        stored = self._items.get(certificate.number)
        if stored is not None and stored.status in FROZEN and stored.content != certificate.content:
            raise content_fixed(certificate.number, stored.status.value)
        if stored is not None and stored.version != certificate.version:
            what = f"certificate {certificate.number}"
            raise StaleVersion(what, certificate.version, stored.version)
        certificate.version = 1 if stored is None else stored.version + 1
        self._items[certificate.number] = copy.deepcopy(certificate)

    def next_sequence(self, year: int) -> int:
        name = f"certificate-{year}"
        self.store.counters[name] = self.store.counters.get(name, 0) + 1
        return self.store.counters[name]

    def find(
        self, sample_id: str | None = None, statuses: frozenset[str] | None = None
    ) -> list[Certificate]:
        return [
            copy.deepcopy(item)
            for _, item in sorted(self._items.items())
            if (sample_id is None or item.content.sample_id == sample_id)
            and (statuses is None or item.status.value in statuses)
        ]

    def validities(self) -> list[CertificateValidity]:
        issued = self.find(statuses=frozenset({Status.ISSUED.value}))
        return [v for v in map(validity_of, issued) if v is not None]

    def numbers(self) -> list[str]:
        return sorted(self._items)


class InMemoryDocumentStore:
    """Implements ``DocumentStore`` in a dict."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, name: str, data: bytes) -> None:
        self.files[name] = data

    def get(self, name: str) -> bytes | None:
        return self.files.get(name)
