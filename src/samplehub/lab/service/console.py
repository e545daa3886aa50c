"""The lab console: queues per discipline, requests to a bench, arrival scans and returns.

The queues are read here; the moves (a request to a bench, the arrival scan, the send-back)
are commands, each one transaction with its custody records (see ``lab.service.bench``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import Forbidden, InvalidValue
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import TaskKind
from samplehub.core.service.commands import Actor, Command
from samplehub.core.service.ports import Clock, SampleFilter, UnitOfWork
from samplehub.lab.domain.rules import RuleBook
from samplehub.lab.service import commands as lc
from samplehub.lab.service.bench import assignment, stored_sample

UowFactory = Callable[[], UnitOfWork]
OTHER = "other"

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
    def of(
        cls, disciplines: Sequence[str], benches: Sequence[str], turnaround_days: int
    ) -> ConsoleConfig:
        return cls(tuple(disciplines), tuple(benches), turnaround_days)


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
    task_id: str | None = None  # its open to-bench or return task, and who carries it
    carrier: str | None = None


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


@dataclass(eq=False, repr=False)
class LabConsole:
    """What the /lab page and the lab API run on."""

    handle: Callable[[Command], Any]  # MessageBus.handle
    uow_factory: UowFactory
    clock: Clock
    rules: RuleBook
    config: ConsoleConfig

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
                bench, who = assignment(uow, sample)
                return WorkItem(
                    sample,
                    code,
                    discipline_of(self.rules, code, self.config),
                    due_of[sample.order_number],
                    now - (sample.updated_at or now),
                    bench,
                    who,
                )

            moving: dict[str, TaskKind] = {}
            for task in uow.tasks.open():
                if task.kind in (TaskKind.TO_BENCH, TaskKind.RETURN):
                    moving[task.sample_number] = task.kind
                    on_way = uow.samples.get(task.sample_number)
                    if on_way is None:
                        continue
                    work = replace(item(on_way), task_id=task.id, carrier=task.carrier)
                    if task.kind is TaskKind.TO_BENCH:
                        view.requested.append(work)
                    else:
                        view.returning.append(work)
            for state in (SampleState.STORED, SampleState.IN_LAB):
                found = uow.samples.search(SampleFilter(state=state, limit=200)).items
                for sample in found:
                    if state is SampleState.IN_LAB:
                        work = item(sample)
                        view.benches.setdefault(sample.location.code, []).append(work)
                    elif not sample.service_completed and sample.number not in moving:
                        work = item(sample)
                        view.queues.setdefault(work.discipline, []).append(work)
        for queue in view.queues.values():
            queue.sort(key=lambda w: (w.due, w.sample.number))
        return view

    def request_to_bench(self, actor: Actor, number: str, bench: str) -> None:
        """A to-bench task for a stored sample; the requester is its assignee at the bench."""
        self._check(actor)
        bench = bench.strip()
        if bench not in self.config.benches:
            raise InvalidValue("bench", bench, ", ".join(self.config.benches))
        self.handle(lc.RequestToBench(actor, number, bench))

    def confirm_arrival(self, actor: Actor, scanned: str) -> Sample:
        """The label (sample number) or RFID tag (EPC hex) scanned at the bench: delivered."""
        self._check(actor)
        sample: Sample = self.handle(lc.ConfirmArrival(actor, scanned))
        return sample

    def send_back(self, actor: Actor, number: str) -> None:
        """Work done: complete the service and make its return task, in one transaction."""
        self._check(actor)
        self.handle(lc.SendBack(actor, number))

    def sample(self, actor: Actor, number: str) -> Sample:
        self._check(actor)
        with self.uow_factory() as uow:
            return stored_sample(uow, number)

    def type_code(self, sample: Sample) -> str | None:
        return type_code_for(self.rules, sample.instrument.instrument_type, self.config)


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
