"""The four-eyes workflow, immutability after approval, corrections and certificate numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from samplehub.lab.domain.certificate import (
    APPROVER_ROLE,
    Actor,
    Certificate,
    CertificateKind,
    Status,
    format_certificate_number,
    parse_certificate_number,
)
from samplehub.lab.domain.demo import calibration_content, gauge_content
from samplehub.lab.domain.errors import (
    CertificateImmutableError,
    MetrologyInputError,
    WorkflowError,
)
from samplehub.web.error_text import error_text
from samplehub.web.i18n import Translator

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ENTERER = Actor("u1", "张三", frozenset({"lab"}))
REVIEWER = Actor("u2", "李四", frozenset({"lab"}))
APPROVER = Actor("u3", "王五", frozenset({"lab", APPROVER_ROLE}))
HASH = "a" * 64


def draft(number: str = "ZS2026-000001") -> Certificate:
    return Certificate.enter(number, gauge_content(), ENTERER, AT)


def approved() -> Certificate:
    certificate = draft()
    certificate.review(REVIEWER, AT)
    certificate.approve(APPROVER, AT)
    return certificate


def test_three_different_people_take_it_to_issued() -> None:
    certificate = approved()
    certificate.issue(HASH, AT)
    assert certificate.status is Status.ISSUED
    assert [e.name for e in certificate.events] == ["entered", "reviewed", "approved", "issued"]
    record = certificate.verification_record()
    assert (record.number, record.decision, record.pdf_sha256) == ("ZS2026-000001", "合格", HASH)


def test_kind_follows_the_results() -> None:
    assert draft().kind is CertificateKind.VERIFICATION
    failing = Certificate.enter("ZS2026-000002", gauge_content(passing=False), ENTERER, AT)
    assert failing.kind is CertificateKind.FAILURE_NOTICE
    assert failing.content.decision == "不合格"
    calibration = Certificate.enter("ZS2026-000003", calibration_content(), ENTERER, AT)
    assert calibration.kind is CertificateKind.CALIBRATION


def test_author_cannot_review_own_results() -> None:
    with pytest.raises(WorkflowError, match="four eyes") as info:
        draft().review(ENTERER, AT)
    assert "四眼原则" in error_text(Translator("zh-CN"), info.value)


def test_approver_must_hold_the_approver_role() -> None:
    certificate = draft()
    certificate.review(REVIEWER, AT)
    with pytest.raises(WorkflowError, match="approver"):
        certificate.approve(Actor("u4", "赵六", frozenset({"lab"})), AT)


@pytest.mark.parametrize("person", ["entered", "reviewed"])
def test_author_or_reviewer_cannot_approve_even_with_the_role(person: str) -> None:
    author = Actor("u1", "张三", frozenset({APPROVER_ROLE}))
    reviewer = Actor("u2", "李四", frozenset({APPROVER_ROLE}))
    certificate = Certificate.enter("ZS2026-000001", gauge_content(), author, AT)
    certificate.review(reviewer, AT)
    with pytest.raises(WorkflowError, match="four eyes"):
        certificate.approve(author if person == "entered" else reviewer, AT)
    assert certificate.status is Status.REVIEWED


def test_approval_needs_review_first() -> None:
    with pytest.raises(WorkflowError, match="cannot approve"):
        draft().approve(APPROVER, AT)


def test_cannot_issue_before_approval() -> None:
    certificate = draft()
    certificate.review(REVIEWER, AT)
    with pytest.raises(WorkflowError, match="only an approved certificate can be issued"):
        certificate.issue(HASH, AT)


def test_issue_refuses_a_malformed_hash() -> None:
    with pytest.raises(MetrologyInputError) as info:
        approved().issue("not-a-hash", AT)
    assert info.value.field == "pdf_sha256"


def test_approved_certificate_is_immutable() -> None:
    certificate = approved()
    with pytest.raises(CertificateImmutableError):
        certificate.revise(gauge_content(passing=False), ENTERER, AT)
    with pytest.raises(CertificateImmutableError):
        certificate.review(REVIEWER, AT)
    with pytest.raises(CertificateImmutableError):
        certificate.return_for_rework(APPROVER, AT, "typo")
    assert certificate.content == gauge_content()


def test_only_the_author_revises_and_only_a_draft() -> None:
    certificate = draft()
    with pytest.raises(WorkflowError, match="only 张三"):
        certificate.revise(gauge_content(passing=False), REVIEWER, AT)
    certificate.revise(gauge_content(passing=False), ENTERER, AT)
    assert certificate.kind is CertificateKind.FAILURE_NOTICE
    certificate.review(REVIEWER, AT)
    with pytest.raises(WorkflowError, match="return it for rework"):
        certificate.revise(gauge_content(), ENTERER, AT)


def test_rework_clears_the_review() -> None:
    certificate = draft()
    certificate.review(REVIEWER, AT)
    certificate.return_for_rework(APPROVER, AT, "示值抄错")
    assert certificate.status is Status.DRAFT
    assert certificate.reviewed_by is None
    assert certificate.events[-1].name == "returned: 示值抄错"


def test_correction_gets_a_new_number_and_supersedes_the_old_on_approval() -> None:
    old = approved()
    old.issue(HASH, AT)
    new = old.correction("ZS2026-000009", gauge_content(), ENTERER, AT, "送检单位名称错误")
    assert (new.number, new.replaces, new.status) == ("ZS2026-000009", old.number, Status.DRAFT)
    new.review(REVIEWER, AT)
    new.approve(APPROVER, AT)
    old.mark_superseded(new.number, APPROVER, AT)
    assert old.status is Status.SUPERSEDED
    assert old.verification_record().superseded_by == "ZS2026-000009"
    assert old.pdf_sha256 == HASH


def test_correction_of_a_draft_is_refused() -> None:
    with pytest.raises(WorkflowError, match="revise the draft"):
        draft().correction("ZS2026-000009", gauge_content(), ENTERER, AT, "x")


def test_correction_needs_new_number_and_reason() -> None:
    old = approved()
    with pytest.raises(MetrologyInputError):
        old.correction(old.number, gauge_content(), ENTERER, AT, "x")
    with pytest.raises(MetrologyInputError):
        old.correction("ZS2026-000010", gauge_content(), ENTERER, AT, " ")


def test_draft_cannot_be_superseded() -> None:
    with pytest.raises(WorkflowError):
        draft().mark_superseded("ZS2026-000002", APPROVER, AT)


def test_number_scheme_round_trips() -> None:
    number = format_certificate_number(2026, 17)
    assert number == "ZS2026-000017"
    assert parse_certificate_number(number) == ("ZS", 2026, 17)
    assert format_certificate_number(2027, 1, prefix="JD") == "JD2027-000001"


@pytest.mark.parametrize("bad", ["zs2026-000017", "ZS26-17", "ZS2026-000017/x", ""])
def test_malformed_numbers_are_refused(bad: str) -> None:
    with pytest.raises(MetrologyInputError) as info:
        parse_certificate_number(bad)
    assert info.value.field == "certificate_number"


def test_number_parts_are_checked() -> None:
    with pytest.raises(MetrologyInputError, match="sequence"):
        format_certificate_number(2026, 0)
    with pytest.raises(MetrologyInputError, match="prefix"):
        format_certificate_number(2026, 1, prefix="z-")


def test_four_eyes_errors_are_the_foundations_forbidden() -> None:
    from samplehub.core.domain.errors import Forbidden, InvalidValue

    with pytest.raises(Forbidden) as info:
        draft().review(ENTERER, AT)
    assert info.value.actor == "u1"  # type: ignore[attr-defined]
    with pytest.raises(InvalidValue):
        parse_certificate_number("bad")
