"""End-to-end: ``kivo person erase`` through the installed command.

Seed: caseworker 1 Anna, coordinator 2 Karin; person 1 Amina Haddad (case 1, exited),
person 2 Bo Ek (case 2, open). Today is 2026-03-02.
"""

from __future__ import annotations

import shlex

from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Bo Ek' --caseworker 1 --on 2026-01-12",
    "exit 1 --outcome employed --on 2026-02-02 --by 1",
)

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str, **kwargs: object) -> Ran:
    return kivo(*shlex.split(line), **kwargs)


def test_a_coordinator_erases_a_closed_persons_data_and_gets_one_json_document(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    erased = run(kivo_cli, "person erase 1 --reason 'diarienr 2026-17' --by 2 --json")

    assert erased.code == 0, erased
    document = erased.json()
    assert document["person_id"] == 1
    assert document["case_ids"] == [1]
    assert document["pseudonym"].startswith("Raderad ")
    assert document["counts"]["person"] == 1
    assert document["settled"] is True
    assert "Amina" not in repr(database_dump(e2e_database))
    shown = run(kivo_cli, "participant show 1 --by 2 --json")
    assert shown.json()["name"] == document["pseudonym"], shown


def test_erasing_a_person_with_an_open_case_is_refused_naming_the_rule(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)

    refused = run(kivo_cli, "person erase 2 --reason 'diarienr 2026-18' --by 2")
    caseworker = run(kivo_cli, "person erase 1 --reason 'diarienr 2026-18' --by 1")
    no_reason = run(kivo_cli, "person erase 1 --by 2")

    assert (refused.code, caseworker.code, no_reason.code) == (3, 3, 2)
    assert "erasure-open-case" in refused.err
    assert "case 2 is open" in refused.err
    assert "only a coordinator may erase a person" in caseworker.err
    assert "give --reason" in no_reason.err
    assert "Traceback" not in refused.err + caseworker.err + no_reason.err
    assert database_dump(e2e_database) == before
