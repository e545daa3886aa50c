"""Anchoring the chain of custody: sign its head into the anchor log (a table, in the same
transaction that reads the head, and an append-only file for an outside copy), and verify the
chain against every anchor.

``export_anchor`` anchors the head now (``samplehub audit export-anchor``); ``anchor_if_due``
is what the app's job runs (every N records, at least hourly while records come in).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta

from samplehub.core.domain.anchors import (
    Anchor,
    AnchoredVerification,
    Verifier,
    anchor_due,
    verify_anchored,
)
from samplehub.core.domain.audit import AuditRecord, format_time
from samplehub.core.service.ports import AnchorCopy, AnchorSigner, Clock, UnitOfWork

UowFactory = Callable[[], UnitOfWork]
Due = Callable[[AuditRecord, Anchor | None], bool]


def _anchor_head(uow: UnitOfWork, signer: AnchorSigner, clock: Clock, due: Due) -> Anchor | None:
    head = uow.audit.last()  # locks the chain's tail until this transaction ends
    anchors = uow.audit.anchors()
    last = anchors[-1] if anchors else None
    if head is None or not due(head, last):
        return None
    unsigned = Anchor(
        number=(last.number if last else 0) + 1,
        seq=head.seq,
        hash=head.hash,
        at=format_time(clock.now()),
        key_id=signer.key_id,
        signature="",
    )
    anchor = replace(unsigned, signature=signer.sign(unsigned.message()).hex())
    uow.audit.add_anchor(anchor)
    return anchor


def _run(
    uow_factory: UowFactory,
    signer: AnchorSigner,
    copy: AnchorCopy | None,
    clock: Clock,
    due: Due,
) -> Anchor | None:
    with uow_factory() as uow:
        anchor = _anchor_head(uow, signer, clock, due)
        uow.commit()
    if anchor is not None and copy is not None:
        copy.append(anchor)
    return anchor


def export_anchor(
    uow_factory: UowFactory, signer: AnchorSigner, copy: AnchorCopy | None, clock: Clock
) -> Anchor | None:
    """Sign the chain's head now and append it to the log; None when the chain is empty."""
    return _run(uow_factory, signer, copy, clock, lambda head, last: True)


def anchor_if_due(
    uow_factory: UowFactory,
    signer: AnchorSigner,
    copy: AnchorCopy | None,
    clock: Clock,
    every_records: int,
    max_age: timedelta,
) -> Anchor | None:
    """Anchor the head when ``every_records`` records came since the last anchor, or any
    came and the last anchor is ``max_age`` old; None when nothing was due."""

    def due(head: AuditRecord, last: Anchor | None) -> bool:
        return anchor_due(head, last, clock.now(), every_records, max_age)

    return _run(uow_factory, signer, copy, clock, due)


def verify_chain(
    uow_factory: UowFactory, check: Verifier, outside: Iterable[Anchor] = ()
) -> AnchoredVerification:
    """The chain held against the anchors of the log and of any outside copy."""
    with uow_factory() as uow:
        records = uow.audit.records()
        anchors = uow.audit.anchors()
    return verify_anchored(records, [*anchors, *outside], check)
