"""End-to-end: fixed-term employment per employer, extension decision dates and YA's training
share, as the installed ``kivo`` command. Today is 2026-03-02.

Case 1 worked fixed-term at workplace 1 (Gotlands Bröd AB) from 2025-01-02 until it fell
back on 2025-07-01 (181 days); workplace 2 belongs to the same employer.
"""

from __future__ import annotations

import json
import shlex

import pytest

from tests.e2e.conftest import Kivo, Ran

pytestmark = pytest.mark.both_databases  # seeded through the command: runs on both

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Cecilia Samordnare' --role coordinator",
    "workplace add 'Visby bageri' --employer 'Gotlands Bröd AB'",
    "workplace add 'Slite bageri' --employer 'Gotlands Bröd AB'",
    "workplace add 'Vården Norr' --employer 'Region Gotland'",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2024-12-02",
    "advance 1 fixed-term --workplace 1 --until 2025-06-30 --on 2025-01-02",
    "fall-back 1 information --reason 'contract ended' --on 2025-07-01",
)


@pytest.fixture
def seeded(kivo_cli: Kivo) -> Kivo:
    for line in SEED:
        ran = kivo_cli(*shlex.split(line))
        assert ran.code == 0, ran.err
    return kivo_cli


def run(kivo_cli: Kivo, line: str) -> Ran:
    return kivo_cli(*shlex.split(line))


def history_length(kivo_cli: Kivo) -> int:
    ran = run(kivo_cli, "history 1 --json")
    assert ran.code == 0, ran.err
    return len(json.loads(ran.out))


def test_advancing_into_fixed_term_with_the_same_employer_warns_of_the_preferential_right(
    seeded: Kivo,
) -> None:
    ran = run(seeded, "advance 1 fixed-term --workplace 2 --until 2026-01-31 --on 2025-09-01")

    assert ran.code == 0, ran.err
    assert "[preferential-right]" in ran.out
    assert "SÄVA within 3 years adds up to 334 days" in ran.out
    assert "[las-permanent]" not in ran.out


def test_a_vikariat_is_recorded_as_such_and_not_counted_as_sava(seeded: Kivo) -> None:
    """181 days of SÄVA and 153 of vikariat: not more than 12 months in 3 years, and the
    vikariat is not SÄVA time (a SÄVA stay of the same dates warns, see above)."""
    ran = run(
        seeded,
        "advance 1 fixed-term --workplace 2 --until 2026-01-31 --on 2025-09-01 "
        "--employment-kind Vikariat --json",
    )

    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["warnings"] == []
    kinds = [p["employment_kind"] for p in json.loads(run(seeded, "placement list --json").out)]
    assert kinds == ["sava", "vikariat"]


def test_an_unknown_employment_kind_is_bad_input_naming_the_kinds(seeded: Kivo) -> None:
    before = history_length(seeded)

    ran = run(seeded, "advance 1 fixed-term --workplace 2 --until 2026-01-31 --employment-kind ava")

    assert ran.code == 2
    assert "unknown employment kind 'ava': choose one of SÄVA, vikariat, säsong" in ran.err
    assert "Traceback" not in ran.err
    assert history_length(seeded) == before


def test_another_employer_starts_its_own_count(seeded: Kivo) -> None:
    ran = run(seeded, "advance 1 fixed-term --workplace 3 --until 2026-01-31 --on 2025-09-01")

    assert ran.code == 0, ran.err
    assert "preferential-right" not in ran.out


def test_a_wage_subsidy_of_its_default_12_months_is_not_flagged_as_permanent(
    kivo_cli: Kivo,
) -> None:
    """A LONESTOD placement opened without --until on 2026-03-02 runs 12 calendar months,
    to 2027-03-01: more than 9 (preferential right), never more than 12."""
    for line in SEED[:5]:
        assert run(kivo_cli, line).code == 0
    assert (
        run(kivo_cli, "participant add 'Bo Ek' --caseworker 1 --consent --on 2026-02-02").code == 0
    )

    ran = run(kivo_cli, "advance 1 fixed-term --workplace 3 --programme lönestöd --json")

    assert ran.code == 0, ran.err
    codes = {w["code"] for w in json.loads(ran.out)["warnings"]}
    assert "las-permanent" not in codes
    assert "preferential-right" in codes
    (placement,) = json.loads(run(kivo_cli, "placement list --json").out)
    assert (placement["programme"], placement["planned_end"]) == ("LONESTOD", "2027-03-01")


def test_an_extension_past_12_months_with_the_employer_is_flagged_as_permanent(
    seeded: Kivo,
) -> None:
    run(seeded, "advance 1 fixed-term --workplace 2 --until 2026-01-31 --on 2025-09-01")

    ran = run(seeded, "placement extend 1 --until 2026-04-30 --on 2026-01-20 --json")

    assert ran.code == 0, ran.err
    codes = {w["code"] for w in json.loads(ran.out)["warnings"]}
    assert codes == {"preferential-right", "las-permanent"}


def test_a_decision_before_the_start_is_bad_input_and_one_after_the_end_needs_an_override(
    seeded: Kivo,
) -> None:
    run(seeded, "advance 1 fixed-term --workplace 3 --until 2026-02-28 --on 2026-01-05")
    before = history_length(seeded)

    early = run(seeded, "placement extend 1 --until 2026-05-31 --on 2026-01-04")
    assert early.code == 2
    assert "before the placement started (2026-01-05)" in early.err
    late = run(seeded, "placement extend 1 --until 2026-05-31 --on 2026-03-01")
    assert late.code == 3
    assert "[extension-after-end]" in late.err
    assert history_length(seeded) == before

    done = run(
        seeded,
        "placement extend 1 --until 2026-05-31 --on 2026-03-01 --by 2 "
        "--override 'decided in time, recorded late' --json",
    )
    assert done.code == 0, done.err
    assert json.loads(done.out)["overridden"] == ["extension-after-end"]
    assert history_length(seeded) == before + 1


def test_ya_takes_its_training_share_on_advance(seeded: Kivo) -> None:
    for line in (
        "supervisor add 'Sven Berg' --workplace 1 --trained-on 2022-09-15",
        "participant add 'Omar Ali' --birth-year 2005 --caseworker 1 --consent --on 2023-01-12",
    ):
        assert run(seeded, line).code == 0
    # A YA decision of 2023: no YA decisions are made from 2024-01-01.
    advance = "advance 2 vocational-intro --supervisor 1 --programme YA --on 2023-02-02"

    wrong = run(seeded, f"{advance} --training-share 101")
    assert wrong.code == 2
    assert "percentage from 0 to 100" in wrong.err
    low = run(seeded, f"{advance} --training-share 10")
    assert low.code == 3
    assert "[training-share-too-low]" in low.err
    done = run(seeded, f"{advance} --training-share 20 --json")
    assert done.code == 0, done.err
    (event,) = [
        e for e in json.loads(run(seeded, "history 2 --json").out) if e["kind"] == "advanced"
    ]
    assert event["data"]["training_share"] == 20


def test_sheltered_public_employment_with_the_same_employer_is_not_counted_by_las(
    seeded: Kivo,
) -> None:
    """The same stay as the preferential-right test above, as OSA: LAS 1 § leaves it out."""
    ran = run(
        seeded,
        "advance 1 fixed-term --workplace 2 --programme OSA --until 2026-01-31 --on 2025-09-01",
    )
    extended = run(seeded, "placement extend 1 --until 2026-03-01 --on 2026-01-15 --json")

    assert ran.code == 0, ran.err
    assert "[preferential-right]" not in ran.out
    assert json.loads(extended.out)["warnings"] == []
