"""Moving a case along the path: advance, fall back, pause, resume, exit; and the
placement start of a case already in a workplace step, which stays there.

Each is the move pipeline (``pathway.pipeline``) with one case. Each call is one
transaction: the case's new state, its history event and its placement are written
together or not at all. The rules are judged inside the same transaction,
on the state as stored, so a concurrent change can never slip between judging and
writing (the case's version column turns such a race into a conflict).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pathway import actors, pipeline
from pathway.context import Kivo
from pathway.facts import supervisor_facts
from pathway.pipeline import Decided, Request
from pathway.pipeline import settle as settle
from pathway.ports import UnitOfWork
from pathway.results import MoveResult
from states.case import Move, MoveKind, Outcome
from states.errors import InvalidInput, NotFound, quoted
from states.fixed_term import SAVA, employment_kind
from states.messages import N_, Hint, Message
from states.programmes import Catalogue
from states.records import Case, Caseworker, Supervisor, Workplace
from states.steps import Step

FIXED_TERM = 7
REASON = Hint("reason", "--reason")
PLACEMENT_WHERE = Message(
    N_(
        "{supervisor} (at the supervisor's workplace) or {workplace} (employment "
        "without a named supervisor)"
    ),
    {
        "supervisor": Hint("supervisor", "--supervisor ID"),
        "workplace": Hint("workplace", "--workplace ID"),
    },
)
"""Where a placement is, as a refusal asks for it (the CLI's options, a page's fields)."""


def advance(
    kivo: Kivo,
    case_id: int,
    to: Step,
    *,
    on: date | None = None,
    workplace_id: int | None = None,
    supervisor_id: int | None = None,
    programme: str | None = None,
    until: date | None = None,
    by: int | None = None,
    override: str | None = None,
    dry_run: bool = False,
    expected_version: int | None = None,
    training_share: int | None = None,
    extent: int | None = None,
    employment_kind: str | None = None,
) -> MoveResult:
    """Move a case forward to ``to`` (steps may be skipped), opening its placement in a
    workplace step; a step at no workplace opens none, so naming a workplace or a
    supervisor for one is bad input (it would take a supervisor's place for nothing).
    ``training_share``: the planned percent of the time in training or supervision;
    ``extent``: the employment's percent of full time; both recorded in the event and
    checked for a programme that requires them (YA). ``employment_kind``: for fixed-term
    employment (7), SÄVA (the default), vikariat or säsong, recorded on the placement:
    LAS counts each kind by its own rule."""
    require_written_override(override)
    if not to.at_workplace and (workplace_id is not None or supervisor_id is not None):
        raise InvalidInput(
            Message(
                N_(
                    "step {step} happens at no workplace: leave out {given} (a placement "
                    "opens only in a workplace step: 2, 3, 6, 7, 8, 9)"
                ),
                {"step": to, "given": _given_places(workplace_id, supervisor_id)},
            ),
            field="workplace" if workplace_id is not None else "supervisor",
        )
    kind = kind_of_employment(to, employment_kind)
    _check_shares(training_share, extent)
    with kivo.uow() as uow:
        request = advance_request(
            kivo,
            uow,
            case_id,
            to,
            on=on,
            workplace_id=workplace_id,
            supervisor_id=supervisor_id,
            programme=programme,
            until=until,
            override=override,
            expected_version=expected_version,
            training_share=training_share,
            extent=extent,
            employment_kind=kind,
        )
        return _one(kivo, uow, request, by, dry_run=dry_run)


def start_placement(
    kivo: Kivo,
    case_id: int,
    *,
    supervisor_id: int | None = None,
    workplace_id: int | None = None,
    programme: str | None = None,
    until: date | None = None,
    on: date | None = None,
    by: int | None = None,
    override: str | None = None,
    expected_version: int | None = None,
    training_share: int | None = None,
    extent: int | None = None,
    employment_kind: str | None = None,
) -> MoveResult:
    """Open the placement of a case already in a workplace step that has none (imported
    into the step, fallen back into it, or after its placement ended early): at the
    supervisor's workplace, or at ``workplace_id`` (employment without a supervisor).

    The one move pipeline with a ``START_PLACEMENT`` move into the case's own step:
    judged by the rules an advance into that step is judged by (consent, the supervisor's
    training, capacity and activity, the workplace, the programme's limits, LAS), the
    case staying in its step; its follow-ups, meetings and reminders planned from the
    placement's start as entering the step plans them (those a fall back planned without
    a placement are planned again with it), and a ``placement_started`` event, all in
    one transaction. Refused when the case is in no workplace step, is paused or exited,
    or already has an open placement."""
    require_written_override(override)
    if (supervisor_id is None) == (workplace_id is None):
        template = (
            N_("give {where}, not both")
            if supervisor_id is not None
            else N_("name where the placement is: {where}")
        )
        raise InvalidInput(Message(template, {"where": PLACEMENT_WHERE}), field="supervisor")
    _check_shares(training_share, extent)
    with kivo.uow() as uow:
        found = uow.pipeline.load([case_id])
        if case_id not in found:
            raise NotFound.with_id("case", case_id)
        step = found[case_id][0].step
        kind = kind_of_employment(step, employment_kind) if step is not None else None
        move = _placement_move(
            kivo,
            uow,
            MoveKind.START_PLACEMENT,
            case_id,
            step,
            on=on,
            workplace_id=workplace_id,
            supervisor_id=supervisor_id,
            programme=programme,
            until=until,
            employment_kind=kind,
            training_share=training_share,
            extent=extent,
        )
        return _one(kivo, uow, Request(case_id, move, override, expected_version), by)


def _given_places(workplace_id: int | None, supervisor_id: int | None) -> Hint | Message:
    """The places given where no placement opens: one option, or both joined."""
    workplace, supervisor = Hint("workplace", "--workplace"), Hint("supervisor", "--supervisor")
    if workplace_id is not None and supervisor_id is not None:
        return Message(N_("{first} and {second}"), {"first": workplace, "second": supervisor})
    return workplace if workplace_id is not None else supervisor


def _check_shares(training_share: int | None, extent: int | None) -> None:
    if training_share is not None and not 0 <= training_share <= 100:
        raise InvalidInput(
            Message(
                N_("the training share is a percentage from 0 to 100, not {given}"),
                {"given": training_share},
            ),
            field="training_share",
        )
    if extent is not None and not 1 <= extent <= 100:
        raise InvalidInput(
            Message(
                N_("the extent is a percentage of full time from 1 to 100, not {given}"),
                {"given": extent},
            ),
            field="extent",
        )


def _placement_move(
    kivo: Kivo,
    uow: UnitOfWork,
    kind: MoveKind,
    case_id: int,
    to: Step | None,
    *,
    on: date | None,
    workplace_id: int | None,
    supervisor_id: int | None,
    programme: str | None,
    until: date | None,
    employment_kind: str | None,
    training_share: int | None,
    extent: int | None,
) -> Move:
    """A move that opens a placement (an advance, a placement start), its supervisor and
    workplace read in this transaction."""
    # Locked: two moves placing participants with one supervisor queue here, so the
    # capacity rule counts the placement the other one opened.
    supervisor = _supervisor(uow, supervisor_id) if supervisor_id is not None else None
    if supervisor is not None and workplace_id is None:
        workplace_id = supervisor.workplace_id
    workplace = _workplace(uow, workplace_id) if workplace_id is not None else None
    if supervisor is not None and supervisor.workplace_id != workplace_id:
        raise InvalidInput(
            Message(
                N_("supervisor {supervisor} works at workplace {theirs}, not at workplace {given}"),
                {
                    "supervisor": supervisor_id,
                    "theirs": supervisor.workplace_id,
                    "given": workplace_id,
                },
            ),
            field="supervisor",
        )
    move = Move(
        kind,
        on=on or kivo.today(),
        to=to,
        workplace_id=workplace_id,
        supervisor=(supervisor_facts(uow, supervisor, case_id) if supervisor is not None else None),
        programme=programme_code(kivo.catalogue, programme),
        until=until,
        workplace_active=workplace.active if workplace is not None else True,
        employment_kind=employment_kind,
        training_share=training_share,
        extent=extent,
    )
    return with_default_end(kivo.catalogue, move)


def advance_request(
    kivo: Kivo,
    uow: UnitOfWork,
    case_id: int,
    to: Step,
    *,
    on: date | None = None,
    workplace_id: int | None = None,
    supervisor_id: int | None = None,
    programme: str | None = None,
    until: date | None = None,
    override: str | None = None,
    expected_version: int | None = None,
    training_share: int | None = None,
    extent: int | None = None,
    employment_kind: str | None = None,
) -> Request:
    """An advance as the pipeline's request, read in the caller's transaction (its
    supervisor locked): ``advance`` runs it alone, an accepted proposal with the position
    it takes (``pathway.proposals``). ``employment_kind`` as ``kind_of_employment`` gave it."""
    move = _placement_move(
        kivo,
        uow,
        MoveKind.ADVANCE,
        case_id,
        to,
        on=on,
        workplace_id=workplace_id,
        supervisor_id=supervisor_id,
        programme=programme,
        until=until,
        employment_kind=employment_kind,
        training_share=training_share,
        extent=extent,
    )
    return Request(case_id, move, override, expected_version)


def _supervisor(uow: UnitOfWork, supervisor_id: int) -> Supervisor:
    found = uow.pipeline.supervisor(supervisor_id)
    if found is None:
        raise NotFound.with_id("supervisor", supervisor_id)
    return found


def _workplace(uow: UnitOfWork, workplace_id: int) -> Workplace:
    found = uow.pipeline.workplace(workplace_id)
    if found is None:
        raise NotFound.with_id("workplace", workplace_id)
    return found


def kind_of_employment(to: Step, given: str | None) -> str | None:
    """The kind a fixed-term employment is recorded as: SÄVA unless given; given for any
    other step, or unknown, is bad input."""
    if given is None:
        return SAVA if to.number == FIXED_TERM else None
    kind = employment_kind(given)
    if to.number != FIXED_TERM:
        raise InvalidInput(
            Message(
                N_(
                    "an employment kind is recorded for fixed-term employment (step {fixed}), "
                    "not for step {number}"
                ),
                {"fixed": FIXED_TERM, "number": to.number},
            ),
            field="employment_kind",
        )
    if kind is None:
        raise InvalidInput(
            Message(
                N_("unknown employment kind {given}: choose one of SÄVA, vikariat, säsong"),
                {"given": quoted(given)},
            ),
            field="employment_kind",
        )
    return kind


def programme_code(catalogue: Catalogue, programme: str | None) -> str | None:
    """The catalogue's spelling of a known programme; an unknown one as given (upper case),
    for the rules to refuse by name."""
    if not programme or not programme.strip():
        return None
    known = catalogue.find(programme)
    return known.code if known else programme.strip().upper()


def with_default_end(catalogue: Catalogue, move: Move) -> Move:
    """A workplace step under a known programme, without --until, ends as the programme
    plans by default."""
    programme = catalogue.find(move.programme)
    if move.until is not None or programme is None or move.to is None:
        return move
    if not move.to.at_workplace:
        return move
    return replace(move, until=programme.default_end(move.start))


def fall_back(
    kivo: Kivo,
    case_id: int,
    to: Step,
    *,
    reason: str,
    on: date | None = None,
    by: int | None = None,
    expected_version: int | None = None,
    dry_run: bool = False,
) -> MoveResult:
    """Move a case back to an earlier step; the reason is required and recorded."""
    move = Move(MoveKind.FALL_BACK, on=on or kivo.today(), to=to, reason=_required(reason))
    return _moved(kivo, Request(case_id, move, None, expected_version), by, dry_run)


def pause(
    kivo: Kivo,
    case_id: int,
    *,
    reason: str,
    on: date | None = None,
    by: int | None = None,
    expected_version: int | None = None,
    dry_run: bool = False,
) -> MoveResult:
    move = Move(MoveKind.PAUSE, on=on or kivo.today(), reason=_required(reason))
    return _moved(kivo, Request(case_id, move, None, expected_version), by, dry_run)


def resume(
    kivo: Kivo,
    case_id: int,
    *,
    on: date | None = None,
    by: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    dry_run: bool = False,
) -> MoveResult:
    move = Move(MoveKind.RESUME, on=on or kivo.today(), reason=reason)
    return _moved(kivo, Request(case_id, move, None, expected_version), by, dry_run)


def exit_case(
    kivo: Kivo,
    case_id: int,
    *,
    outcome: Outcome,
    on: date | None = None,
    by: int | None = None,
    reason: str | None = None,
    qualification: bool = False,
    expected_version: int | None = None,
    dry_run: bool = False,
) -> MoveResult:
    """Close a case with its outcome; an exited case never moves again. ``qualification``:
    the participant gained a qualification on leaving (an ESF+ result)."""
    move = Move(
        MoveKind.EXIT,
        on=on or kivo.today(),
        outcome=outcome,
        reason=reason,
        qualification=qualification,
    )
    return _moved(kivo, Request(case_id, move, None, expected_version), by, dry_run)


def _required(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidInput(
            Message(N_("a reason is required for this move: give {how}"), {"how": REASON}),
            field="reason",
        )
    return reason.strip()


def _moved(kivo: Kivo, request: Request, by: int | None, dry_run: bool = False) -> MoveResult:
    """``dry_run``: judge and report, write nothing (the web's preview before saving)."""
    with kivo.uow() as uow:
        return _one(kivo, uow, request, by, dry_run=dry_run)


def _one(
    kivo: Kivo, uow: UnitOfWork, request: Request, by: int | None, *, dry_run: bool = False
) -> MoveResult:
    """The pipeline with one case, in this transaction: its result, or its refusal."""
    (decided,) = pipeline.run(kivo, uow, [request], by, dry_run=dry_run)
    result = outcome(decided)
    if not dry_run:
        uow.commit()
    return result


def outcome(decided: Decided) -> MoveResult:
    """A decided request's result; its refusal or error raised."""
    if decided.error is not None:
        raise decided.error
    assert decided.result is not None
    return decided.result


def case_at_version(
    uow: UnitOfWork, case_id: int, expected_version: int | None, *, lock: bool = False
) -> Case:
    """The case, if still at the version the caller looked at (``None``: any version);
    every use case that changes a case takes ``expected_version``. ``lock``: for a write
    that does not go through the versioned save (a set-based UPDATE), lock the row."""
    case = uow.cases.locked(case_id) if lock else uow.cases.get(case_id)
    pipeline.at_version(case, expected_version)
    return case


def actor_of(uow: UnitOfWork, by: int | None) -> Caseworker | None:
    """The active caseworker ``by`` names (``None`` for none)."""
    return actors.actor_of(uow, by)


def require_written_override(override: str | None) -> None:
    """An override is a written decision: a blank reason is bad input, before any read."""
    if override is not None and not override.strip():
        raise InvalidInput(Message(N_("an override needs a written reason")), field="override")
