"""Domain errors and bad requests as HTTP answers, each naming what was wrong and what is allowed.

| error | status |
|---|---|
| InvalidValue | 422 (field, value, allowed) |
| GuardFailed | 422 (the condition that does not hold) |
| NotFound | 404 (also for what exists but the caller may not see) |
| AlreadyExists, Conflict | 409 |
| IllegalTransition | 409 (current state, allowed transitions) |
| Forbidden | 403 |
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fastapi.exceptions import RequestValidationError

from samplehub.core.domain.errors import (
    AlreadyExists,
    Conflict,
    DomainError,
    Forbidden,
    GuardFailed,
    IllegalTransition,
    InvalidValue,
    NotFound,
    StaleVersion,
)


def _jsonable(value: object) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def domain_error_body(error: DomainError) -> tuple[int, dict[str, Any]]:
    """The status and JSON body for a domain error."""
    body: dict[str, Any] = {"message": str(error)}
    if isinstance(error, InvalidValue):
        body |= {
            "error": "invalid_value",
            "field": error.field,
            "value": _jsonable(error.value),
            "allowed": error.allowed,
        }
        return 422, body
    if isinstance(error, GuardFailed):
        body |= {"error": "guard_failed", "transition": error.transition, "reason": error.reason}
        return 422, body
    if isinstance(error, NotFound):
        return 404, body | {"error": "not_found", "kind": error.kind, "key": error.key}
    if isinstance(error, IllegalTransition):
        body |= {
            "error": "illegal_transition",
            "transition": error.transition,
            "current": error.current,
            "allowed": list(error.allowed),
        }
        return 409, body
    if isinstance(error, AlreadyExists):
        return 409, body | {"error": "already_exists", "kind": error.kind, "key": error.key}
    if isinstance(error, StaleVersion):
        body |= {"error": "stale_version", "expected_version": error.expected}
        return 409, body | {"current_version": error.current}
    if isinstance(error, Conflict):
        return 409, body | {"error": "conflict"}
    if isinstance(error, Forbidden):
        return 403, body | {"error": "forbidden", "action": error.action}
    return 400, body | {"error": "bad_request"}


def _field(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    return ".".join(parts) if parts else "body"


def validation_error_body(error: RequestValidationError) -> dict[str, Any]:
    """A 422 body listing every problem with the field it concerns; malformed JSON included."""
    problems = []
    for item in error.errors():
        problem: dict[str, Any] = {"field": _field(item.get("loc", ())), "problem": item["msg"]}
        if item.get("type") == "json_invalid":
            reason = item.get("ctx", {}).get("error", "")
            problem["problem"] = f"malformed JSON: {reason}".rstrip(": ")
        elif "input" in item and item.get("type") != "missing":
            problem["value"] = _jsonable(item["input"])
        problems.append(problem)
    first = problems[0] if problems else {"field": "body", "problem": "invalid request"}
    return {
        "error": "invalid_request",
        "message": f"{first['field']}: {first['problem']}",
        "errors": problems,
    }
