"""End-to-end: corrections, erasure, retention, the access log and exports in Swedish
(``KIVO_LANG=sv``), the installed command on SQLite and PostgreSQL; English stays as it
was.

Seed: caseworker 1 Anna, coordinator 2 Karin, workplace 1 with trained supervisor 1;
case 1 Amina: 3 advanced to information on 2026-01-14, 4 advanced to short practice on
2026-02-02; case 2 Bo: a note, exited on 2026-02-20. Today is 2026-03-02.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.e2e.conftest import Kivo, Ran, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 information --on 2026-01-14 --by 1",
    "advance 1 short-practice --supervisor 1 --until 2026-04-30 --on 2026-02-02 --by 1",
    "participant add 'Bo Berg' --caseworker 1 --consent --on 2026-01-12",
    "note 2 'Ringde Bo' --by 1",
    "exit 2 --outcome moved --on 2026-02-20 --by 1",
)
SWEDISH = {"KIVO_LANG": "sv", "LANG": "C"}
LATER = "2029-01-01T09:00:00"

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str, **kwargs: object) -> Ran:
    return kivo(*shlex.split(line), **kwargs)


def swedish(kivo: Kivo, line: str, code: int = 0, **kwargs: object) -> Ran:
    ran = run(kivo, line, env=SWEDISH, **kwargs)
    assert ran.code == code, ran
    assert "Traceback" not in ran.err, ran
    return ran


def test_a_refused_correction_is_said_in_swedish_naming_what_depends_on_it(
    kivo_cli: Kivo,
) -> None:
    refused = swedish(kivo_cli, "correct 1 --event 3 --reason 'fel' --by 2", code=3)

    assert refused.err.splitlines()[0] == (
        "error: ärende 1: händelse 3 (en förflyttning framåt 2026-01-14) kan inte rättas: "
        "1 sak bygger på den"
    )
    assert "händelse 4 (flyttat framåt 2026-02-02) bygger på den" in refused.err
    assert "depends" not in refused.err


def test_a_caseworkers_correction_is_refused_in_swedish_naming_the_option(
    kivo_cli: Kivo,
) -> None:
    refused = swedish(kivo_cli, "correct 1 --event 4 --reason 'fel' --by 1", code=3)

    assert "handläggare 1 är inte samordnare" in refused.err
    assert "ange --by med en samordnares id" in refused.err


def test_a_correction_says_what_it_did_in_swedish(kivo_cli: Kivo) -> None:
    done = swedish(kivo_cli, "correct 1 --event 4 --reason 'fel deltagare' --by 2")

    assert "ärende 1: händelse 4 (flyttat framåt) rättad av händelse 5" in done.out
    assert "placering 1 borttagen" in done.out


def test_a_refused_erasure_is_said_in_swedish_naming_the_open_case(kivo_cli: Kivo) -> None:
    refused = swedish(kivo_cli, "person erase 1 --reason 'diarienr 2026-18' --by 2", code=3)

    assert refused.err.splitlines()[0] == (
        "error: person 1 kan inte raderas: ärende 1 är öppet: en person raderas först när "
        "alla hens ärenden har avslutats"
    )
    assert "[erasure-open-case]" in refused.err


def test_an_erasure_without_a_reason_is_refused_in_swedish(kivo_cli: Kivo) -> None:
    refused = swedish(kivo_cli, "person erase 2 --by 2", code=2)

    assert "en radering behöver den begäran den besvarar: ange --reason" in refused.err


def test_an_erasure_in_english_reads_as_before(kivo_cli: Kivo) -> None:
    refused = run(kivo_cli, "person erase 1 --reason 'diarienr 2026-18' --by 2")

    assert refused.err.splitlines()[0] == (
        "error: person 1 cannot be erased: case 1 is open: a person is erased only when "
        "every case of theirs has closed"
    )


def test_the_retention_plan_is_a_swedish_table(kivo_cli: Kivo) -> None:
    plan = swedish(kivo_cli, "retention plan --on 2028-12-31", now=LATER)

    assert "Gallringsbart 2028-12-31 enligt" in plan.out
    for word in ("ärende", "avslutat", "bevaras", "gallringsbart sedan", "åtgärd"):
        assert word in plan.out, word
    assert "anteckningar och skäl" in plan.out
    assert "gallras" in plan.out
    assert "closed on" not in plan.out


def test_applying_retention_on_a_future_day_is_refused_in_swedish(kivo_cli: Kivo) -> None:
    refused = swedish(kivo_cli, "retention apply --on 2026-04-01 --by 2", code=2)

    assert "2026-04-01 ligger i framtiden (i dag är det 2026-03-02)" in refused.err


def test_the_access_log_is_a_swedish_table(kivo_cli: Kivo) -> None:
    shown = swedish(kivo_cli, "audit reads --actor 2")

    assert "Loggkontroll" in shown.out
    for column in ("tidpunkt", "handläggare", "ärende", "åtgärd", "adress"):
        assert column in shown.out, column
    assert "Access log" not in shown.out


def test_the_access_log_refuses_a_backwards_period_in_swedish(kivo_cli: Kivo) -> None:
    refused = swedish(kivo_cli, "audit reads --actor 2 --from 2026-03-02 --to 2026-03-01", code=2)

    assert "--to 2026-03-01 är före --from 2026-03-02" in refused.err


def test_the_log_review_is_said_in_swedish(kivo_cli: Kivo) -> None:
    review = swedish(kivo_cli, "audit review --month 2026-03 --actor 2")
    refused = swedish(kivo_cli, "audit review --month 2026-13 --actor 2", code=2)

    assert "Loggkontroll 2026-03:" in review.out
    assert "läsningar att granska" in review.out
    assert "'2026-13' är inte en månad: ange den som ÅÅÅÅ-MM" in refused.err


def test_an_export_is_confirmed_in_swedish(kivo_cli: Kivo, tmp_path: Path) -> None:
    target = tmp_path / "cases.csv"

    done = swedish(kivo_cli, f"export cases {target} --by 2")

    assert "exporterade 2 rader (cases) till" in done.out
