"""End-to-end: ``kivo report …`` and ``kivo target …`` as the installed command.

Today is 2026-03-02. Amina (woman, born 1998) is in short practice under PRAKTIK since
2026-02-02 (enrolled 2026-01-12); Johan (man, born 1960) was in step 1 from 2026-01-20
and exited job-seeking on 2026-02-27. PRAKTIK's target for 2026 is 10.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Kivo, Ran, read_rows, seeded_copies

pytestmark = pytest.mark.both_databases

NOW = "2026-03-02T09:00"

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15 --capacity 5",
    "participant add 'Amina Haddad' --personnummer 19980412-3389 --gender woman "
    "--caseworker 1 --consent --on 2026-01-12 --characteristic rural=yes "
    "--characteristic minority=no",
    "advance 1 short-practice --supervisor 1 --programme PRAKTIK --until 2026-04-30 "
    "--on 2026-02-02",
    "participant add 'Johan Berg' --gender man --birth-year 1960 --caseworker 1 --consent "
    "--on 2026-01-12",
    "advance 2 information --on 2026-01-20",
    "exit 2 --outcome job-seeking --on 2026-02-27",
    "caseworker add 'Karin Ek' --role coordinator",  # 2: only a coordinator sets targets
    "target set PRAKTIK 2026 10 --by 2",
)


seed, e2e_database = seeded_copies(SEED, now=NOW)


@pytest.fixture
def seeded(kivo_cli: Kivo) -> Kivo:
    """``kivo`` on this test's own copy of the seed."""
    return kivo_cli


def targets_stored(url: str) -> list[tuple[Any, ...]]:
    """The target table, read directly (cheaper than another run of the command)."""
    return read_rows(url, "SELECT programme, year, count FROM target ORDER BY programme, year")


def document(ran: Ran) -> Any:
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


def table_of(ran: Ran) -> list[dict[str, str]]:
    assert ran.code == 0, ran.err
    return list(csv.DictReader(io.StringIO(ran.out)))


def test_funnel_json_has_every_state_and_the_flows(seeded: Kivo) -> None:
    found = document(seeded("report", "funnel", "--on", "2026-02-27", "--json"))
    assert found["on"] == "2026-02-27"
    assert (found["from"], found["to"]) == ("2026-01-01", "2026-03-02")
    assert list(found["states"]) == [
        "enrolled",
        *[str(n) for n in range(1, 10)],
        "paused",
        "exited",
    ]
    assert (found["states"]["2"], found["states"]["exited"], sum(found["states"].values())) == (
        1,
        1,
        2,
    )
    assert {"from": "1", "to": "exited", "kind": "exited", "count": 1} in found["flows"]
    assert {"from": "enrolled", "to": "2", "kind": "advanced", "count": 1} in found["flows"]


def test_funnel_on_the_day_before_the_exit_shows_johan_in_step_1(seeded: Kivo) -> None:
    found = document(seeded("report", "funnel", "--on", "2026-02-26", "--json"))
    assert (found["states"]["1"], found["states"]["exited"]) == (1, 0)


def test_funnel_csv_lists_states_then_flows(seeded: Kivo) -> None:
    rows = table_of(seeded("report", "funnel", "--csv"))
    assert {"section": "state", "state": "2", "to": "", "kind": "", "count": "1"} in rows
    assert {"section": "flow", "state": "1", "to": "exited", "kind": "exited", "count": "1"} in rows


def test_outcomes_json_and_csv_break_exits_down_by_gender(seeded: Kivo) -> None:
    found = document(seeded("report", "outcomes", "--json"))
    assert found["total"] == 1
    assert found["rows"] == [{"gender": "man", "outcome": "job-seeking", "count": 1, "share": 1.0}]
    rows = table_of(seeded("report", "outcomes", "--csv", "--by", "caseworker"))
    assert rows == [
        {
            "caseworker_id": "1",
            "caseworker": "Anna Lindqvist (1)",
            "outcome": "job-seeking",
            "count": "1",
            "share": "1.0",
        }
    ]
    found = document(seeded("report", "outcomes", "--json", "--by", "caseworker"))
    assert [(r["caseworker_id"], r["caseworker"]) for r in found["rows"]] == [
        (1, "Anna Lindqvist (1)")
    ]


def test_an_exit_the_day_after_the_period_is_left_out(seeded: Kivo) -> None:
    found = document(seeded("report", "outcomes", "--to", "2026-02-26", "--json"))
    assert (found["total"], found["rows"]) == (0, [])
    found = document(seeded("report", "outcomes", "--from", "2026-02-27", "--json"))
    assert found["total"] == 1


def test_fallbacks_json_and_csv(seeded: Kivo) -> None:
    assert document(seeded("fall-back", "1", "information", "--reason", "too early", "--json"))
    found = document(seeded("report", "fallbacks", "--json", "--window-days", "30"))
    assert found["window_days"] == 30
    assert found["moves"] == [{"from": "2", "to": "1", "kind": "fell_back", "count": 1}]
    assert found["steps"] == [
        {"step": 2, "fell_back": 1, "left": 1, "fell_back_within": 1, "share": 1.0}
    ]
    rows = table_of(seeded("report", "fallbacks", "--csv"))
    # Both parts of the JSON, told apart by ``section`` (as funnel --csv does).
    assert [(r["section"], r["from"], r["to"], r["count"]) for r in rows] == [
        ("move", "2", "1", "1"),
        ("step", "", "", ""),
    ]
    assert (rows[1]["step"], rows[1]["fall-backs from it"], rows[1]["share"]) == ("2", "1", "1.0")
    assert rows[0]["step"] == ""


def test_time_in_step_csv_reports_closed_and_open_stays(seeded: Kivo) -> None:
    rows = {row["step"]: row for row in table_of(seeded("report", "time-in-step", "--csv"))}
    assert (rows["1"]["closed stays"], rows["1"]["closed median"]) == ("1", "38")
    assert (rows["2"]["open stays"], rows["2"]["open median"], rows["2"]["open p90"]) == (
        "1",
        "28",
        "28",
    )
    found = document(seeded("report", "time-in-step", "--json"))
    assert found["steps"][0]["step"] == 1


def test_lead_time_json_and_csv(seeded: Kivo) -> None:
    found = document(seeded("report", "lead-time", "--json"))
    assert (found["cases"], found["median"], found["p90"]) == (1, 21, 21)
    assert found["placement_unknown"] == 0
    (row,) = table_of(seeded("report", "lead-time", "--csv"))
    assert row["over 6 months"] == "0"
    assert row["imported, placement unknown"] == "0"
    by = document(seeded("report", "lead-time", "--json", "--by", "gender"))
    assert (by["by"], by["cases"]) == ("gender", 1)
    assert [(r["breakdown"], r["cases"], r["median"]) for r in by["rows"]] == [("woman", 1, 21)]
    rows = table_of(seeded("report", "lead-time", "--csv", "--by", "caseworker"))
    assert [(r["caseworker_id"], r["caseworker"], r["first placements"]) for r in rows] == [
        ("", "(all)", "1"),
        ("1", "Anna Lindqvist (1)", "1"),
    ]


def test_targets_json_rows_and_csv(seeded: Kivo) -> None:
    found = document(seeded("report", "targets", "--year", "2026", "--json"))
    assert found == [
        {
            "programme": "PRAKTIK",
            "year": 2026,
            "target": 10,
            "started": 1,
            "extended": 0,
            "share": 0.1,
        }
    ]
    assert table_of(seeded("report", "targets", "--csv")) == [
        {
            "programme": "PRAKTIK",
            "year": "2026",
            "target": "10",
            "started": "1",
            "extended": "0",
            "share": "0.1",
        }
    ]
    assert "10 % of target" in seeded("report", "targets").out


def test_overdue_json_and_csv(seeded: Kivo) -> None:
    found = document(seeded("report", "overdue", "--json"))
    (line,) = found["caseworkers"]
    assert line["caseworker_id"] == 1
    assert line["meetings"] >= 1  # the tripartite meeting due on 2026-02-02
    rows = table_of(seeded("report", "overdue", "--csv", "--on", "2026-02-02"))
    assert rows == []


def test_esf_masks_the_personnummer_unless_asked(seeded: Kivo) -> None:
    rows = table_of(seeded("report", "esf", "--csv"))
    assert [row["personnummer"] for row in rows] == ["19980412-****", ""]
    assert [row["age band"] for row in rows] == ["18-29", "55+"]
    assert [row["outcome"] for row in rows] == ["", "job-seeking"]
    assert [row["upon leaving"] for row in rows] == ["", "job-searching"]
    assert [(row["rural area"], row["minority"], row["homeless"]) for row in rows] == [
        ("****", "****", ""),
        ("", "", ""),
    ]
    shown = seeded("report", "esf", "--json", "--show-personal")
    assert document(shown)["rows"][0]["personnummer"] == "19980412-3389"
    assert document(shown)["rows"][0]["characteristics"] == {"minority": "no", "rural": "yes"}
    assert "19980412-3389" not in seeded("report", "esf").out


def test_esf_summary_counts_the_common_indicators_by_gender_self_employment_as_work(
    seeded: Kivo,
) -> None:
    exited = seeded(
        "exit", "1", "--outcome", "self-employed", "--qualification", "--on", "2026-03-02"
    )
    assert exited.code == 0, exited.err

    found = document(seeded("report", "esf", "--summary", "--json"))

    lines = {line.pop("indicator"): line for line in found["indicators"]}
    counts = {"woman": 1, "man": 0, "non_binary": 0, "total": 1}
    assert lines["in employment, including self-employment, upon leaving"] == counts
    assert lines["participants"] == {"woman": 1, "man": 1, "non_binary": 0, "total": 2}
    assert lines["from rural areas"] == counts
    assert lines["gaining a qualification upon leaving"] == counts
    assert lines["minorities (including marginalised communities such as the Roma)"]["total"] == 0
    assert lines["job-searching upon leaving"] == {
        "woman": 0,
        "man": 1,
        "non_binary": 0,
        "total": 1,
    }
    rows = table_of(seeded("report", "esf", "--summary", "--csv"))
    assert list(rows[0]) == ["indicator", "woman", "man", "non-binary", "total"]
    assert rows[0] == {
        "indicator": "participants",
        "woman": "1",
        "man": "1",
        "non-binary": "0",
        "total": "2",
    }


def test_target_set_and_list(seeded: Kivo) -> None:
    refused = seeded("target", "set", "pis", "2027", "3", "--by", "1")
    assert refused.code == 3
    assert "only a coordinator may set targets" in refused.err
    as_coordinator = ("--by", "2")
    assert seeded("target", "set", "pis", "2027", "3", *as_coordinator).out.strip() == (
        "target PIS 2027: 3"
    )
    assert document(seeded("target", "set", "pis", "2027", "3", "--json", *as_coordinator)) == {
        "programme": "PIS",
        "year": 2027,
        "target": 3,
    }
    # The same field names as report targets: the count is ``target``.
    assert document(seeded("target", "list", "--json")) == [
        {"programme": "PRAKTIK", "year": 2026, "target": 10},
        {"programme": "PIS", "year": 2027, "target": 3},
    ]
    assert table_of(seeded("target", "list", "--csv")) == [
        {"programme": "PRAKTIK", "year": "2026", "target": "10"},
        {"programme": "PIS", "year": "2027", "target": "3"},
    ]
    assert "PIS" in seeded("target", "list").out


@pytest.mark.parametrize(
    ("args", "code", "named"),
    [
        (("report", "funnel", "--on", "2026-02-30"), 2, "on"),
        (("report", "outcomes", "--from", "someday"), 2, "from"),
        (("report", "nope"), 2, "nope"),
        (("report", "lead-time", "--from", "2026-03-01", "--to", "2026-02-01"), 2, "--from"),
        (("report", "outcomes", "--year", "2026", "--from", "2026-01-01"), 2, "--year"),
        (("report", "outcomes", "--by", "shoe-size"), 2, "shoe-size"),
        (("report", "targets", "--json", "--csv"), 2, "--csv"),
        (("report", "fallbacks", "--window-days", "-1"), 2, "window"),
        (("report", "esf", "--caseworker", "9"), 4, "9"),
        (("target", "set", "NOPE", "2026", "3"), 2, "NOPE"),
        (("target", "set", "PIS", "2026", "--", "-3"), 2, "-3"),
        (("target", "set", "PIS", "2026", "-3"), 2, "-3"),
        (("target", "set", "PIS", "twenty", "3"), 2, "YEAR"),
    ],
)
def test_bad_report_input_is_named_and_writes_nothing(
    seeded: Kivo, e2e_database: str, args: tuple[str, ...], code: int, named: str
) -> None:
    before = targets_stored(e2e_database)
    ran = seeded(*args)
    assert ran.code == code, ran
    assert named in ran.err
    assert "Traceback" not in ran.out + ran.err
    assert targets_stored(e2e_database) == before


def test_a_bad_report_with_json_prints_one_json_error(seeded: Kivo) -> None:
    ran = seeded("report", "funnel", "--from", "2026-03-01", "--to", "2026-02-01", "--json")
    assert ran.code == 2
    assert json.loads(ran.out)["error"]["code"] == "invalid-input"


@pytest.mark.parametrize("name", ["funnel", "outcomes", "targets"])
def test_plot_draws_a_png(seeded: Kivo, tmp_path: Path, name: str) -> None:
    chart = tmp_path / f"{name}.png"
    ran = seeded("report", name, "--plot", str(chart))
    assert ran.code == 0, ran.err
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_plot_without_matplotlib_says_how_to_install_it(seeded: Kivo, tmp_path: Path) -> None:
    missing = tmp_path / "no-matplotlib" / "matplotlib"
    missing.mkdir(parents=True)
    (missing / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    chart = tmp_path / "funnel.png"
    ran = seeded("report", "funnel", "--plot", str(chart), env={"PYTHONPATH": str(missing.parent)})
    assert ran.code == 2
    assert "pip install '.[plot]'" in ran.err
    assert "Traceback" not in ran.err
    assert not chart.exists()
