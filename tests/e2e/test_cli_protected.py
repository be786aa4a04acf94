"""End-to-end: protected identity and the monthly log review through the installed
command, on SQLite and PostgreSQL.

Seed: caseworker 1 Anna, coordinator 2 Karin, caseworker 3 Nils; case 1 Zelda Quist's
(Anna's, with a personnummer), case 2 Bo Ek's (Nils's). Today is 2026-03-02.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

pytestmark = [pytest.mark.e2e, pytest.mark.both_databases]

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "caseworker add 'Nils Holm'",
    "participant add 'Zelda Quist' --personnummer 19870605-4825 --caseworker 1 --on 2026-01-12",
    "participant add 'Bo Ek' --caseworker 3 --on 2026-01-12",
)

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str, **kwargs: object) -> Ran:
    return kivo(*shlex.split(line), **kwargs)


def test_a_coordinator_protects_and_every_list_shows_only_the_initials(kivo_cli: Kivo) -> None:
    done = run(kivo_cli, "participant protect 1 --reason 'skyddad identitet' --by 2 --json")
    assert done.code == 0, done
    assert (done.json()["protected"], done.json()["initials"]) == (True, "Z. Q.")

    listed = run(kivo_cli, "participant list --json")
    found = run(kivo_cli, "participant find quist --json")
    shown = run(kivo_cli, "participant show 1 --by 1")
    changes = run(kivo_cli, "changes participant 1 --json")

    assert [c["name"] for c in listed.json()] == ["Z. Q.", "Bo Ek"]
    assert [c["name"] for c in found.json()["cases"]] == ["Z. Q."]
    assert "Z. Q." in shown.out
    for ran in (listed, found, shown):
        assert "Zelda" not in ran.out
        assert "4825" not in ran.out
    assert [(c["field"], c["new"], c["reason"]) for c in changes.json()["changes"]] == [
        ("protected", "true", "skyddad identitet")
    ]


def test_protecting_is_refused_to_a_caseworker_and_without_a_reason_writing_nothing(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)

    caseworker = run(kivo_cli, "participant protect 1 --reason beslut --by 1")
    no_reason = run(kivo_cli, "participant protect 1 --by 2")

    assert (caseworker.code, no_reason.code) == (3, 2), (caseworker, no_reason)
    assert "only a coordinator may protect an identity" in caseworker.err
    assert "give --reason" in no_reason.err
    assert "Traceback" not in caseworker.err + no_reason.err
    assert database_dump(e2e_database) == before


def test_an_export_with_a_protected_case_needs_a_coordinator(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    assert run(kivo_cli, "participant protect 1 --reason beslut --by 2").code == 0
    refused = run(kivo_cli, f"export cases {tmp_path / 'a.csv'} --by 1")
    exported = run(kivo_cli, f"export cases {tmp_path / 'b.csv'} --by 2")

    assert refused.code == 3, refused
    assert "protected identity (case 1)" in refused.err
    assert not (tmp_path / "a.csv").exists()
    assert exported.code == 0, exported
    text = (tmp_path / "b.csv").read_text(encoding="utf-8")
    assert "Z. Q." in text
    assert "Zelda" not in text


def test_the_log_review_lists_the_reads_of_the_protected_case_and_the_coordinators(
    kivo_cli: Kivo,
) -> None:
    assert run(kivo_cli, "participant protect 1 --reason beslut --by 2").code == 0
    for line in (
        "participant show 1 --by 1",
        "participant show 2 --by 3",
        "participant show 2 --by 2",
    ):
        assert run(kivo_cli, line).code == 0

    review = run(kivo_cli, "audit review --month 2026-03 --actor 2 --json")
    table = run(kivo_cli, "audit review --month 2026-03 --actor 2")

    assert review.code == 0, review
    rows = [(r["caseworker_id"], r["caseworker"], r["case_id"], r["why"]) for r in review.json()]
    assert rows == [(1, "Anna Lindqvist", 1, ["protected"]), (2, "Karin Ek", 2, ["coordinator"])]
    assert "2 of 3 read(s) to look at" in table.out


@pytest.mark.parametrize("month", ["2026-13", "mars", "2026-3"])
def test_a_bad_month_exits_2_naming_it(kivo_cli: Kivo, month: str) -> None:
    ran = run(kivo_cli, f"audit review --month {month} --actor 2")
    assert ran.code == 2, ran
    assert f"'{month}' is not a month" in ran.err


def test_only_a_coordinator_runs_the_log_review(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "audit review --month 2026-03 --actor 1")
    assert ran.code == 3, ran
    assert "only a coordinator may review the access log" in ran.err
