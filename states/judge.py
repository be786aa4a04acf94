"""Judging a requested move: the path's structure, its dates, then the rule set."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from states.case import EXITED, OPENING_MOVES, PAUSED, CaseFacts, Move, MoveKind
from states.machine import MOVABLE, path_machine
from states.messages import N_, Hint, Message
from states.programmes import Catalogue, extent_violation, too_short, training_share_violation
from states.ruleset import RuleSet
from states.steps import Step
from states.violations import Violation, structural


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where a move leads (``None`` when the path refuses it) and what the rules say."""

    target: str | None
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def blocking(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.blocking)

    @property
    def warnings(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if not v.blocking)


def judge(facts: CaseFacts, move: Move, rules: RuleSet, today: date) -> Verdict:
    to = move.to.slug if move.to is not None else None
    target = path_machine().target(facts.state, move.kind, to, facts.paused_from)
    if target and move.kind is MoveKind.START_PLACEMENT and facts.placement_open:
        target = None  # one placement at a time: refused as the path refuses
    found = [] if target else [explain_refusal(facts, move)]
    found += check_dates(facts, move, today)
    if target:
        found += rules.evaluate(facts, move)
        found += rules.weigh(programme_checks(rules.catalogue, move), move.to)
    return Verdict(target, tuple(found))


def programme_checks(catalogue: Catalogue, move: Move) -> list[Violation]:
    """What the programme of an advance asks of the move itself (YA: a share of the time
    in training, an extent of full time, a shortest length), by the catalogue; weighed by
    the rule set as any rule (a code it does not know keeps its own severity)."""
    if move.kind not in OPENING_MOVES or move.programme is None:
        return []
    known = catalogue.find(move.programme)
    if known is None:
        return []
    found = (
        training_share_violation(known, move.training_share),
        extent_violation(known, move.extent),
        too_short(known, move.start, move.until),
    )
    return [violation for violation in found if violation is not None]


def explain_refusal(facts: CaseFacts, move: Move) -> Violation:
    """Say in the caseworker's words why the transition table has no such move."""
    state, kind, current = facts.state, move.kind, facts.step
    if state == EXITED:
        said = Message(N_("the case has exited: nothing moves an exited case"))
        return structural("case-exited", said)
    if state == PAUSED and kind is MoveKind.PAUSE:
        return structural("already-paused", Message(N_("the case is already paused")))
    if state == PAUSED and kind not in (MoveKind.RESUME, MoveKind.EXIT):
        return structural("case-paused", Message(N_("the case is paused: only resume or exit it")))
    if kind is MoveKind.RESUME:
        return structural("not-paused", Message(N_("only a paused case can be resumed")))
    if kind is MoveKind.START_PLACEMENT:
        return _no_placement(facts)
    if move.to is not None and move.to == current:
        return structural(
            "same-step", Message(N_("the case is already in step {step}"), {"step": move.to})
        )
    if kind is MoveKind.ADVANCE:
        return structural(
            "not-forward",
            Message(
                N_(
                    "advance moves forward only (the case is in step {step}): "
                    "use fall-back to return to an earlier step"
                ),
                {"step": current},
            ),
        )
    if current is None:
        return structural(
            "no-step-yet", Message(N_("the case has not entered any step to fall back from"))
        )
    return structural(
        "not-backward",
        Message(
            N_(
                "fall-back returns to an earlier step only (the case is in step {step}): "
                "use advance to move forward"
            ),
            {"step": current},
        ),
    )


PLACEMENT_COMMANDS = Hint("placement", "`kivo placement extend|supervisor|end`")


def _no_placement(facts: CaseFacts) -> Violation:
    """Why no placement can start: one is open already, or the step has no workplace."""
    current = facts.step
    if facts.placement_open and _at_workplace(current):
        return structural(
            "placement-open",
            Message(
                N_(
                    "the case already has an open placement in step {step}: extend it, give "
                    "it another supervisor or end it ({how})"
                ),
                {"step": current, "how": PLACEMENT_COMMANDS},
            ),
        )
    where = Message(N_("step {step}"), {"step": current})
    if current is None:
        where = Message(N_("no step yet"))
    return structural(
        "no-workplace-step",
        Message(
            N_(
                "the case is in {where}, which happens at no workplace: a placement starts "
                "only in a workplace step (2, 3, 6, 7, 8, 9); to open one, advance the case "
                "into such a step with its workplace and supervisor"
            ),
            {"where": where},
        ),
    )


def _at_workplace(step: Step | None) -> bool:
    return step is not None and step.at_workplace


def check_dates(facts: CaseFacts, move: Move, today: date) -> list[Violation]:
    found = []
    if move.on > today:
        found.append(
            structural(
                "date-in-future",
                Message(
                    N_(
                        "the effective date {on} is after today ({today}): record moves when "
                        "they have happened"
                    ),
                    {"on": move.on.isoformat(), "today": today.isoformat()},
                ),
            )
        )
    if facts.last_move_on is not None and move.on < facts.last_move_on:
        found.append(
            structural(
                "date-before-last-move",
                Message(
                    N_(
                        "the effective date {on} is before the case's last recorded change ({last})"
                    ),
                    {"on": move.on.isoformat(), "last": facts.last_move_on.isoformat()},
                ),
            )
        )
    return found


def next_steps(
    facts: CaseFacts, rules: RuleSet, today: date, given: Move | None = None
) -> list[tuple[Step, Verdict]]:
    """The steps the case may advance to now, each with what the rules would say; with
    the details of an advance just ``given`` (workplace, supervisor, programme, end), as
    an advance with those details would be judged, so a refusal's list does not ask for
    what was given."""
    if facts.state not in MOVABLE:
        return []
    on = max(today, facts.last_move_on or today)
    template = given if given is not None and given.kind is MoveKind.ADVANCE else None
    out = []
    for step in Step:
        move = (
            replace(template, on=on, to=step)
            if template is not None
            else Move(MoveKind.ADVANCE, on=on, to=step)
        )
        verdict = judge(facts, move, rules, today)
        if verdict.target is not None:
            out.append((step, verdict))
    return out
