"""The one move pipeline: every move of one case or of many goes through here.

1. read the facts of a set of cases set-based (``facts.read_facts``: one query per kind
   of fact, only the kinds the moves' rules can need);
2. judge each case purely (``states.judge``: the path, the dates, the rule registry and
   the programme's own checks, overrides weighed alike);
3. plan the writes as plain data (``planning.plan_move``);
4. apply the plans set-based (``planning.apply``), in the caller's transaction: one per
   case for a single move (``pathway.moves``), one per chunk for a batch
   (``pathway.batch``).

A refusal writes nothing for its case and leaves the others to go on; the caller decides
whether it raises (a single move) or is counted (a batch). A case named twice is judged
the second time on the state its first move left (its run is read again).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from pathway import actors
from pathway.context import Kivo
from pathway.errors import NotPermitted, Refused
from pathway.facts import Known, read_facts
from pathway.planning import CasePlan, apply, plan_move
from pathway.ports import UnitOfWork
from pathway.results import MoveResult, plain
from pathway.views import next_moves_of
from states.access import is_coordinator, may_see
from states.case import Move, MoveKind
from states.errors import Conflict, KivoError
from states.judge import Verdict, judge
from states.machine import MOVE_NAMES
from states.messages import N_, Message
from states.records import Case, Caseworker, Person
from states.violations import structural


@dataclass(frozen=True, slots=True)
class Request:
    """One case's move, as its caller asked for it."""

    case_id: int
    move: Move
    override: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class Decided:
    """What became of a request: its result, or the error that refused or stopped it."""

    request: Request
    result: MoveResult | None = None
    error: KivoError | None = None


def run(
    kivo: Kivo,
    uow: UnitOfWork,
    requests: Sequence[Request],
    by: int | None,
    *,
    dry_run: bool = False,
    explain: bool = True,
) -> list[Decided]:
    """Judge and (unless ``dry_run``) write every request, in the caller's transaction;
    ``by``: the caseworker who moves them (read once). ``explain``: a refusal lists the
    case's possible next moves (a batch, which only counts refusals, skips that)."""
    decided: list[Decided] = []
    actor = None if by is None else actor_of(uow, by)
    if not dry_run:
        actors.require_configured_rules(kivo, actor)
    for part in distinct_runs(requests):
        loaded = uow.pipeline.load([request.case_id for request in part])
        decided += _run_part(kivo, uow, part, loaded, actor, dry_run, explain)
    return decided


def _run_part(
    kivo: Kivo,
    uow: UnitOfWork,
    part: Sequence[Request],
    loaded: dict[int, tuple[Case, Person, bool, bool]],
    actor: Caseworker | None,
    dry_run: bool,
    explain: bool,
) -> list[Decided]:
    # A case not the actor's is answered as one that does not exist (its owner is on
    # the rows just loaded: no query).
    loaded = {
        case_id: row for case_id, row in loaded.items() if may_see(actor, row[0].caseworker_id)
    }
    cases = {r.case_id: loaded[r.case_id][:2] for r in part if r.case_id in loaded}
    known = read_facts(uow, kivo.rules, cases, {r.case_id: r.move for r in part})
    with_items = [case_id for case_id in cases if loaded[case_id][2]]
    items = uow.pipeline.open_items(with_items) if with_items else {}
    outcomes: list[CasePlan | KivoError] = []
    for request in part:
        if request.case_id not in loaded:
            outcomes.append(actors.hidden(request.case_id))
            continue
        case, person, _, has_placements = loaded[request.case_id]
        facts = known[request.case_id]
        if request.move.kind is MoveKind.START_PLACEMENT:
            facts = replace(facts, facts=replace(facts.facts, placement_open=has_placements))
        try:
            verdict, used = decide(kivo, uow, request, case, person, facts, actor, explain)
        except KivoError as error:
            outcomes.append(error)
            continue
        mine = items.get(request.case_id, [])
        plan = plan_move(kivo, case, request.move, verdict, actor, used, facts.entered, mine)
        plan.open_placements = has_placements
        outcomes.append(plan)
    plans = [outcome for outcome in outcomes if isinstance(outcome, CasePlan)]
    if plans and not dry_run:
        apply(kivo, uow, plans)
        # The access log names each move by its kind: one statement for the part.
        actors.log(kivo, uow, actor, [(_case_id(plan), plan.move.kind.value) for plan in plans])
    return [
        Decided(request, result=result_of(request, outcome, dry_run))
        if isinstance(outcome, CasePlan)
        else Decided(request, error=outcome)
        for request, outcome in zip(part, outcomes, strict=True)
    ]


def decide(
    kivo: Kivo,
    uow: UnitOfWork,
    request: Request,
    case: Case,
    person: Person,
    known: Known,
    actor: Caseworker | None,
    explain: bool = True,
) -> tuple[Verdict, str | None]:
    """The verdict on a request and the override it uses; a refusal raises."""
    at_version(case, request.expected_version)
    move = request.move
    verdict = judge(known.facts, move, kivo.rules, kivo.today())
    overridden = settle(verdict, actor, request.override)
    if verdict.blocking and not overridden:
        raise Refused.saying(
            Message(
                N_("case {case}: {move} refused"),
                {"case": request.case_id, "move": Message(MOVE_NAMES[move.kind])},
            ),
            verdict.blocking + verdict.warnings,
            # a placement start moves nowhere: the case's next moves are no answer to it
            next_moves(kivo, uow, case, person, move)
            if explain and move.kind is not MoveKind.START_PLACEMENT
            else [],
        )
    assert verdict.target is not None
    return verdict, request.override if overridden else None


def next_moves(
    kivo: Kivo, uow: UnitOfWork, case: Case, person: Person, move: Move
) -> list[dict[str, object]]:
    """What the case may do instead, judged on every fact (read again for the case)."""
    assert case.id is not None
    every = read_facts(uow, kivo.rules, {case.id: (case, person)}, {case.id: move}, every=True)
    return [plain(m) for m in next_moves_of(kivo, every[case.id].facts, move)]


def result_of(request: Request, plan: CasePlan, dry_run: bool) -> MoveResult:
    move, case = request.move, plan.case
    assert plan.verdict.target is not None
    return MoveResult(
        case_id=request.case_id,
        kind=move.kind.value,
        from_state=plan.from_state,
        to_state=plan.verdict.target,
        step=(move.to.number if move.to else (case.step.number if case.step else None)),
        on=move.on,
        version=case.version,
        dry_run=dry_run,
        warnings=[v.to_dict() for v in plan.verdict.warnings],
        overridden=[v.code for v in plan.verdict.blocking] if plan.override else [],
        placement_id=None if dry_run or plan.placement is None else plan.placement.id,
        warned_by=tuple(plan.verdict.warnings),
    )


def at_version(case: Case, expected_version: int | None) -> None:
    """A case still at the version the caller looked at (``None``: any version)."""
    if expected_version is not None and case.version != expected_version:
        said = Message(
            N_(
                "case {case} is at version {version}, not {expected}: someone changed it "
                "since you looked; reload and try again"
            ),
            {"case": case.id, "version": case.version, "expected": expected_version},
        )
        raise Conflict(
            said,
            case_id=case.id,
            version=case.version,
        )


def actor_of(uow: UnitOfWork, by: int) -> Caseworker:
    """The acting caseworker (``pathway.actors``), read by the pipeline's own store."""
    return actors.checked_actor(uow.pipeline.caseworker(by), by)


def settle(verdict: Verdict, actor: Caseworker | None, override: str | None) -> list[str]:
    """The blocking codes a coordinator's written override lifts (none for a caseworker)."""
    if not override or not verdict.blocking:
        return []
    problems = list(verdict.blocking)
    if not is_coordinator(actor):
        problems.append(
            structural(
                "override-not-permitted",
                Message(
                    N_(
                        "only a coordinator may override a blocking rule: give --by with a "
                        "coordinator's id"
                    )
                ),
            )
        )
    if len(problems) > len(verdict.blocking):  # the role refuses, whatever the entry point
        raise NotPermitted(
            Message(N_("override refused: only a coordinator may override a blocking rule")),
            violations=(*problems, *verdict.warnings),
            action="override",
            actor=None if actor is None else actor.id,
        )
    if not all(v.overridable for v in problems):
        raise Refused.saying(Message(N_("override refused")), (*problems, *verdict.warnings))
    return [v.code for v in verdict.blocking]


def distinct_runs(requests: Sequence[Request]) -> Iterator[list[Request]]:
    """The requests in runs without a repeated case: a case named again starts a new run,
    so it is judged on the state its first move left."""
    part: list[Request] = []
    seen: set[int] = set()
    for request in requests:
        if request.case_id in seen:
            yield part
            part, seen = [], set()
        part.append(request)
        seen.add(request.case_id)
    if part:
        yield part


def _case_id(plan: CasePlan) -> int:
    assert plan.case.id is not None
    return plan.case.id
