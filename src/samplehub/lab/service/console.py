"""The lab console: queues per discipline, requests to a bench, arrival scans and returns.

A request to a bench is a retrieval: the sample leaves its slot with the staff member who asked
(``start_transport`` to ``staff:<username>``), standing in for a robot task when no fleet is
wired. The request names the bench and the assignee in the custody record's reason, so "who has
it and where is it going" is read back from the chain of custody itself. Scanning the label or
the RFID tag at the bench delivers it there (``deliver_to_lab``); sending it back completes the
service and starts its return transport in one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from samplehub.core.domain import permissions
from samplehub.core.domain.epc import EpcError, Giai96, asset_reference_from_sample_no
from samplehub.core.domain.errors import Forbidden, InvalidValue, NotFound
from samplehub.core.domain.lifecycle import SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Sample
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import Clock, SampleFilter, UnitOfWork
from samplehub.lab.domain.rules import RuleBook

UowFactory = Callable[[], UnitOfWork]
OTHER = "other"
_REQUEST = re.compile(r"^lab-request bench=(?P<bench>[A-Za-z0-9._-]+) for=(?P<who>[a-z0-9._-]+)$")
RETURN_REASON = "lab-return"

# Words of nameplate type names that tell the instrument type when the name is not a rule's own.
DEFAULT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("压力真空表", "pressure_vacuum_gauge"),
    ("真空表", "vacuum_gauge"),
    ("压力表", "pressure_gauge"),
    ("温度计", "digital_thermometer"),
    ("多用表", "digital_multimeter"),
    ("万用表", "digital_multimeter"),
    ("天平", "weighing_instrument"),
)


@dataclass(frozen=True)
class ConsoleConfig:
    disciplines: tuple[str, ...]
    benches: tuple[str, ...]
    turnaround_days: int
    keywords: tuple[tuple[str, str], ...] = DEFAULT_KEYWORDS

    @classmethod
    def parse(cls, disciplines: str, benches: str, turnaround_days: int) -> ConsoleConfig:
        def split(text: str) -> tuple[str, ...]:
            return tuple(part.strip() for part in text.split(",") if part.strip())

        return cls(split(disciplines), split(benches), turnaround_days)


@dataclass(frozen=True)
class WorkItem:
    """One sample as the console lists it."""

    sample: Sample
    type_code: str | None
    discipline: str
    due: datetime
    waiting: timedelta
    bench: str | None = None
    assignee: str | None = None


@dataclass
class ConsoleView:
    queues: dict[str, list[WorkItem]] = field(default_factory=dict)
    requested: list[WorkItem] = field(default_factory=list)
    benches: dict[str, list[WorkItem]] = field(default_factory=dict)
    returning: list[WorkItem] = field(default_factory=list)


def type_code_for(rules: RuleBook, instrument_type: str, config: ConsoleConfig) -> str | None:
    """The rule book's type for a sample's instrument type text, or None when none fits."""
    text = instrument_type.strip()
    for code, rule in rules.types.items():
        if text in (code, rule.name_zh, rule.name_en):
            return code
    for word, code in config.keywords:
        if word in text and code in rules.types:
            return code
    return None


def discipline_of(rules: RuleBook, type_code: str | None, config: ConsoleConfig) -> str:
    if type_code is None:
        return OTHER
    discipline = rules.types[type_code].discipline
    return discipline if discipline in config.disciplines else OTHER


def request_reason(bench: str, username: str) -> str:
    return f"lab-request bench={bench} for={username}"


def parse_request(reason: str | None) -> tuple[str, str] | None:
    """(bench, assignee) of a lab request's custody reason, or None for any other reason."""
    match = _REQUEST.match(reason or "")
    return (match["bench"], match["who"]) if match else None


class LabConsole:
    """What the /lab page and the lab API run on."""

    def __init__(
        self, uow_factory: UowFactory, clock: Clock, rules: RuleBook, config: ConsoleConfig
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.rules = rules
        self.config = config

    def _check(self, actor: Actor) -> None:
        if not permissions.may_work_in_lab(actor.role):
            raise Forbidden(actor.username, "work in the lab console")

    def view(self, actor: Actor) -> ConsoleView:
        """Queues of stored samples waiting for service, what is on its way, on each bench."""
        self._check(actor)
        now = self.clock.now()
        view = ConsoleView(queues={d: [] for d in (*self.config.disciplines, OTHER)})
        view.benches = {bench: [] for bench in self.config.benches}
        with self.uow_factory() as uow:
            due_of: dict[str, datetime] = {}

            def item(sample: Sample) -> WorkItem:
                if sample.order_number not in due_of:
                    order = uow.orders.get(sample.order_number)
                    created = order.created_at if order else now
                    due_of[sample.order_number] = created + timedelta(
                        days=self.config.turnaround_days
                    )
                code = type_code_for(self.rules, sample.instrument.instrument_type, self.config)
                bench, who = self._assignment(uow, sample)
                return WorkItem(
                    sample,
                    code,
                    discipline_of(self.rules, code, self.config),
                    due_of[sample.order_number],
                    now - (sample.updated_at or now),
                    bench,
                    who,
                )

            for state in (SampleState.STORED, SampleState.IN_TRANSIT, SampleState.IN_LAB):
                found = uow.samples.search(SampleFilter(state=state, limit=200)).items
                for sample in found:
                    if state is SampleState.STORED:
                        if not sample.service_completed:
                            work = item(sample)
                            view.queues.setdefault(work.discipline, []).append(work)
                    elif state is SampleState.IN_LAB:
                        work = item(sample)
                        bench = sample.location.code
                        view.benches.setdefault(bench, []).append(work)
                    elif sample.service_completed:
                        view.returning.append(item(sample))
                    else:
                        work = item(sample)
                        if work.bench is not None:
                            view.requested.append(work)
        for queue in view.queues.values():
            queue.sort(key=lambda w: (w.due, w.sample.number))
        return view

    def _assignment(self, uow: UnitOfWork, sample: Sample) -> tuple[str | None, str | None]:
        """Bench and assignee of the sample's latest lab request, while the lab has it."""
        if sample.state not in (SampleState.IN_TRANSIT, SampleState.IN_LAB):
            return None, None
        for record in reversed(uow.audit.records(sample_number=sample.number)):
            if record.event_type != "SampleTransitioned":
                continue
            payload = json.loads(record.payload)
            if payload["transition"] == Transition.STORE.value:
                return None, None
            found = parse_request(payload.get("reason"))
            if found is not None:
                return found
        return None, None

    def request_to_bench(self, actor: Actor, number: str, bench: str) -> None:
        """Retrieve a stored sample for ``bench``; the requester carries it and is assigned it."""
        self._check(actor)
        bench = bench.strip()
        if bench not in self.config.benches:
            raise InvalidValue("bench", bench, ", ".join(self.config.benches))
        with self.uow_factory() as uow:
            sample = self._sample(uow, number)
            if sample.state is not SampleState.STORED or sample.service_completed:
                raise InvalidValue(
                    "sample", number, "a stored sample waiting for its verification/calibration"
                )
            sample.apply(
                Transition.START_TRANSPORT,
                actor=actor.username,
                at=self.clock.now(),
                location=Location(LocationKind.STAFF, actor.username),
                reason=request_reason(bench, actor.username),
            )
            uow.commit()

    def confirm_arrival(self, actor: Actor, scanned: str) -> Sample:
        """The label (sample number) or RFID tag (EPC hex) scanned at the bench: delivered."""
        self._check(actor)
        text = scanned.strip()
        if not text:
            raise InvalidValue("scan", scanned, "a sample number or an EPC (24 hex digits)")
        with self.uow_factory() as uow:
            sample = self._resolve(uow, text)
            bench, _ = self._assignment(uow, sample)
            if sample.state is not SampleState.IN_TRANSIT or bench is None:
                raise InvalidValue(
                    "scan", text, f"a sample requested to a bench; {sample.number} was not"
                )
            sample.apply(
                Transition.DELIVER_TO_LAB,
                actor=actor.username,
                at=self.clock.now(),
                location=Location(LocationKind.LAB_BENCH, bench),
                reason=f"scanned {text}",
            )
            uow.commit()
            return sample

    def send_back(self, actor: Actor, number: str) -> None:
        """Work done: complete the service and start the return to storage, in one transaction."""
        self._check(actor)
        with self.uow_factory() as uow:
            sample = self._sample(uow, number)
            now = self.clock.now()
            if sample.state is not SampleState.IN_LAB:
                raise InvalidValue("sample", number, "a sample on a lab bench")
            sample.apply(Transition.COMPLETE_SERVICE, actor=actor.username, at=now)
            sample.apply(
                Transition.START_TRANSPORT,
                actor=actor.username,
                at=now,
                location=Location(LocationKind.STAFF, actor.username),
                reason=RETURN_REASON,
            )
            uow.commit()

    def sample(self, actor: Actor, number: str) -> Sample:
        self._check(actor)
        with self.uow_factory() as uow:
            return self._sample(uow, number)

    def type_code(self, sample: Sample) -> str | None:
        return type_code_for(self.rules, sample.instrument.instrument_type, self.config)

    @staticmethod
    def _sample(uow: UnitOfWork, number: str) -> Sample:
        sample = uow.samples.get(number.strip().upper())
        if sample is None:
            raise NotFound("sample", number)
        return sample

    @staticmethod
    def _resolve(uow: UnitOfWork, text: str) -> Sample:
        sample = uow.samples.get(text.upper())
        if sample is not None:
            return sample
        try:
            tag = Giai96.from_hex(text)
        except EpcError:
            raise NotFound("sample with label or EPC", text) from None
        candidates = uow.samples.search(SampleFilter(state=SampleState.IN_TRANSIT, limit=200))
        for candidate in candidates.items:
            if (candidate.epc or "").upper() == text.upper():
                return candidate
            try:
                reference = asset_reference_from_sample_no(candidate.number)
            except EpcError:
                continue
            if reference == tag.asset_reference:
                return candidate
        raise NotFound("sample with EPC", text)


def split_customer_intervals(text: str) -> Mapping[str, Mapping[str, int]]:
    """``CODE:type=months,...;CODE2:...`` as {credit code: {type: months}}."""
    found: dict[str, dict[str, int]] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        code, sep, pairs = part.partition(":")
        if not sep:
            raise InvalidValue("recall.customer_intervals", part, "CODE:type=months,...")
        for pair in pairs.split(","):
            type_code, eq, months = pair.partition("=")
            if not eq or not months.strip().isdigit():
                raise InvalidValue("recall.customer_intervals", pair, "type=months")
            found.setdefault(code.strip(), {})[type_code.strip()] = int(months)
    return found
