"""The configurable rules: pure functions of the case's facts and the requested move.

Each takes the facts, the move and the rule's settings from the rules file and returns a
sentence when the move breaks it (``None`` when it does not): a ``Message``, an English
template with its parameters, for each entry point to render in its reader's language.
Severity and the steps a rule applies to are data in the rules file; the registry below
says which settings each rule accepts, so a rules file can be validated before it is
used, and whether its steps are the ones a case advances into (``ENTERING``) or the ones
it leaves (``LEAVING``: by advance, fall back or exit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from states.case import CaseFacts, Group, Move
from states.fixed_term import (
    SAVA,
    VIKARIAT,
    Count,
    Employment,
    ava_permanent,
    months_from,
    preferential,
    sava_permanent,
    under_2022_text,
    vikariat_permanent,
)
from states.messages import N_, Alternatives, Hint, Message
from states.programmes import (
    closed,
    decision_too_long,
    las_exempt,
    scoped_total_too_long,
    total_too_long,
)
from states.steps import Step

Settings = Mapping[str, Any]
RuleFn = Callable[[CaseFacts, Move, Settings], Message | None]
ENTERING = "entering"  # the rule's steps are those a case advances into
LEAVING = "leaving"  # the rule's steps are those a case leaves (advance, fall back, exit)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    fn: RuleFn
    settings: Mapping[str, type]  # extra settings beyond severity/steps/enabled/description
    applies: str = ENTERING
    # False for a rule that guards someone else's decision (the participant's consent):
    # no coordinator's override lifts it.
    overridable: bool = True
    # False for an entry rule that judges the way into the step, not the placement (APL
    # only from vocational training): a placement started in the step the case is in
    # already (``START_PLACEMENT``) is not judged by it.
    placement: bool = True


def consent_missing(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if facts.consent_on is not None and facts.consent_on <= move.on:
        return None
    return Message(
        N_(
            "the participant's consent to share information must be recorded before "
            "step {step} (record it with {how}); it is the participant's decision, "
            "which no override replaces"
        ),
        {"step": move.to, "how": Hint("consent", "`kivo consent`")},
    )


def workplace_missing(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if move.workplace_id is not None:
        return None
    return Message(
        N_("step {step} happens at a workplace: name it with {how}"),
        {"step": move.to, "how": Hint("workplace", "--workplace")},
    )


def supervisor_missing(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if move.supervisor is not None:
        return None
    return Message(
        N_("step {step} needs a named supervisor at the workplace: give {how}"),
        {"step": move.to, "how": Hint("supervisor", "--supervisor")},
    )


def supervisor_untrained(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    sup = move.supervisor
    if sup is None or (sup.trained_on is not None and sup.trained_on <= move.on):
        return None
    return Message(
        N_(
            "supervisor {supervisor} has not completed supervisor training "
            "(handledarutbildning) by {on}"
        ),
        {"supervisor": sup.id, "on": move.on.isoformat()},
    )


def supervisor_full(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    sup = move.supervisor
    if sup is None or sup.load < sup.capacity:
        return None
    return Message(
        N_(
            "supervisor {supervisor} already has {load} participant(s) at once, their "
            "capacity is {capacity}: choose another supervisor, or end a placement first"
        ),
        {"supervisor": sup.id, "load": sup.load, "capacity": sup.capacity},
    )


def supervisor_inactive(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    sup = move.supervisor
    if sup is None or sup.active:
        return None
    return Message(
        N_("supervisor {supervisor} is deactivated and takes no new placements"),
        {"supervisor": sup.id},
    )


def workplace_inactive(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if move.workplace_id is None or move.workplace_active:
        return None
    return Message(
        N_("workplace {workplace} is deactivated and takes no new placements"),
        {"workplace": move.workplace_id},
    )


def apl_outside_training(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    allowed = tuple(Step(n) for n in settings["from_steps"])
    if facts.step in allowed:
        return None
    return Message(
        N_("step {step} happens within vocational training: only from step {steps}"),
        {"step": move.to, "steps": Alternatives(allowed)},
    )


def end_date_missing(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if move.until is not None:
        return None
    return Message(
        N_("step {step} needs a planned end date: give {how}"),
        {"step": move.to, "how": Hint("until", "--until")},
    )


def end_before_start(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if move.until is None or move.until > move.start:
        return None
    return Message(
        N_("the planned end {until} must come after the start {start}"),
        {"until": move.until.isoformat(), "start": move.start.isoformat()},
    )


NEWLY_ARRIVED = Group.NEWLY_ARRIVED.value


def ya_not_eligible(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    groups = set(settings["groups"])
    months = settings["newly_arrived_months"]
    undated = groups - {NEWLY_ARRIVED}  # the newly-arrived group counts only when dated
    if facts.groups & undated or (
        NEWLY_ARRIVED in groups and newly_arrived_on(facts, move.start, months)
    ):
        return None
    age = age_on(facts, move.start)
    low, high = settings["min_age"], settings["max_age"]
    if age is not None and low <= age <= high:
        return None
    known = Message(N_("unknown age")) if age is None else Message(N_("aged {age}"), {"age": age})
    note = _newly_arrived_note(facts, months) if NEWLY_ARRIVED in groups else Message("")
    return Message(
        N_(
            "vocational-introduction employment needs a participant aged {low}–{high} at the "
            "start, or one of the groups {groups} (participant: {known}{note})"
        ),
        {
            "low": low,
            "high": high,
            "groups": ", ".join(sorted(groups)),
            "known": known,
            "note": note,
        },
    )


def newly_arrived_on(facts: CaseFacts, day: date, months: int) -> bool:
    """Newly arrived on ``day``: in the group, with a residence permit granted at most
    ``months`` calendar months before it (``months_from``: both ends included). A
    membership without a permit date is not dated, so it never counts."""
    permit = facts.permit_date
    if NEWLY_ARRIVED not in facts.groups or permit is None:
        return False
    return permit <= day <= months_from(permit, months)


def _newly_arrived_note(facts: CaseFacts, months: int) -> Message:
    if NEWLY_ARRIVED not in facts.groups:
        return Message("")
    if facts.permit_date is None:
        return Message(
            N_("; newly arrived without a residence-permit date ({how})"),
            {"how": Hint("permit_date", "`--permit-date`")},
        )
    return Message(
        N_("; newly arrived with a residence permit of {permit}, which counts for {months} months"),
        {"permit": facts.permit_date.isoformat(), "months": months},
    )


def meeting_not_held(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if facts.meetings_held_in_step > 0:
        return None
    return Message(
        N_(
            "no tripartite meeting was recorded as held while the case was in step {step} "
            "(record one with {how})"
        ),
        {"step": facts.step, "how": Hint("meeting_held", "`kivo meeting record ID --held`")},
    )


def programme_unknown(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    if move.programme is None or facts.catalogue.find(move.programme) is not None:
        return None
    return Message(
        N_("unknown programme {programme}: choose one of {known} ({how})"),
        {
            "programme": repr(move.programme),
            "known": ", ".join(facts.catalogue.codes),
            "how": Hint("programmes", "`kivo programme list`"),
        },
    )


def programme_not_in_step(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    programme = facts.catalogue.find(move.programme)
    if programme is None or move.to is None or move.to.number in programme.steps:
        return None
    return Message(
        N_("programme {programme} runs in step {steps}, not in step {step}"),
        {
            "programme": programme.code,
            "steps": ", ".join(str(n) for n in sorted(programme.steps)),
            "step": move.to,
        },
    )


def programme_closed(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    programme = facts.catalogue.find(move.programme)
    return None if programme is None else closed(programme, move.on)


def programme_too_long(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    programme = facts.catalogue.find(move.programme)
    if programme is None or move.until is None:
        return None
    return decision_too_long(programme, move.start, move.until)


def _fixed_term_with_employer(
    facts: CaseFacts, move: Move
) -> tuple[list[Employment], Employment] | None:
    """The participant's fixed-term stays with this workplace's employer
    (``facts.fixed_term_stays`` lists each under every workplace of its employer) with
    the planned stay, and the planned stay itself, counted up to its planned end; without
    one, the earlier stays up to the start. Employment LAS does not apply to
    (``las_exempt``, such as sheltered public employment) is not judged."""
    if move.workplace_id is None or las_exempt(move.programme, facts.catalogue):
        return None
    kind = move.employment_kind or SAVA
    stays = [(s, e, k) for w, s, e, k in facts.fixed_term_stays if w == move.workplace_id]
    if move.until is None or move.until < move.start:
        return stays, (move.start, move.start, kind)
    judged = (move.start, move.until, kind)
    return [*stays, judged], judged


def programme_total_too_long(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    """The placement alone; for a programme whose total spans placements, with the
    participant's earlier ones in its scope (``facts.programme_before``)."""
    programme = facts.catalogue.find(move.programme)
    if programme is None or move.until is None:
        return None
    return total_too_long(programme, move.start, move.until) or scoped_total_too_long(
        programme, facts.programme_before, move.start, move.until
    )


def _sentence(count: Count, move: Move, consequence: Message) -> Message:
    return Message(
        N_(
            "fixed-term employment with the employer of workplace {workplace}: {counted} adds "
            "up to {days} days by {on} (this stay included): more than {months} months "
            "{consequence}"
        ),
        {
            "workplace": move.workplace_id,
            "counted": Message(count.counted),
            "days": count.days,
            "on": count.on.isoformat(),
            "months": count.more_than_months,
            "consequence": consequence,
        },
    )


def preferential_right_reached(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    """LAS 25 §: any kind of fixed-term stay, counted by the text in force at its start."""
    found = _fixed_term_with_employer(facts, move)
    if found is None:
        return None
    count = preferential(found[0], found[1], settings["more_than_months"])
    if not count.passed:
        return None
    return _sentence(
        count, move, Message(N_("gives a preferential right to re-employment (LAS 25 §)"))
    )


def las_permanent(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    """A SÄVA stay by LAS 5 a § (2022), one begun before 2022-10-01 as allmän visstid."""
    found = _fixed_term_with_employer(facts, move)
    if found is None or found[1][2] != SAVA:
        return None
    stays, (start, on, _) = found
    if under_2022_text(start):
        count = sava_permanent(stays, on, settings["more_than_months"])
        law = Message("LAS 5 a §")
    else:
        count = ava_permanent(stays, on)
        law = Message(N_("LAS 5 § before 2022-10-01"))
    if not count.passed:
        return None
    consequence = N_("and the employment has by law become permanent ({law})")
    return _sentence(count, move, Message(consequence, {"law": law}))


def las_vikariat(facts: CaseFacts, move: Move, settings: Settings) -> Message | None:
    """A vikariat stay: more than two years of vikariat within five (LAS 5 a §)."""
    found = _fixed_term_with_employer(facts, move)
    if found is None or found[1][2] != VIKARIAT:
        return None
    count = vikariat_permanent(found[0], found[1][1], settings["more_than_months"])
    if not count.passed:
        return None
    return _sentence(
        count, move, Message(N_("of vikariat and it has by law become permanent (LAS 5 a §)"))
    )


def age_on(facts: CaseFacts, day: date) -> int | None:
    """Exact age from the birth date; from the birth year alone, the age reached that year."""
    if facts.birth_date is not None:
        born = facts.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if facts.birth_year is not None:
        return day.year - facts.birth_year
    return None


REGISTRY: dict[str, RuleSpec] = {
    "consent-missing": RuleSpec(consent_missing, {}, overridable=False),
    "workplace-missing": RuleSpec(workplace_missing, {}),
    "supervisor-missing": RuleSpec(supervisor_missing, {}),
    "supervisor-untrained": RuleSpec(supervisor_untrained, {}),
    "supervisor-full": RuleSpec(supervisor_full, {}),
    "supervisor-inactive": RuleSpec(supervisor_inactive, {}),
    "workplace-inactive": RuleSpec(workplace_inactive, {}),
    "apl-outside-training": RuleSpec(apl_outside_training, {"from_steps": list}, placement=False),
    "end-date-missing": RuleSpec(end_date_missing, {}),
    "end-before-start": RuleSpec(end_before_start, {}),
    "ya-not-eligible": RuleSpec(
        ya_not_eligible,
        {"min_age": int, "max_age": int, "groups": list, "newly_arrived_months": int},
    ),
    "meeting-not-held": RuleSpec(meeting_not_held, {}, LEAVING),
    "programme-unknown": RuleSpec(programme_unknown, {}),
    "programme-not-in-step": RuleSpec(programme_not_in_step, {}),
    "programme-closed": RuleSpec(programme_closed, {}),
    "programme-too-long": RuleSpec(programme_too_long, {}),
    "programme-total-too-long": RuleSpec(programme_total_too_long, {}),
    "preferential-right": RuleSpec(preferential_right_reached, {"more_than_months": int}),
    "las-permanent": RuleSpec(las_permanent, {"more_than_months": int}),
    "las-vikariat": RuleSpec(las_vikariat, {"more_than_months": int}),
}
