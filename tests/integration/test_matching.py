"""Profiles and matching on real databases (SQLite and PostgreSQL): a profile's changes
are logged; the ranking is by score, then days waiting, then id, each candidate with
its reasons; a case the rules refuse is left out and ``why_not`` names the rule, as
``kivo advance`` would refuse it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from pathway import directory, editing, enrolment, matching, moves, places, profiles
from pathway.context import Kivo
from pathway.errors import Refused
from persistence import migrate
from persistence.engine import make_engine
from states.case import Outcome
from states.errors import InvalidInput, NotFound
from states.matching import HOURS_POINTS, INTEREST_POINTS, MUNICIPALITY_POINTS
from states.steps import Step
from tests.integration.support import Staff, enrol_case


def open_place(kivo: Kivo, staff: Staff, **changes: object) -> int:
    values: dict[str, object] = {
        "title": "Shelf stocker",
        "positions": 2,
        "steps": [2],
        "programmes": ["praktik"],
        "requires": ["swedish:A2"],
        "hours": 20,
        "municipality": "Visby",
        "supervisor_id": staff.supervisor,
        "areas": ["retail"],
        "on": date(2026, 1, 19),
        **changes,
    }
    place = places.add_place(kivo, staff.workplace, **values).place_id  # type: ignore[arg-type]
    places.agree_place(kivo, place, on=date(2026, 2, 2))
    places.open_place(kivo, place, on=date(2026, 2, 9))
    return place


def profiled(kivo: Kivo, staff: Staff, name: str, on: date, **fields: object) -> int:
    case = enrol_case(kivo, staff, name=name, on=on, consent=bool(fields.pop("consent", True)))
    profiles.set_profile(kivo, case, by=staff.caseworker, **fields)  # type: ignore[arg-type]
    return case


def test_a_profile_set_replaces_the_fields_given_clears_others_and_logs_each_change(
    kivo: Kivo, staff: Staff
) -> None:
    case = enrol_case(kivo, staff)
    assert profiles.show_profile(kivo, case).recorded is False
    first = profiles.set_profile(
        kivo,
        case,
        interests=["retail", "care"],
        languages=["swedish:b1", "arabic:C2"],
        max_hours=30,
        adaptations=["no-heavy-lifting"],
        by=staff.caseworker,
    )
    assert [(c.field, c.old, c.new) for c in first.changes] == [
        ("interests", None, "care,retail"),
        ("languages", None, "arabic:C2,swedish:B1"),
        ("max_hours", None, "30"),
        ("adaptations", None, "no-heavy-lifting"),
    ]
    second = profiles.set_profile(
        kivo, case, languages=["swedish:B2"], clear=["hours"], by=staff.caseworker
    )
    assert [(c.field, c.old, c.new) for c in second.changes] == [
        ("languages", "arabic:C2,swedish:B1", "swedish:B2"),
        ("max_hours", "30", None),
    ]
    again = profiles.set_profile(kivo, case, languages=["swedish:B2"], by=staff.caseworker)
    assert again.changes == []
    shown = profiles.show_profile(kivo, case)
    assert (shown.interests, shown.languages, shown.max_hours) == (
        ["care", "retail"],
        ["swedish:B2"],
        None,
    )
    assert shown.heaviest_physical == "medium"
    logged = editing.record_changes(kivo, "participant", case)
    assert [c.field for c in logged.changes] == [
        "interests",
        "languages",
        "max_hours",
        "adaptations",
        "languages",
        "max_hours",
    ]
    assert {c.by for c in logged.changes} == {"Hanna Handläggare"}


def test_bad_profile_input_writes_nothing(kivo: Kivo, staff: Staff) -> None:
    case = enrol_case(kivo, staff)
    with pytest.raises(InvalidInput, match="both given and cleared"):
        profiles.set_profile(
            kivo, case, interests=["care"], clear=["interests"], by=staff.caseworker
        )
    with pytest.raises(InvalidInput, match="nothing to set"):
        profiles.set_profile(kivo, case, by=staff.caseworker)
    with pytest.raises(InvalidInput, match="give --by"):
        profiles.set_profile(kivo, case, interests=["care"])
    with pytest.raises(NotFound):
        profiles.set_profile(kivo, 999, interests=["care"], by=staff.caseworker)
    assert profiles.show_profile(kivo, case).recorded is False


def test_match_place_ranks_by_score_then_days_waiting_then_id_with_reasons(
    kivo: Kivo, staff: Staff
) -> None:
    place = open_place(kivo, staff)
    common = {"languages": ["swedish:B1"]}
    best = profiled(
        kivo,
        staff,
        "Bea Bäst",
        date(2026, 1, 20),
        interests=["retail"],
        municipality="visby",
        **common,
    )
    older = profiled(kivo, staff, "Olle Äldre", date(2025, 12, 1), interests=["care"], **common)
    newer = profiled(kivo, staff, "Nils Nyare", date(2026, 2, 20), interests=["care"], **common)
    twin = profiled(kivo, staff, "Tove Tvilling", date(2026, 2, 20), interests=["care"], **common)
    too_long = profiled(kivo, staff, "Hanna Heltid", date(2026, 2, 20), max_hours=10, **common)
    no_swedish = profiled(kivo, staff, "Ali Utan", date(2025, 6, 1), languages=["english:C2"])
    ranked = matching.match_place(kivo, place, limit=10)
    assert [m.case_id for m in ranked.candidates] == [best, older, newer, twin, too_long]
    assert no_swedish not in [m.case_id for m in ranked.candidates]
    top = ranked.candidates[0]
    assert top.score == INTEREST_POINTS + MUNICIPALITY_POINTS + HOURS_POINTS + 1  # 41 days
    assert (top.step, top.programme, top.days_waiting) == (2, "PRAKTIK", 41)
    codes = [(r["code"], r["passed"], r["points"]) for r in top.reasons]
    assert codes[:2] == [("rules", True, 0), ("requirement", True, 0)]
    assert ("municipality", True, MUNICIPALITY_POINTS) in codes
    assert ranked.candidates[-1].score == 0  # the place's 20 h exceed the most, 10 h
    assert [m.case_id for m in matching.match_place(kivo, place, limit=2).candidates] == [
        best,
        older,
    ]
    why = matching.match_place(kivo, place, why_not=no_swedish).why_not
    assert why is not None
    assert (why.excluded, why.constraint) == (True, "requirement")
    assert why.because == "requirement swedish:A2 is not met by the profile"


def test_match_place_for_a_caseworker_ranks_only_their_own_cases(kivo: Kivo, staff: Staff) -> None:
    place = open_place(kivo, staff)
    mine = profiled(kivo, staff, "Mia Min", date(2026, 1, 20), languages=["swedish:B1"])
    other = directory.add_caseworker(kivo, "Otto Annan")
    assert other.id is not None
    theirs = enrolment.enrol(
        kivo, "Tea Deras", caseworker_id=other.id, consent=True, on=date(2025, 6, 1)
    ).case_id
    profiles.set_profile(kivo, theirs, languages=["swedish:B1"], by=other.id)

    every = [m.case_id for m in matching.match_place(kivo, place, limit=1000).candidates]
    own = matching.match_place(kivo, place, limit=1000, by=staff.caseworker)
    others = matching.match_place(kivo, place, limit=1000, by=other.id)

    assert {mine, theirs} <= set(every)
    assert mine in [m.case_id for m in own.candidates]
    assert theirs not in [m.case_id for m in own.candidates]
    assert [m.case_id for m in others.candidates] == [theirs]


def test_a_case_the_rules_refuse_is_left_out_and_why_not_names_the_rule(
    kivo: Kivo, staff: Staff
) -> None:
    place = open_place(kivo, staff)
    fine = profiled(kivo, staff, "Fia Fin", date(2026, 1, 20), languages=["swedish:B1"])
    refused = profiled(
        kivo, staff, "Utan Samtycke", date(2025, 1, 20), languages=["swedish:B1"], consent=False
    )
    ranked = matching.match_place(kivo, place, why_not=refused)
    assert [m.case_id for m in ranked.candidates] == [fine]
    assert ranked.why_not is not None
    assert (ranked.why_not.excluded, ranked.why_not.constraint) == (True, "consent-missing")
    with pytest.raises(Refused) as advance:
        moves.advance(
            kivo,
            refused,
            Step.SHORT_PRACTICE,
            supervisor_id=staff.supervisor,
            programme="praktik",
            dry_run=True,
        )
    assert "consent-missing" in [v.code for v in advance.value.violations]
    passes = matching.match_place(kivo, place, why_not=fine).why_not
    assert passes is not None
    assert (passes.excluded, passes.constraint) == (False, None)


def test_a_supervisor_at_capacity_or_untrained_excludes_every_case(
    kivo: Kivo, staff: Staff
) -> None:
    busy = directory.add_supervisor(
        kivo,
        "Full Handledare",
        workplace_id=staff.workplace,
        trained_on=date(2025, 9, 1),
        capacity=1,
    )
    assert busy.id is not None
    placed = enrol_case(kivo, staff, name="Redan Placerad")
    moves.advance(
        kivo,
        placed,
        Step.SHORT_PRACTICE,
        supervisor_id=busy.id,
        programme="praktik",
        on=date(2026, 2, 2),
    )
    waiting = profiled(kivo, staff, "Väntar Här", date(2026, 1, 20), languages=["swedish:B1"])
    full = open_place(kivo, staff, supervisor_id=busy.id)
    ranked = matching.match_place(kivo, full, why_not=waiting)
    assert ranked.candidates == []
    assert ranked.why_not is not None
    assert ranked.why_not.constraint == "supervisor-full"
    untrained = open_place(kivo, staff, supervisor_id=staff.untrained_supervisor)
    with kivo.uow(read_only=True) as uow:
        hard = matching.candidates_for_place(kivo, uow, uow.places.get(untrained))
    assert hard == []
    why = matching.match_place(kivo, untrained, why_not=waiting).why_not
    assert why is not None
    assert why.constraint == "supervisor-untrained"


def test_match_case_ranks_open_places_it_could_take(kivo: Kivo, staff: Staff) -> None:
    case = profiled(
        kivo,
        staff,
        "Sara Söker",
        date(2026, 1, 12),
        interests=["kitchen"],
        languages=["swedish:B1"],
        municipality="Visby",
        max_hours=25,
    )
    kitchen = open_place(kivo, staff, areas=["kitchen"], title="Kitchen help")
    shelves = open_place(kivo, staff, areas=["retail"])
    long_hours = open_place(kivo, staff, areas=["kitchen"], hours=40, title="Chef")
    needs_licence = open_place(kivo, staff, requires=["driving-licence:B"], title="Driver")
    not_open = places.add_place(
        kivo, staff.workplace, title="Later", positions=1, steps=[2], on=date(2026, 1, 19)
    ).place_id
    found = matching.match_case(kivo, case, limit=10)
    assert [p.place_id for p in found.places] == [kitchen, long_hours, shelves]
    assert needs_licence not in [p.place_id for p in found.places]
    assert not_open not in [p.place_id for p in found.places]
    assert found.places[0].score == INTEREST_POINTS + MUNICIPALITY_POINTS + HOURS_POINTS
    assert next(r["code"] for r in found.places[0].reasons) == "rules"


def test_matching_refuses_a_closed_place_and_a_bad_limit(kivo: Kivo, staff: Staff) -> None:
    place = open_place(kivo, staff)
    places.cancel_place(kivo, place, reason="the shop closed")
    with pytest.raises(Refused, match="cancelled"):
        matching.match_place(kivo, place)
    with pytest.raises(InvalidInput, match="--limit must be from 1 to 1000"):
        matching.match_case(kivo, 1, limit=0)
    with pytest.raises(NotFound):
        matching.match_place(kivo, 999)


def test_places_recorded_before_the_matching_migration_get_their_requirements_and_last_step(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine, "0013")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO workplace (name, active) VALUES ('Kök', true)"))
            connection.execute(
                text(
                    "INSERT INTO place (workplace_id, title, positions, taken, steps, programmes, "
                    "tasks, requirements, municipality, status, status_on, created_on, version) "
                    "VALUES (1, 'Diskare', 1, 0, '[2, 7]', '[]', '[]', "
                    "'[\"swedish:A2\", \"physical:medium\"]', ' Malmö  Stad', 'open', "
                    "'2026-02-02', '2026-02-02', 1)"
                )
            )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            place = connection.execute(
                text("SELECT top_step, area_mask, municipality_key FROM place")
            ).one()
            needs = connection.execute(
                text("SELECT requirement FROM place_requirement ORDER BY requirement")
            ).scalars()
            assert tuple(place) == (7, 0, "malmö stad")
            assert list(needs) == ["physical:medium", "swedish:A2"]
    finally:
        engine.dispose()


def test_the_candidates_are_exactly_the_cases_kivo_advance_would_place_there(
    kivo: Kivo, staff: Staff
) -> None:
    """The same judge: a dry-run advance into the place's step, with its workplace,
    supervisor and programme, passes for every candidate and for no other case whose
    profile meets the requirements."""
    busy = directory.add_supervisor(
        kivo, "Två Platser", workplace_id=staff.workplace, trained_on=date(2025, 9, 1), capacity=2
    )
    assert busy.id is not None
    place = open_place(kivo, staff, steps=[2, 7], supervisor_id=busy.id)
    swedish = {"languages": ["swedish:B1"]}
    cases = {
        "enrolled": profiled(kivo, staff, "Anna Inskriven", date(2026, 1, 5), **swedish),
        "no consent": profiled(kivo, staff, "Bo Utan", date(2026, 1, 5), consent=False, **swedish),
        "information": profiled(kivo, staff, "Cia Info", date(2026, 1, 5), **swedish),
        "study-practice": profiled(kivo, staff, "Dan Studie", date(2026, 1, 5), **swedish),
        "placed": profiled(kivo, staff, "Eva Placerad", date(2026, 1, 5), **swedish),
        "paused": profiled(kivo, staff, "Finn Pausad", date(2026, 1, 5), **swedish),
        "exited": profiled(kivo, staff, "Gun Avslutad", date(2026, 1, 5), **swedish),
        "no swedish": profiled(kivo, staff, "Hans Engelska", date(2026, 1, 5), languages=[]),
    }
    moves.advance(kivo, cases["information"], Step.INFORMATION, on=date(2026, 1, 12))
    moves.advance(
        kivo,
        cases["study-practice"],
        Step.STUDY_PRACTICE,
        supervisor_id=staff.supervisor,
        programme="praktik",
        on=date(2026, 1, 12),
    )
    moves.advance(
        kivo,
        cases["placed"],
        Step.SHORT_PRACTICE,
        supervisor_id=busy.id,
        programme="praktik",
        on=date(2026, 1, 12),
    )
    moves.pause(kivo, cases["paused"], reason="illness", on=date(2026, 1, 12))
    moves.exit_case(kivo, cases["exited"], outcome=Outcome.MOVED, on=date(2026, 1, 12))

    def advance_passes(case: int) -> bool:
        for step in (Step.SHORT_PRACTICE, Step.FIXED_TERM):
            try:
                moves.advance(
                    kivo,
                    case,
                    step,
                    supervisor_id=busy.id,
                    programme="praktik",
                    until=date(2026, 5, 29),
                    dry_run=True,
                )
            except Refused:
                continue
            return True
        return False

    ranked = matching.match_place(kivo, place, limit=50)
    found = {m.case_id for m in ranked.candidates}
    meets = {case for name, case in cases.items() if name != "no swedish"}
    assert found == {case for case in meets if advance_passes(case)}
    # step 2 is behind the placed case, and PRAKTIK does not run in step 7
    assert found == {cases["enrolled"], cases["information"]}
    for name in ("no consent", "paused", "exited", "no swedish"):
        why = matching.match_place(kivo, place, why_not=cases[name]).why_not
        assert why is not None
        assert why.excluded, name
    moves.advance(
        kivo,
        cases["enrolled"],
        Step.SHORT_PRACTICE,
        supervisor_id=busy.id,
        programme="praktik",
        on=date(2026, 2, 2),
    )  # the supervisor has two participants now: full
    after = matching.match_place(kivo, place, limit=50, why_not=cases["information"])
    assert after.candidates == []
    assert after.why_not is not None
    assert after.why_not.constraint == "supervisor-full"
