"""End-to-end: the programme and placement commands as the installed ``kivo`` command.

Case 1 is in short practice under PRAKTIK from 2026-01-19 to 2026-03-31 at workplace 1;
today is 2026-03-02. For the refusals of ``kivo advance`` into a workplace step, case 2
(opened 2026-01-12) and case 3 (opened 2018-01-12, historical data) wait enrolled, and
caseworker 2 is a coordinator.
"""

from __future__ import annotations

import json
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Kivo, Ran, table_rows

pytestmark = pytest.mark.both_databases  # seeded through the command: runs on both

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --programme praktik --until 2026-03-31 "
    "--on 2026-01-19",
)


@pytest.fixture
def seeded(kivo_cli: Kivo) -> Kivo:
    for line in SEED:
        ran = kivo_cli(*shlex.split(line))
        assert ran.code == 0, ran.err
    return kivo_cli


ADVANCE_SEED = (
    "caseworker add 'Karin Ek' --role coordinator",
    "participant add 'Bo Ek' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Cia Berg' --caseworker 1 --consent --on 2018-01-12",
)


@pytest.fixture
def waiting(seeded: Kivo) -> Kivo:
    for line in ADVANCE_SEED:
        ran = seeded(*shlex.split(line))
        assert ran.code == 0, ran.err
    return seeded


def document(ran: Ran) -> Any:
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


def history_length(kivo_cli: Kivo) -> int:
    return len(document(kivo_cli("history", "1", "--json")))


def test_programme_list_shows_the_catalogue_with_sources_and_validity(kivo_cli: Kivo) -> None:
    found = document(kivo_cli("programme", "list", "--json"))
    mbj = next(p for p in found if p["code"] == "MBJ")
    assert mbj["valid_until"] == "2019-01-01"
    ya = next(p for p in found if p["code"] == "YA")
    assert (ya["valid_from"], ya["valid_until"]) == ("2014-01-15", "2024-01-01")
    assert ya["source"].startswith("Förordning (2013:1157)")
    assert [p["code"] for p in found if p["las_exempt"]] == ["OSA"]
    shown = kivo_cli("programme", "list")
    assert "SAVA" in shown.out
    assert "NYSTART: Förordning (2018:43) om stöd för nystartsjobb" in shown.out


def shipped_catalogue() -> str:
    return resources.files("states").joinpath("programmes.toml").read_text(encoding="utf-8")


def test_programme_check_passes_the_shipped_catalogue_and_names_every_problem(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    (tmp_path / "ours.toml").write_text(shipped_catalogue(), encoding="utf-8")
    checked = kivo_cli("programme", "check", "ours.toml")
    assert checked.code == 0, checked.err
    assert "ours.toml: valid (11 programmes)" in checked.out
    assert checked.err == ""
    verdict = document(kivo_cli("programme", "check", "ours.toml", "--json"))
    assert verdict == {"valid": True, "source": "ours.toml", "programmes": 11}
    bad = shipped_catalogue().replace('source = "Förordning (2018:43)', 'sorce = "F', 1)
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    refused = kivo_cli("programme", "check", "bad.toml")
    assert refused.code == 2
    assert "programmes.NYSTART: unknown setting 'sorce'" in refused.err
    assert "programmes.NYSTART: setting 'source' is missing" in refused.err
    assert "Traceback" not in refused.err


def test_an_older_catalogue_loads_with_a_warning_on_stderr_saying_what_changed(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    old = "\n".join(
        line
        for line in shipped_catalogue().splitlines()
        if not line.startswith(("source = ", "valid_from = "))
    ).replace("version = 2", "version = 1", 1)
    (tmp_path / "old.toml").write_text(old, encoding="utf-8")
    checked = kivo_cli("programme", "check", "old.toml", "--json")
    assert checked.code == 0, checked.err
    assert json.loads(checked.out)["valid"] is True
    assert "warning: old.toml: a version 1 catalogue, read as version 2" in checked.err
    listed = kivo_cli("--programmes", "old.toml", "programme", "list")
    assert "PRAKTIK: not given (a version 1 catalogue)" in listed.out
    assert "warning: old.toml: a version 1 catalogue" in listed.err
    rules = resources.files("states").joinpath("default_rules.toml").read_text(encoding="utf-8")
    old_rules = "\n".join(
        line for line in rules.splitlines() if not line.startswith("source = ")
    ).replace("version = 2", "version = 1", 1)
    (tmp_path / "old-rules.toml").write_text(old_rules, encoding="utf-8")
    checked = kivo_cli("rules", "check", "old-rules.toml")
    assert checked.code == 0, checked.err
    assert "warning: old-rules.toml: a version 1 rules file, read as version 2" in checked.err
    env = {"KIVO_RULES": "old-rules.toml", "KIVO_PROGRAMMES": "old.toml"}
    used = kivo_cli("participant", "list", "--json", env=env)
    assert used.code == 0, used.err
    assert json.loads(used.out) is not None
    assert "a version 1 rules file" in used.err
    assert "a version 1 catalogue" in used.err


def test_kivo_programmes_makes_the_organisations_catalogue_the_one_advance_judges(
    seeded: Kivo, tmp_path: Path
) -> None:
    """PRAKTIK for at most 60 days per decision in our catalogue: the shipped 184 no longer
    hold, through KIVO_PROGRAMMES as through --programmes."""
    ours = shipped_catalogue().replace("max_decision_days = 184", "max_decision_days = 60", 1)
    ours = ours.replace("default_months = 3", "default_months = 1", 1)
    (tmp_path / "ours.toml").write_text(ours, encoding="utf-8")
    line = (
        "advance 1 study-practice --supervisor 1 --programme PRAKTIK --until 2026-05-29 --dry-run"
    )
    assert seeded(*shlex.split(line)).code == 0
    env = {"KIVO_PROGRAMMES": "ours.toml"}
    refused = seeded(*shlex.split(line), env=env)
    assert refused.code == 3, refused.err
    assert "one decision under programme PRAKTIK covers at most 60 days" in refused.err
    flagged = seeded("--programmes", "ours.toml", *shlex.split(line))
    assert flagged.code == 3, flagged.err
    listed = document(seeded("programme", "list", "--json", env=env))
    assert next(p for p in listed if p["code"] == "PRAKTIK")["max_decision_days"] == 60


def test_placement_extend_records_an_extension_and_moves_the_end(seeded: Kivo) -> None:
    done = document(
        seeded("placement", "extend", "1", "--until", "2026-05-31", "--reason", "more", "--json")
    )
    assert (done["old_end"], done["new_end"]) == ("2026-03-31", "2026-05-31")
    (placement,) = document(seeded("placement", "list", "--json"))
    assert placement["planned_end"] == "2026-05-31"


def test_placement_extend_beyond_the_maximum_is_refused_and_writes_nothing(seeded: Kivo) -> None:
    before = history_length(seeded)
    ran = seeded("placement", "extend", "1", "--until", "2026-12-31")
    assert ran.code == 3
    assert "programme-total-too-long" in ran.err
    assert history_length(seeded) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("placement", "extend", "1", "--until", "2026-02-30"),
            2,
            "until '2026-02-30' is not a real date",
        ),
        (
            ("placement", "extend", "1", "--until", "2026-03-01"),
            2,
            "must come after the current planned end",
        ),
        (("placement", "extend", "9", "--until", "2026-05-01"), 4, "no case with id 9"),
        (
            ("placement", "end", "1", "--on", "2026-02-20", "--reason", " "),
            2,
            "needs a reason: give --reason",
        ),
        (
            ("placement", "end", "1", "--on", "2026-04-01", "--reason", "late"),
            2,
            "is after today (2026-03-02)",
        ),
        (("placement", "list", "--programme", "NOPE"), 2, "unknown programme 'NOPE'"),
        (("placement", "list", "--active-on", "someday"), 2, "'someday' is not a real date"),
    ],
)
def test_bad_placement_input_is_named_and_writes_nothing(
    seeded: Kivo, args: tuple[str, ...], code: int, message: str
) -> None:
    before = history_length(seeded)
    ran = seeded(*args)
    assert ran.code == code, ran.err
    assert "Traceback" not in ran.err + ran.out
    assert message in ran.err, ran.err
    assert history_length(seeded) == before


def test_placement_end_ends_it_and_a_second_end_is_refused(seeded: Kivo) -> None:
    done = document(
        seeded("placement", "end", "1", "--on", "2026-02-20", "--reason", "closed", "--json")
    )
    assert done["followups_cancelled"] > 0
    assert document(seeded("placement", "list", "--active-on", "2026-03-01", "--json")) == []
    again = seeded("placement", "end", "1", "--on", "2026-02-21", "--reason", "again")
    assert again.code == 3
    assert "no open placement" in again.err


def test_placement_list_filters_and_prints_a_table(seeded: Kivo) -> None:
    assert len(document(seeded("placement", "list", "--ending-before", "2026-04-01", "--json")))
    assert (
        document(seeded("placement", "list", "--workplace", "1", "--programme", "PIS", "--json"))
        == []
    )
    assert "PRAKTIK" in seeded("placement", "list").out


REFUSED_ADVANCES = [
    pytest.param(
        "advance 2 short-practice --supervisor 1 --programme NOPE --until 2026-03-31",
        "programme-unknown",
        "unknown programme 'NOPE'",
        id="programme-unknown",
    ),
    pytest.param(
        "advance 2 short-practice --supervisor 1 --programme YA --until 2026-03-31",
        "programme-not-in-step",
        "programme YA runs in step 8, not in step 2 short-practice",
        id="programme-not-in-step",
    ),
    pytest.param(
        "advance 2 fixed-term --workplace 1 --programme MBJ",
        "programme-closed",
        "MBJ takes no new decisions or extensions on or after 2019-01-01",
        id="programme-closed-today",
    ),
    pytest.param(
        "advance 3 fixed-term --workplace 1 --programme MBJ --on 2019-01-01",
        "programme-closed",
        "(decision date 2019-01-01)",
        id="programme-closed-on-its-last-day",
    ),
    pytest.param(
        "advance 3 permanent --workplace 1 --programme MBJ --on 2018-06-01",
        "programme-not-in-step",
        "programme MBJ runs in step 7, not in step 9 permanent",
        id="time-limited-support-in-permanent-employment",
    ),
    pytest.param(
        "advance 2 vocational-intro --supervisor 1 --programme YA --training-share 20",
        "programme-closed",
        "YA takes no new decisions or extensions on or after 2024-01-01",
        id="ya-repealed-from-2024",
    ),
    pytest.param(
        "advance 2 short-practice --supervisor 1 --programme PRAKTIK --until 2026-12-31",
        "programme-too-long",
        "one decision under programme PRAKTIK covers at most 184 days",
        id="programme-too-long",
    ),
    pytest.param(
        "advance 2 short-practice --supervisor 1 --programme PRAKTIK --until 2026-12-31 "
        "--override 'the employer insists' --by 1",
        "override-not-permitted",
        "only a coordinator may override",
        id="programme-too-long-overridden-by-a-caseworker",
    ),
]


@pytest.mark.parametrize(("line", "code", "message"), REFUSED_ADVANCES)
def test_an_advance_under_a_programme_its_rules_refuse_exits_3_names_the_rule_and_writes_nothing(
    waiting: Kivo, e2e_database: str, line: str, code: str, message: str
) -> None:
    before = table_rows(e2e_database)

    ran = waiting(*shlex.split(line))
    as_json = waiting(*shlex.split(line), "--json")

    assert ran.code == 3, ran.err
    assert "Traceback" not in ran.err + ran.out
    assert f"[{code}]" in ran.err
    assert message in ran.err
    assert as_json.code == 3, as_json.err
    assert code in {v["code"] for v in as_json.json()["error"]["violations"]}
    assert table_rows(e2e_database) == before


def test_mbj_decided_before_2019_is_accepted_as_historical_data(waiting: Kivo) -> None:
    ran = waiting(
        *shlex.split("advance 3 fixed-term --workplace 1 --programme MBJ --on 2018-12-31")
    )

    assert ran.code == 0, ran.err
    (placement,) = document(waiting("placement", "list", "--programme", "MBJ", "--json"))
    assert (placement["case_id"], placement["start"]) == (3, "2018-12-31")


def test_a_coordinator_overrides_programme_too_long_and_the_override_is_recorded(
    waiting: Kivo,
) -> None:
    line = (
        "advance 2 short-practice --supervisor 1 --programme PRAKTIK --until 2026-12-31 "
        "--override 'the employer insists' --by 2 --json"
    )

    done = document(waiting(*shlex.split(line)))

    assert done["to_state"] == "short-practice"
    assert {"programme-too-long", "programme-total-too-long"} <= set(done["overridden"])
    last = document(waiting("history", "2", "--json"))[-1]
    assert (last["kind"], last["by_id"], last["reason"]) == (
        "advanced",
        2,
        "the employer insists",
    )
    assert "programme-too-long" in last["overrides"]


def version_of(kivo_cli: Kivo, case: str = "1") -> int:
    return int(document(kivo_cli("participant", "show", case, "--json"))["version"])


def test_consent_withdrawn_lists_the_open_placement_and_no_override_lifts_consent_missing(
    waiting: Kivo, e2e_database: str
) -> None:
    ran = waiting("consent", "1", "--withdraw", "--on", "2026-02-16", "--by", "1")

    assert ran.code == 0, ran.err
    assert "case 1: consent withdrawn on 2026-02-16; 1 open placement to resolve" in ran.out
    assert "Amina Haddad" in ran.out
    before = table_rows(e2e_database)
    line = "advance 1 fixed-term --workplace 1 --until 2026-08-31 --by 2 --override 'urgent'"
    refused = waiting(*shlex.split(line))
    assert refused.code == 3, refused.err
    assert "[consent-missing]" in refused.err
    assert table_rows(e2e_database) == before
    assert waiting("consent", "1").code == 0
    assert waiting(*shlex.split(line.split(" --by")[0])).code == 0


@pytest.mark.parametrize(
    "line",
    [
        "placement extend 1 --until 2026-04-30",
        "placement end 1 --on 2026-02-20 --reason closed",
        "placement supervisor 1 --supervisor 2",
        "consent 1 --withdraw",
        "caseload transfer --from 1 --to 2 --case 1 --by 3",
    ],
)
def test_a_command_changing_a_case_moves_its_version_and_refuses_a_stale_one(
    seeded: Kivo, e2e_database: str, line: str
) -> None:
    for setup in (
        "supervisor add 'Lena Åberg' --workplace 1 --trained-on 2026-01-05",
        "caseworker add 'Per Holm'",
        "caseworker add 'Karin Ek' --role coordinator",  # 3: who hands over
    ):
        assert seeded(*shlex.split(setup)).code == 0, setup
    seen = version_of(seeded)
    before = table_rows(e2e_database)

    stale = seeded(*shlex.split(line), "--expect-version", str(seen - 1))
    assert stale.code == 5, stale.err
    assert "Traceback" not in stale.err
    assert table_rows(e2e_database) == before

    done = seeded(*shlex.split(line), "--expect-version", str(seen))
    assert done.code == 0, done.err
    assert version_of(seeded) == seen + 1


def test_consent_withdrawn_counts_the_open_placements_in_swedish(waiting: Kivo) -> None:
    ran = waiting(
        "consent", "1", "--withdraw", "--on", "2026-02-16", "--by", "1", env={"KIVO_LANG": "sv"}
    )

    assert ran.code == 0, ran.err
    assert "ärende 1: samtycket återkallat 2026-02-16; 1 öppen placering att lösa" in ran.out
    assert "inget steg på en arbetsplats förrän samtycke har getts igen" in ran.out
