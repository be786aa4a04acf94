"""The reports against numbers worked out by hand, on a small fixed caseload built through
the real use cases, on SQLite and PostgreSQL.

Today is 2026-12-31. The caseload (caseworker "Hanna", all with consent):

- A, woman born 1998, long-term unemployed, personnummer: enrolled 2026-01-05; step 1 on
  01-10; short practice (PRAKTIK) 02-01; fixed-term 03-01 (the first day of March);
  permanent 03-31 (the last day of March); exits employed 04-01.
- B, man born 1960: enrolled 01-05; short practice (PRAKTIK) 01-20; falls back to step 1
  03-15; exits job-seeking 03-31.
- C, non-binary born 2009: enrolled 02-01; step 1 02-01; paused 03-10.
- D, woman, no birth year, newly arrived: enrolled 03-01; short practice (PRAKTIK)
  05-01 until 07-31, extended on 07-01 to 09-30.
- E, woman born 1990: enrolled 01-05; exits declined 02-28.
- F, man born 1985: enrolled 2025-01-10; short practice (PRAKTIK) 2026-02-15.
- G, woman born 1995: enrolled 01-05; step 1 01-06; study-prep (4) 02-01; falls back to
  step 1 04-15; study-prep again 06-01.

Targets: PRAKTIK 5 and NYSTART 2 for 2026.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from pathway import directory, enrolment, followups, moves, placements, reports, targets
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.importing import import_participants
from states.case import Outcome
from states.errors import InvalidInput, NotFound
from states.import_rows import REQUIRED_COLUMNS
from states.reports import Flow, OutcomeCount, StepTimes, Target, TargetResult
from states.steps import Step
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.integration.support import Staff, add_staff, fresh_personnummer, personnummer

NOW = "2026-12-31T12:00"
MARCH_1, MARCH_31 = date(2026, 3, 1), date(2026, 3, 31)


@dataclass(frozen=True)
class Caseload:
    kivo: Kivo
    staff: Staff
    cases: dict[str, int]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def caseload(request: pytest.FixtureRequest) -> Iterator[Caseload]:
    fixture = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue(fixture)
    with databases.fresh() as url:
        kivo = bootstrap(url, now=NOW)
        try:
            staff = add_staff(kivo)
            yield Caseload(kivo, staff, build(kivo, staff))
        finally:
            kivo.close()


def build(kivo: Kivo, staff: Staff) -> dict[str, int]:
    supervisor = directory.add_supervisor(
        kivo,
        "Siv Handledare",
        workplace_id=staff.workplace,
        trained_on=date(2025, 9, 1),
        capacity=10,
    ).id
    assert supervisor is not None

    def enrol(
        name: str,
        on: date,
        *,
        gender: str,
        birth_year: int | None = None,
        personnummer: str | None = None,
        groups: tuple[str, ...] = (),
    ) -> int:
        return enrolment.enrol(
            kivo,
            name,
            personnummer=personnummer,
            gender=gender,
            birth_year=birth_year,
            groups=groups,
            caseworker_id=staff.caseworker,
            consent=True,
            on=on,
        ).case_id

    def practice(case: int, on: date, until: date | None = None) -> None:
        moves.advance(
            kivo,
            case,
            Step.SHORT_PRACTICE,
            on=on,
            supervisor_id=supervisor,
            programme="PRAKTIK",
            until=until,
        )

    a = enrol(
        "A",
        date(2026, 1, 5),
        gender="woman",
        personnummer=fresh_personnummer("19980412"),
        groups=("long-term-unemployed",),
    )
    moves.advance(kivo, a, Step.INFORMATION, on=date(2026, 1, 10))
    practice(a, date(2026, 2, 1), date(2026, 4, 30))
    moves.advance(
        kivo,
        a,
        Step.FIXED_TERM,
        on=date(2026, 3, 1),
        workplace_id=staff.workplace,
        until=date(2026, 8, 31),
    )
    moves.advance(kivo, a, Step.PERMANENT, on=date(2026, 3, 31), workplace_id=staff.workplace)
    moves.exit_case(kivo, a, outcome=Outcome.EMPLOYED, on=date(2026, 4, 1))

    b = enrol("B", date(2026, 1, 5), gender="man", birth_year=1960)
    practice(b, date(2026, 1, 20))
    moves.fall_back(kivo, b, Step.INFORMATION, on=date(2026, 3, 15), reason="the practice ended")
    moves.exit_case(kivo, b, outcome=Outcome.JOB_SEEKING, on=date(2026, 3, 31))

    c = enrol("C", date(2026, 2, 1), gender="non-binary", birth_year=2009)
    moves.advance(kivo, c, Step.INFORMATION, on=date(2026, 2, 1))
    moves.pause(kivo, c, reason="illness", on=date(2026, 3, 10))

    d = enrol("D", date(2026, 3, 1), gender="woman", groups=("newly-arrived",))
    practice(d, date(2026, 5, 1), date(2026, 7, 31))
    placements.extend(kivo, d, until=date(2026, 9, 30), on=date(2026, 7, 1), reason="more")

    e = enrol("E", date(2026, 1, 5), gender="woman", birth_year=1990)
    moves.exit_case(kivo, e, outcome=Outcome.DECLINED, on=date(2026, 2, 28))

    f = enrol("F", date(2025, 1, 10), gender="man", birth_year=1985)
    practice(f, date(2026, 2, 15))

    g = enrol("G", date(2026, 1, 5), gender="woman", birth_year=1995)
    moves.advance(kivo, g, Step.INFORMATION, on=date(2026, 1, 6))
    moves.advance(kivo, g, Step.STUDY_PREP, on=date(2026, 2, 1))
    moves.fall_back(kivo, g, Step.INFORMATION, on=date(2026, 4, 15), reason="course too hard")
    moves.advance(kivo, g, Step.STUDY_PREP, on=date(2026, 6, 1))

    targets.set_target(kivo, "praktik", 2026, 5, by=staff.coordinator)
    targets.set_target(kivo, "NYSTART", 2026, 2, by=staff.coordinator)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g}


def states(**counts: int) -> dict[str, int]:
    every = dict.fromkeys(["enrolled", *map(str, range(1, 10)), "paused", "exited"], 0)
    return {**every, **{key.removeprefix("s"): value for key, value in counts.items()}}


# -- funnel -------------------------------------------------------------------------


def test_the_funnel_on_the_last_day_of_march_counts_moves_made_on_that_day(
    caseload: Caseload,
) -> None:
    found = reports.funnel(caseload.kivo, on=date(2026, 3, 31), start=MARCH_1, end=MARCH_31)
    # A reached 9 on 03-31, B exited on 03-31, D was enrolled on 03-01.
    assert found.states == states(s2=1, s4=1, s9=1, paused=1, exited=2, enrolled=1)


def test_the_funnel_on_a_past_day_is_replayed_from_the_history(caseload: Caseload) -> None:
    found = reports.funnel(caseload.kivo, on=date(2026, 2, 28))
    # C in 1; A, B, F in short practice; G in study-prep; E exited that day; D not yet.
    assert found.states == states(s1=1, s2=3, s4=1, exited=1)
    assert reports.funnel(caseload.kivo, on=date(2026, 3, 30)).states == states(
        s1=1, s2=1, s4=1, s7=1, paused=1, exited=1, enrolled=1
    )


def test_the_funnel_flows_of_march_include_moves_on_both_boundary_days(
    caseload: Caseload,
) -> None:
    found = reports.funnel(caseload.kivo, start=MARCH_1, end=MARCH_31)
    assert found.on == date(2026, 3, 31)
    assert found.flows == [
        Flow("1", "exited", "exited", 1),
        Flow("2", "1", "fell_back", 1),
        Flow("2", "7", "advanced", 1),
        Flow("7", "9", "advanced", 1),
    ]


def test_the_funnel_at_the_end_of_the_year(caseload: Caseload) -> None:
    found = reports.funnel(caseload.kivo, year=2026)
    assert found.on == date(2026, 12, 31)
    assert found.states == states(s2=2, s4=1, paused=1, exited=3)
    assert sum(f.count for f in found.flows if f.kind == "exited") == 3


# -- outcomes -----------------------------------------------------------------------


def test_outcomes_of_march_hold_the_exit_on_the_last_day_but_not_the_day_before(
    caseload: Caseload,
) -> None:
    found = reports.outcomes(caseload.kivo, start=MARCH_1, end=MARCH_31)
    assert found.total == 1
    assert found.rows == [OutcomeCount("man", "job-seeking", 1, 1.0)]


def test_outcomes_of_the_year_by_gender_have_shares_within_each_gender(
    caseload: Caseload,
) -> None:
    found = reports.outcomes(caseload.kivo, year=2026)
    assert found.total == 3
    assert found.rows == [
        OutcomeCount("man", "job-seeking", 1, 1.0),
        OutcomeCount("woman", "declined", 1, 0.5),
        OutcomeCount("woman", "employed", 1, 0.5),
    ]


def test_outcomes_by_group_put_people_without_groups_under_none(caseload: Caseload) -> None:
    found = reports.outcomes(caseload.kivo, year=2026, by="group")
    assert found.rows == [
        OutcomeCount("(none)", "declined", 1, 0.5),
        OutcomeCount("(none)", "job-seeking", 1, 0.5),
        OutcomeCount("long-term-unemployed", "employed", 1, 1.0),
    ]


def test_outcomes_by_caseworker_name_the_caseworker(caseload: Caseload) -> None:
    found = reports.outcomes(caseload.kivo, year=2026, by="caseworker")
    assert {r.breakdown for r in found.rows} == {f"Hanna Handläggare ({caseload.staff.caseworker})"}
    assert {r.caseworker_id for r in found.rows} == {caseload.staff.caseworker}
    assert sum(r.count for r in found.rows) == 3


# -- fallbacks ----------------------------------------------------------------------


def test_fallbacks_of_the_year_per_step(caseload: Caseload) -> None:
    found = reports.fallbacks(caseload.kivo, year=2026)
    assert found.moves == [Flow("2", "1", "fell_back", 1), Flow("4", "1", "fell_back", 1)]
    by_step = {s.step: (s.fell_back, s.left, s.fell_back_within, s.share) for s in found.steps}
    assert by_step == {
        1: (0, 2, 1, 0.5),  # A and G left 1; G fell back 73 days after leaving
        2: (1, 2, 1, 0.5),  # A advanced, B fell back
        4: (1, 1, 1, 1.0),  # G fell back from 4
        7: (0, 1, 0, 0.0),  # A advanced to 9
    }


def test_a_shorter_window_leaves_out_the_fall_back_73_days_after_leaving(
    caseload: Caseload,
) -> None:
    found = reports.fallbacks(caseload.kivo, year=2026, window_days=72)
    assert {s.step: s.fell_back_within for s in found.steps}[1] == 0
    found = reports.fallbacks(caseload.kivo, year=2026, window_days=73)
    assert {s.step: s.fell_back_within for s in found.steps}[1] == 1


# -- time in step -------------------------------------------------------------------


def test_time_in_step_reports_closed_and_open_stays_apart(caseload: Caseload) -> None:
    found = reports.time_in_step(caseload.kivo, year=2026)
    assert found.steps == [
        # closed: B 16, A 22, G 26, G 47; open: C since 02-01 (paused stays in the step)
        StepTimes(1, 4, 22, 47, 1, 333, 333),
        # closed: A 28, B 54; open: D 244, F 319
        StepTimes(2, 2, 28, 54, 2, 244, 319),
        StepTimes(4, 1, 73, 73, 1, 213, 213),
        StepTimes(7, 1, 30, 30, 0, None, None),
        StepTimes(9, 1, 1, 1, 0, None, None),
    ]


def test_time_in_step_in_march_counts_open_stays_up_to_its_last_day(
    caseload: Caseload,
) -> None:
    found = {
        s.step: s for s in reports.time_in_step(caseload.kivo, start=MARCH_1, end=MARCH_31).steps
    }
    # Closed in March: A's 2 (28 days, ended 03-01), B's 2 (54), A's 7 (30, ended 03-31).
    assert (found[2].closed, found[2].closed_median, found[2].closed_p90) == (2, 28, 54)
    assert (found[7].closed, found[7].open) == (1, 0)
    # Open at the end of 03-31: C in 1 since 02-01 (58 days); A entered 9 that very day.
    # B's stay in 1 (03-15 to the exit on 03-31) is closed.
    assert (found[1].closed, found[1].closed_median) == (1, 16)
    assert (found[1].open, found[1].open_median) == (1, 58)
    assert (found[9].open, found[9].open_median) == (1, 0)


# -- lead time ----------------------------------------------------------------------


def test_lead_time_of_the_year(caseload: Caseload) -> None:
    found = reports.lead_time(caseload.kivo, year=2026)
    # B 15, A 27, D 61, F 401 days: the median is the 2nd, p90 the 4th (nearest rank).
    assert (found.cases, found.median, found.p90) == (4, 27, 401)
    assert (found.over_6_months, found.over_12_months) == (1, 1)
    # Still waiting on 12-31: C since 02-01 (333 days) and G since 01-05 (360 days).
    assert (found.waiting, found.waiting_over_6_months, found.waiting_over_12_months) == (2, 2, 0)


def test_lead_time_counts_only_first_placements_started_in_the_period(
    caseload: Caseload,
) -> None:
    found = reports.lead_time(
        caseload.kivo, start=MARCH_1, end=MARCH_31
    )  # A's fixed-term is not her first
    assert (found.cases, found.median, found.p90) == (0, None, None)
    # Waiting on 03-31: C, D (placed only in May) and G; B exited that day, A was placed.
    assert (found.waiting, found.waiting_over_6_months) == (3, 0)
    found = reports.lead_time(caseload.kivo, start=date(2026, 1, 20), end=date(2026, 2, 1))
    assert (found.cases, found.median, found.p90) == (2, 15, 27)


def test_lead_time_by_gender_group_and_caseworker(caseload: Caseload) -> None:
    found = reports.lead_time(caseload.kivo, year=2026, by="gender")
    assert (found.by, found.cases, found.waiting) == ("gender", 4, 2)  # the totals stay
    # Men: B 15 and F 401; women: A 27 and D 61, G waiting 360 days; C (non-binary)
    # waiting 333 days.
    assert [(r.breakdown, r.cases, r.median, r.p90, r.over_6_months) for r in found.rows] == [
        ("man", 2, 15, 401, 1),
        ("non-binary", 0, None, None, 0),
        ("woman", 2, 27, 61, 0),
    ]
    assert [(r.waiting, r.waiting_over_6_months) for r in found.rows] == [(0, 0), (1, 1), (1, 1)]
    found = reports.lead_time(caseload.kivo, year=2026, by="group")
    assert [(r.breakdown, r.cases, r.median, r.p90, r.waiting) for r in found.rows] == [
        ("(none)", 2, 15, 401, 2),
        ("long-term-unemployed", 1, 27, 27, 0),
        ("newly-arrived", 1, 61, 61, 0),
    ]
    found = reports.lead_time(caseload.kivo, year=2026, by="caseworker")
    (row,) = found.rows
    assert (row.caseworker_id, row.cases, row.median, row.waiting) == (
        caseload.staff.caseworker,
        4,
        27,
        2,
    )
    assert row.breakdown == f"Hanna Handläggare ({caseload.staff.caseworker})"
    assert reports.lead_time(caseload.kivo, year=2026).rows == []


def test_lead_time_by_an_unknown_breakdown_is_invalid(caseload: Caseload) -> None:
    with pytest.raises(InvalidInput, match="unknown breakdown 'age'"):
        reports.lead_time(caseload.kivo, year=2026, by="age")


def test_imported_cases_in_or_past_a_workplace_step_are_not_waiting_but_placement_unknown(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo(now=NOW)
    staff = add_staff(kivo)
    rows = [[*REQUIRED_COLUMNS, "step_on"]]
    # (step, step_on): enrolled all on 2026-01-05, consent the same day.
    for serial, (step, step_on) in enumerate(
        [("", ""), ("1", "2026-02-01"), ("2", "2026-02-01"), ("5", "2026-03-01"),
         ("9", "2026-06-01"), ("4", "2026-06-01")],
        start=100,
    ):  # fmt: skip
        pnr = personnummer("19900101", str(serial))
        rows.append(["I", pnr, "woman", "", "", "", "2026-01-05", step, "2026-01-05", step_on])
    assert import_participants(kivo, rows).imported == 6
    hand = enrolment.enrol(kivo, "H", gender="man", consent=True, on=date(2025, 6, 1)).case_id
    # By 2026-03-31: the cases imported into steps 2 and 5 had their placement before
    # kivo; those not yet in a step or in step 1, those whose import puts them in steps 9
    # and 4 only in June, and H (enrolled by hand 303 days before) are waiting.
    found = reports.lead_time(kivo, start=date(2026, 1, 1), end=MARCH_31)
    assert (found.cases, found.placement_unknown) == (0, 2)
    assert (found.waiting, found.waiting_over_6_months, found.waiting_over_12_months) == (5, 1, 0)
    # By 2026-12-31 the steps 9 and 4 are reached too; H is placed in the year, and a
    # placement recorded in kivo for an imported case counts as placed, not unknown.
    moves.advance(kivo, hand, Step.INFORMATION, on=date(2026, 4, 1))
    moves.advance(
        kivo, hand, Step.SHORT_PRACTICE, on=date(2026, 4, 2), supervisor_id=staff.supervisor
    )
    found = reports.lead_time(kivo, year=2026)
    assert (found.cases, found.median) == (1, 305)
    assert (found.waiting, found.waiting_over_6_months, found.placement_unknown) == (2, 2, 4)


# -- targets ------------------------------------------------------------------------


def test_targets_set_started_and_extended_per_programme(caseload: Caseload) -> None:
    assert reports.targets(caseload.kivo, year=2026) == [
        TargetResult("NYSTART", 2026, 2, 0, 0),
        TargetResult("PRAKTIK", 2026, 5, 4, 1),
    ]
    assert reports.targets(caseload.kivo, year=2025) == []


def test_a_target_set_again_replaces_the_old_one(caseload: Caseload) -> None:
    targets.set_target(caseload.kivo, "PIS", 2027, 3, by=caseload.staff.coordinator)
    targets.set_target(caseload.kivo, "pis", 2027, 4, by=caseload.staff.coordinator)
    assert [t for t in targets.list_targets(caseload.kivo) if t.year == 2027] == [
        Target("PIS", 2027, 4)
    ]


@pytest.mark.parametrize(
    ("programme", "year", "count"), [("NOPE", 2026, 3), ("PIS", 2026, -1), ("PIS", 12, 3)]
)
def test_a_bad_target_is_refused_and_writes_nothing(
    caseload: Caseload, programme: str, year: int, count: int
) -> None:
    before = targets.list_targets(caseload.kivo)
    with pytest.raises(InvalidInput):
        targets.set_target(caseload.kivo, programme, year, count, by=caseload.staff.coordinator)
    assert targets.list_targets(caseload.kivo) == before


@pytest.mark.parametrize(
    ("programme", "year", "validity"),
    [
        ("YA", 2024, "decisions from 2014-01-15 until 2024-01-01"),
        ("MBJ", 2019, "decisions from 2017-01-01 until 2019-01-01"),
        ("NYSTART", 2017, "decisions from 2018-05-01 until further notice"),
    ],
)
def test_a_target_for_a_programme_closed_the_whole_year_is_refused_and_writes_nothing(
    caseload: Caseload, programme: str, year: int, validity: str
) -> None:
    before = targets.list_targets(caseload.kivo)
    with pytest.raises(InvalidInput) as refused:
        targets.set_target(caseload.kivo, programme, year, 3, by=caseload.staff.coordinator)
    assert refused.value.message == (
        f"programme {programme} takes no decisions in {year} ({validity}): "
        "a target for it could never be met"
    )
    assert targets.list_targets(caseload.kivo) == before


def test_a_target_for_a_year_the_programme_was_open_on_some_day_is_set(
    caseload: Caseload,
) -> None:
    """YA took decisions until 2023-12-31, MBJ until 2018-12-31: their last years count."""
    assert targets.set_target(
        caseload.kivo, "YA", 2023, 2, by=caseload.staff.coordinator
    ) == Target("YA", 2023, 2)
    assert targets.set_target(
        caseload.kivo, "MBJ", 2018, 1, by=caseload.staff.coordinator
    ) == Target("MBJ", 2018, 1)


# -- overdue ------------------------------------------------------------------------


def test_overdue_counts_pending_items_due_before_the_day(caseload: Caseload) -> None:
    from pathway.followups import list_followups

    day = date(2026, 6, 1)
    found = reports.overdue(caseload.kivo, on=day)
    (line,) = found.caseworkers
    pending = list_followups(caseload.kivo, status="pending")
    due = [item for item in pending if item.due < day]
    assert line.caseworker_id == caseload.staff.caseworker
    assert line.followups == sum(1 for i in due if i.kind == "follow-up")
    assert line.meetings == sum(1 for i in due if i.kind == "meeting")
    assert line.decisions == sum(1 for i in due if i.kind == "decision")
    assert line.oldest_due == min(i.due for i in due)
    assert line.followups + line.meetings + line.decisions > 0


def test_nothing_is_overdue_on_the_day_the_first_item_falls_due(caseload: Caseload) -> None:
    from pathway.followups import list_followups

    first = min(i.due for i in list_followups(caseload.kivo, status="pending"))
    assert reports.overdue(caseload.kivo, on=first).caseworkers == []
    after = date.fromordinal(first.toordinal() + 1)
    assert len(reports.overdue(caseload.kivo, on=after).caseworkers) == 1
    coordinator = caseload.staff.coordinator
    assert reports.overdue(caseload.kivo, on=after, caseworker_id=coordinator).caseworkers == []


# -- ESF ----------------------------------------------------------------------------


def test_esf_rows_cover_the_cases_open_in_the_period(caseload: Caseload) -> None:
    found = reports.esf(caseload.kivo, start=MARCH_1, end=MARCH_31)
    names = {case: name for name, case in caseload.cases.items()}
    rows = {names[r.case_id]: r for r in found.rows}
    assert set(rows) == {"A", "B", "C", "D", "F", "G"}  # E exited on 02-28
    a = rows["A"]
    assert (a.gender, a.age_band, a.entry_status, a.education) == (
        "woman",
        "18-29",
        "long-term unemployed",
        None,
    )
    assert (a.entry, a.exit, a.outcome) == (date(2026, 1, 5), date(2026, 4, 1), "employed")
    assert (a.after_4_weeks, a.after_6_months, a.upon_leaving) == ("pending", "pending", "employed")
    assert a.personnummer is not None
    assert a.personnummer.endswith("-****")
    assert (rows["B"].age_band, rows["C"].age_band, rows["D"].age_band) == ("55+", "<18", None)
    assert rows["C"].gender == "non-binary"
    assert rows["B"].after_4_weeks is None  # exited job-seeking: no follow-up after employment
    # ... but every leaver is followed up six months after leaving
    assert (rows["B"].upon_leaving, rows["B"].after_6_months) == ("job-searching", "pending")
    assert (rows["C"].upon_leaving, rows["C"].after_6_months) == (None, None)  # still open


def test_esf_shows_what_a_follow_up_found_when_recorded_else_its_status(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo(now=NOW)  # its own database: the shared caseload stays as it is
    cases = build(kivo, add_staff(kivo))
    items = {
        item.name: item.id
        for item in followups.list_followups(kivo, case_id=cases["A"], status="all")
    }
    followups.mark_done(kivo, items["after-employment-4w"], finding="employed")
    followups.mark_done(kivo, items["after-exit-6m"])  # done, nothing recorded found

    found = reports.esf(kivo, start=MARCH_1, end=MARCH_31)

    (a,) = [r for r in found.rows if r.case_id == cases["A"]]
    assert (a.after_4_weeks, a.after_6_months) == ("employed", "done")


def test_esf_counts_the_age_at_entry_from_the_date_of_birth_and_every_leaver_six_months_on(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo(now=NOW)
    staff = add_staff(kivo)
    entry = date(2026, 1, 10)

    def enrol(name: str, number: str | None, gender: str, birth_year: int | None = None) -> int:
        return enrolment.enrol(
            kivo,
            name,
            personnummer=number,
            gender=gender,
            birth_year=birth_year,
            caseworker_id=staff.caseworker,
            on=entry,
        ).case_id

    born_late_1996 = enrol("P", fresh_personnummer("19961128"), "woman")
    coordination = enrol("S", fresh_personnummer("19961188"), "man")  # samordningsnummer
    year_only = enrol("Y", None, "non-binary", birth_year=1996)
    moves.exit_case(kivo, born_late_1996, outcome=Outcome.SELF_EMPLOYED, on=date(2026, 3, 2))
    moves.exit_case(kivo, coordination, outcome=Outcome.MOVED, on=date(2026, 3, 2))
    items = {
        (item.case_id, item.name): item
        for item in followups.list_followups(kivo, status="all")
        if item.name == "after-exit-6m"
    }
    assert {case for case, _ in items} == {born_late_1996, coordination}
    assert {item.due for item in items.values()} == {date(2026, 8, 31)}  # exit + 182 days
    followups.mark_done(kivo, items[born_late_1996, "after-exit-6m"].id, finding="self-employed")

    rows = {r.case_id: r for r in reports.esf(kivo, year=2026).rows}
    assert [rows[c].age_band for c in (born_late_1996, coordination, year_only)] == [
        "18-29",  # 29 on 2026-01-10, though 30 in 2026
        "18-29",
        None,  # 29 or 30: unknown without the date of birth
    ]
    assert [rows[c].upon_leaving for c in (born_late_1996, coordination, year_only)] == [
        "employed",
        None,
        None,
    ]
    summary = reports.esf_indicators(kivo, year=2026)
    lines = {i.indicator: (i.woman, i.man, i.non_binary, i.total) for i in summary.indicators}
    assert lines["participants"] == (1, 1, 1, 3)
    assert lines["aged 18-29"] == (1, 1, 0, 2)
    assert lines["in employment, including self-employment, upon leaving"] == (1, 0, 0, 1)
    assert lines["in employment, including self-employment, six months after leaving"] == (
        1,
        0,
        0,
        1,
    )


def test_esf_rows_carry_the_characteristics_recorded_masked_unless_asked_and_counts_them(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo(now=NOW)
    staff = add_staff(kivo)
    stated = {"minority": True, "homeless": False, "rural": True}
    for name, gender, groups, characteristics in (
        ("K", "woman", ["third-country-national"], stated),
        ("L", "man", [], {"rural": True}),
        ("M", "non-binary", [], {}),
    ):
        enrolment.enrol(
            kivo,
            name,
            gender=gender,
            groups=groups,
            characteristics=characteristics,
            caseworker_id=staff.caseworker,
            on=date(2026, 1, 12),
        )

    masked = [r.characteristics for r in reports.esf(kivo, year=2026).rows]
    shown = [r.characteristics for r in reports.esf(kivo, year=2026, show_personal=True).rows]

    k = {"third-country-national": "yes", "minority": "yes", "homeless": "no", "rural": "yes"}
    assert shown == [k, {"rural": "yes"}, {}]
    assert masked == [dict.fromkeys(k, "****"), {"rural": "****"}, {}]
    lines = {
        i.indicator: (i.woman, i.man, i.non_binary, i.total)
        for i in reports.esf_indicators(kivo, year=2026).indicators
    }
    assert lines["from rural areas"] == (1, 1, 0, 2)
    assert lines["third-country nationals"] == (1, 0, 0, 1)
    assert lines["homeless or affected by housing exclusion"] == (0, 0, 0, 0)
    assert lines["with disabilities"] == (0, 0, 0, 0)


def test_esf_counts_a_qualification_gained_upon_leaving_only_where_the_exit_recorded_one(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo(now=NOW)
    staff = add_staff(kivo)
    cases = [
        enrolment.enrol(
            kivo, name, gender=gender, caseworker_id=staff.caseworker, on=date(2026, 1, 12)
        ).case_id
        for name, gender in (("Q", "woman"), ("R", "man"), ("T", "man"))
    ]
    moves.exit_case(kivo, cases[0], outcome=Outcome.STUDIES, qualification=True, on=MARCH_1)
    moves.exit_case(kivo, cases[1], outcome=Outcome.EMPLOYED, on=MARCH_1)

    rows = reports.esf(kivo, year=2026).rows

    assert [r.qualification for r in rows] == [True, False, False]
    (line,) = [
        i
        for i in reports.esf_indicators(kivo, year=2026).indicators
        if i.indicator == "gaining a qualification upon leaving"
    ]
    assert (line.woman, line.man, line.non_binary, line.total) == (1, 0, 0, 1)


def test_esf_shows_the_personnummer_only_when_asked(caseload: Caseload) -> None:
    found = reports.esf(caseload.kivo, start=MARCH_1, end=MARCH_31, show_personal=True)
    (shown,) = [r.personnummer for r in found.rows if r.personnummer]
    assert shown.startswith("19980412-")
    assert "*" not in shown


# -- shared -------------------------------------------------------------------------


def test_a_period_that_ends_before_it_starts_is_invalid(caseload: Caseload) -> None:
    with pytest.raises(InvalidInput, match="--from must be on or before --to"):
        reports.funnel(caseload.kivo, start=date(2026, 4, 1), end=date(2026, 3, 1))


def test_an_unknown_caseworker_is_not_found(caseload: Caseload) -> None:
    with pytest.raises(NotFound):
        reports.outcomes(caseload.kivo, caseworker_id=999)


def test_the_caseworker_filter_keeps_only_that_caseworkers_cases(caseload: Caseload) -> None:
    found = reports.funnel(caseload.kivo, caseworker_id=caseload.staff.coordinator)
    assert sum(found.states.values()) == 0
    mine = reports.funnel(caseload.kivo, caseworker_id=caseload.staff.caseworker)
    assert sum(mine.states.values()) == 7
