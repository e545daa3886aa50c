"""Errors the domain raises. Each names what was wrong, with which value, and what is allowed."""

from __future__ import annotations

from collections.abc import Iterable

from samplehub.core.domain.messages import Message


class SampleHubError(Exception):
    """The root of every error SampleHub raises: the edges (API, pages, CLI, device loops) catch
    this one type to tell SampleHub's own failures from bugs."""


class DomainError(SampleHubError):
    """Base of every error a user can act on (the API and pages map each kind to a status).

    ``str(error)`` is the English the API answers with. ``text``, where the raiser names one, is
    the whole sentence as a catalogue message, so a page or CLI says it in its reader's language.
    """

    text: Message | None = None


class InvalidValue(DomainError):
    """A field holds a value outside what is allowed.

    ``allowed`` is the English the API answers with; ``allowed_message``, where given, names the
    same in the catalogue, so a page can say it in the visitor's language.
    """

    def __init__(
        self, field: str, value: object, allowed: str, allowed_message: Message | None = None
    ) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.allowed_message = allowed_message
        super().__init__(f"{field}: {value!r} is not valid; allowed: {allowed}")


class _AboutKey(DomainError):
    """An error about the thing of ``kind`` with ``key``: the message says ``what`` of it."""

    what = ""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} {self.what}")


class NotFound(_AboutKey):
    """Nothing of that kind with that key exists (or the caller may not see it)."""

    what = "not found"


class AlreadyExists(_AboutKey):
    """A unique key is already taken."""

    what = "already exists"


class IllegalTransition(DomainError):
    """A lifecycle transition was asked for in a state that does not allow it."""

    def __init__(
        self, sample_number: str, transition: str, current: str, allowed: Iterable[str]
    ) -> None:
        self.sample_number = sample_number
        self.transition = transition
        self.current = current
        self.allowed = tuple(sorted(allowed))
        listed = ", ".join(self.allowed) or "none (final state)"
        super().__init__(
            f"sample {sample_number}: cannot {transition} while {current}; allowed now: {listed}"
        )


class GuardFailed(DomainError):
    """The transition is allowed in this state but one of its conditions does not hold."""

    def __init__(self, sample_number: str, transition: str, reason: str) -> None:
        self.sample_number = sample_number
        self.transition = transition
        self.reason = reason
        super().__init__(f"sample {sample_number}: cannot {transition}: {reason}")


class Forbidden(DomainError):
    """The actor's role does not allow this action."""

    def __init__(self, actor: str, action: str) -> None:
        self.actor = actor
        self.action = action
        super().__init__(f"{actor} may not {action}")


class Conflict(DomainError):
    """Someone else changed the same thing at the same time; the command may be retried."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"concurrent change to {what}; try again")


class StaleVersion(Conflict):
    """The caller changed what it loaded at ``expected``, but the stored copy is at ``current``:
    someone saved in between. Reload and decide again (retrying the same write cannot help)."""

    def __init__(self, what: str, expected: int, current: int | None) -> None:
        self.expected = expected
        self.current = current
        DomainError.__init__(
            self,
            f"{what} was changed by someone else: you loaded version {expected}, "
            f"it is now at version {current}; reload it and try again",
        )
        self.what = what
