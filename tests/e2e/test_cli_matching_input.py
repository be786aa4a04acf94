"""End-to-end: bad input to ``kivo profile`` and ``kivo match`` gets a sentence naming
the problem and its exit code, never a traceback, and writes nothing (SQLite: the checks
come before any database is read, or find nothing in it)."""

from __future__ import annotations

import shlex

from tests.e2e.conftest import Kivo, database_dump

BAD = (
    ("profile set 1 --interest astronaut --by 1", 2, "unknown occupational area"),
    ("profile set 1 --language swedish --by 1", 2, "is not LANGUAGE:LEVEL"),
    ("profile set 1 --interest care --clear interests --by 1", 2, "both given and cleared"),
    ("profile set 1 --interest care", 2, "give --by"),
    ("profile set 99 --interest care --by 1", 4, "no caseworker with id 1"),
    ("match place 1 --limit 0", 2, "--limit must be from 1 to 1000"),
    ("match place 99", 4, "no place with id 99"),
    ("match case 99 --json", 4, "no case with id 99"),
)


def test_bad_input_gets_a_sentence_and_an_exit_code_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)
    for line, code, words in BAD:
        ran = kivo_cli(*shlex.split(line))
        assert ran.code == code, (line, ran.code, ran.err)
        assert words in ran.out + ran.err, (line, ran.out, ran.err)
        assert "Traceback" not in ran.err
    assert database_dump(e2e_database) == before
