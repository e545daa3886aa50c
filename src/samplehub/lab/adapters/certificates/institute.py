"""The issuing institute as printed on PDFs and written into DCCs (settings, via bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Institute:
    """Name, contact and authorisation of the institute issuing certificates."""

    name_zh: str
    name_en: str
    address: str
    phone: str
    authorisation: str
    email: str = ""
    city: str = ""
    country_code: str = "CN"
