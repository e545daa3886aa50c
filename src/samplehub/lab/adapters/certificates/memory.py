"""In-memory certificate repository and document store: the fakes tests and the demo run on."""

from __future__ import annotations

import copy
from collections import defaultdict

from samplehub.lab.domain.certificate import Certificate


class InMemoryCertificateRepository:
    """Implements ``CertificateRepository``; stores copies so callers must save to persist."""

    def __init__(self) -> None:
        self._items: dict[str, Certificate] = {}
        self._sequences: defaultdict[int, int] = defaultdict(int)

    def get(self, cert_no: str) -> Certificate | None:
        item = self._items.get(cert_no)
        return None if item is None else copy.deepcopy(item)

    def save(self, certificate: Certificate) -> None:
        self._items[certificate.number] = copy.deepcopy(certificate)

    def next_sequence(self, year: int) -> int:
        self._sequences[year] += 1
        return self._sequences[year]

    def find(
        self, sample_id: str | None = None, statuses: frozenset[str] | None = None
    ) -> list[Certificate]:
        return [
            copy.deepcopy(item)
            for _, item in sorted(self._items.items())
            if (sample_id is None or item.content.sample_id == sample_id)
            and (statuses is None or item.status.value in statuses)
        ]

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
