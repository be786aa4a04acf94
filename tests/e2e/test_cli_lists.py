"""End-to-end: ``participant list`` pages (``--limit``, ``--offset``, ``--after``), sorts,
and streams ``--json`` (one array, an object per line) and ``--csv``, on both databases.

Seed: caseworkers 1 Anna, 2 Karin, 3 Nils; six participants enrolled on different days, two of them
sharing a name (cases 1..6); case 6 exited.
"""

from __future__ import annotations

import csv
import io
import shlex

import pytest

from tests.e2e.conftest import Kivo, Ran, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "caseworker add 'Nils Holm'",
    "participant add 'Östen Berg' --caseworker 1 --on 2026-01-14",
    "participant add 'Bo Ek' --caseworker 1 --on 2026-01-12",
    "participant add 'Ada Holm' --caseworker 1 --on 2026-01-20",
    "participant add 'Cia Berg' --caseworker 1 --on 2026-01-12",
    "participant add 'Ada Holm' --caseworker 1 --on 2026-01-13",
    "participant add 'Dan Ek' --caseworker 1 --on 2026-01-15",
    "exit 6 --outcome moved --on 2026-02-01",
)
ALL = [1, 2, 3, 4, 5, 6]
BY_NAME = [3, 5, 2, 4, 6, 1]  # Ada (3), Ada (5), Bo, Cia, Dan, Östen
BY_OPENED = [2, 4, 5, 1, 6, 3]

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str) -> Ran:
    return kivo(*shlex.split(line))


def ids(kivo: Kivo, line: str) -> list[int]:
    ran = run(kivo, line + " --json")
    assert ran.code == 0, ran.err
    return [case["id"] for case in ran.json()]


def test_without_options_the_list_is_every_case_in_id_order_up_to_50(kivo_cli: Kivo) -> None:
    assert ids(kivo_cli, "participant list") == ALL
    assert ids(kivo_cli, "participant list --limit 0") == ALL


def test_limit_and_offset_give_a_window_of_the_list(kivo_cli: Kivo) -> None:
    assert ids(kivo_cli, "participant list --limit 2") == [1, 2]
    assert ids(kivo_cli, "participant list --limit 2 --offset 2") == [3, 4]
    assert ids(kivo_cli, "participant list --offset 5") == [6]
    assert ids(kivo_cli, "participant list --offset 9") == []


@pytest.mark.parametrize(
    ("sort", "expected"), [("id", ALL), ("name", BY_NAME), ("opened", BY_OPENED)]
)
def test_pages_chained_by_after_give_every_case_once_in_the_sort_order(
    kivo_cli: Kivo, sort: str, expected: list[int]
) -> None:
    assert ids(kivo_cli, f"participant list --sort {sort} --limit 0") == expected
    seen: list[int] = []
    after = ""
    for _ in range(4):
        page = run(kivo_cli, f"participant list --sort {sort} --limit 2 {after} --json")
        assert page.code == 0, page.err
        seen += [case["id"] for case in page.json()]
        if "more cases follow" not in page.err:
            break
        assert f"--after {seen[-1]}" in page.err
        after = f"--after {seen[-1]}"
    assert seen == expected


def test_filters_still_narrow_the_list(kivo_cli: Kivo) -> None:
    assert ids(kivo_cli, "participant list --status exited") == [6]
    assert ids(kivo_cli, "participant list --status active --sort name --limit 2") == [3, 5]
    assert ids(kivo_cli, "participant list --caseworker 1 --after 4") == [5, 6]


def test_json_is_one_array_with_one_case_per_line(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "participant list --json")

    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert lines[0] == "["
    assert lines[-1] == "]"
    assert len(lines) == len(ALL) + 2
    first = ran.json()[0]
    assert first == {
        "id": 1,
        "name": "Östen Berg",
        "state": "enrolled",
        "step": None,
        "status": "active",
        "caseworker_id": 1,
        "caseworker": "Anna Lindqvist",
        "opened_on": "2026-01-14",
        "outcome": None,
        "version": first["version"],
    }
    assert ran.err == ""


def test_an_empty_page_is_an_empty_json_array(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "participant list --offset 10 --json")
    assert ran.code == 0, ran.err
    assert ran.json() == []


def test_csv_has_a_header_and_a_row_per_case(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "participant list --csv --sort name --limit 3")

    assert ran.code == 0, ran.err
    rows = list(csv.DictReader(io.StringIO(ran.out)))
    assert [int(row["id"]) for row in rows] == BY_NAME[:3]
    assert rows[0]["name"] == "Ada Holm"
    assert rows[0]["opened_on"] == "2026-01-20"
    assert rows[0]["step"] == ""
    assert "--after 2" in ran.err


def test_a_table_says_how_to_get_the_next_page_when_more_follow(kivo_cli: Kivo) -> None:
    page = run(kivo_cli, "participant list --limit 4")
    assert page.code == 0, page.err
    assert "Bo Ek" in page.out
    assert "Dan Ek" not in page.out
    assert "more follow: add --after 4 for the next page" in page.out

    rest = run(kivo_cli, "participant list --limit 4 --after 4")
    assert rest.code == 0, rest.err
    assert "Dan Ek" in rest.out
    assert "more follow" not in rest.out
    assert "2 cases" in rest.out


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("participant list --limit -1", "--limit"),
        ("participant list --limit ten", "--limit"),
        ("participant list --offset -3", "--offset"),
        ("participant list --after abc", "--after"),
        ("participant list --after -1", "--after"),
        ("participant list --after 99", "--after 99"),
        ("participant list --sort surname", "surname"),
        ("participant list --json --csv", "--json and --csv"),
        ("participant list --limit 99999999999999999999", "--limit"),
    ],
)
def test_bad_paging_input_is_refused_with_a_message_naming_it(
    kivo_cli: Kivo, line: str, named: str
) -> None:
    ran = run(kivo_cli, line)

    assert ran.code == 2, (ran.out, ran.err)
    assert named in ran.err
    assert "Traceback" not in ran.err
    if "--json" in line:  # the error as one JSON document, nothing else
        assert ran.json()["error"]["field"] == "format"
    else:
        assert ran.out == ""


def test_help_documents_paging_sorting_and_streaming(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "participant list --help")

    assert ran.code == 0, ran.err
    for option in ("--limit", "--offset", "--after", "--sort", "--json", "--csv"):
        assert option in ran.out


LISTS = [
    "participant list",
    "caseworker list",
    "workplace list",
    "supervisor list",
    "placement list",
    "meeting list",
    "followup list",
]


@pytest.mark.parametrize("line", LISTS)
def test_every_list_command_documents_its_paging(kivo_cli: Kivo, line: str) -> None:
    ran = run(kivo_cli, f"{line} --help")

    assert ran.code == 0, ran.err
    for option in ("--limit", "--offset", "--after"):
        assert option in ran.out, (line, option)


def test_the_caseworker_list_pages_by_id_too(kivo_cli: Kivo) -> None:
    first = run(kivo_cli, "caseworker list --limit 2 --json")
    assert first.code == 0, first.err
    assert [w["id"] for w in first.json()] == [1, 2]
    assert "--after 2" in first.err

    rest = run(kivo_cli, "caseworker list --limit 2 --after 2 --json")
    assert [w["id"] for w in rest.json()] == [3]
    assert rest.err == ""
    assert [w["id"] for w in run(kivo_cli, "caseworker list --offset 1 --json").json()] == [2, 3]


@pytest.mark.parametrize(
    "line",
    ["caseworker list --after 9", "meeting list --after 1", "followup list --limit -2"],
)
def test_a_directory_or_agenda_list_refuses_bad_paging(kivo_cli: Kivo, line: str) -> None:
    ran = run(kivo_cli, line)

    assert ran.code == 2, (ran.out, ran.err)
    assert ("--after" if "--after" in line else "--limit") in ran.err
    assert "Traceback" not in ran.err
