"""End-to-end: supervisors' capacity and load, deactivating supervisors and workplaces,
and a coordinator's override of an extension, as the installed ``kivo`` command.

Supervisor 1 (capacity 1) has case 1 in short practice under PRAKTIK from 2026-01-19 to
2026-03-31 at workplace 1; supervisor 2 (capacity 2, untrained) works there too;
workplace 2 has nobody. Caseworker 1 is a caseworker, 2 a coordinator; today is
2026-03-02.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest

from tests.e2e.conftest import Kivo, Ran

pytestmark = pytest.mark.both_databases  # seeded through the command: runs on both

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri' --employer 'Bageriet AB'",
    "workplace add 'Hamnens verkstad'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15 --capacity 1",
    "supervisor add 'Eva Holm' --workplace 1",
    "participant add 'Amina Haddad' --personnummer 19980412-3389 --caseworker 1 --consent "
    "--on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --programme praktik --until 2026-03-31 "
    "--on 2026-01-19",
    "participant add 'Johan Berg' --caseworker 1 --consent --on 2026-01-12",
)
FULL = ("advance", "2", "short-practice", "--supervisor", "1", "--programme", "praktik")


@pytest.fixture
def seeded(kivo_cli: Kivo) -> Kivo:
    for line in SEED:
        ran = kivo_cli(*shlex.split(line))
        assert ran.code == 0, ran.err
    return kivo_cli


def document(ran: Ran) -> Any:
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


def history_length(kivo_cli: Kivo, case: str) -> int:
    return len(document(kivo_cli("history", case, "--json")))


def test_supervisor_and_workplace_lists_show_load_and_free_capacity(seeded: Kivo) -> None:
    found = document(seeded("supervisor", "list", "--json"))
    assert [(s["id"], s["capacity"], s["load"], s["free"], s["active"]) for s in found] == [
        (1, 1, 1, 0, True),
        (2, 2, 0, 2, True),
    ]
    assert found[0]["workplace"] == "Visby bageri"
    table = seeded("supervisor", "list")
    assert "free" in table.out
    assert "not trained" in table.out
    untrained = document(seeded("supervisor", "list", "--untrained", "--json"))
    assert [s["name"] for s in untrained] == ["Eva Holm"]
    assert document(seeded("supervisor", "list", "--workplace", "2", "--json")) == []
    places = document(seeded("workplace", "list", "--json"))
    assert [(w["id"], w["placements"], w["supervisors"], w["capacity"]) for w in places] == [
        (1, 1, 2, 3),
        (2, 0, 0, 0),
    ]
    assert "placements" in seeded("workplace", "list").out


def test_a_full_supervisor_is_refused_unless_a_coordinator_overrides(seeded: Kivo) -> None:
    before = history_length(seeded, "2")
    refused = seeded(*FULL, "--by", "1")
    assert refused.code == 3
    assert "[supervisor-full]" in refused.err
    assert "capacity is 1" in refused.err
    as_json = seeded(*FULL, "--json")
    assert as_json.code == 3
    error = json.loads(as_json.out)["error"]
    assert [v["code"] for v in error["violations"]] == ["supervisor-full"]
    not_permitted = seeded(*FULL, "--by", "1", "--override", "please")
    assert not_permitted.code == 3
    assert "override-not-permitted" in not_permitted.err
    assert history_length(seeded, "2") == before

    done = document(seeded(*FULL, "--by", "2", "--override", "a week's overlap", "--json"))

    assert done["overridden"] == ["supervisor-full"]
    last = document(seeded("history", "2", "--json"))[-1]
    assert last["overrides"] == ["supervisor-full"]
    (sven, _) = document(seeded("supervisor", "list", "--json"))
    assert (sven["load"], sven["free"]) == (2, 0)


def test_deactivating_a_supervisor_lists_open_placements_masked_and_refuses_new_ones(
    seeded: Kivo,
) -> None:
    ran = seeded("supervisor", "deactivate", "1")
    assert ran.code == 0, ran.err
    assert "supervisor 1 deactivated; 1 open placement(s) to resolve" in ran.out
    assert "Amina Haddad 19980412-****" in ran.out
    assert "Anna Lindqvist (1)" in ran.out
    assert "3389" not in ran.out
    again = document(seeded("supervisor", "deactivate", "1", "--json"))
    assert again["was_active"] is False
    (placement,) = again["placements"]
    assert (placement["case_id"], placement["personnummer"]) == (1, "19980412-****")
    assert (placement["caseworker"], placement["start"], placement["planned_end"]) == (
        "Anna Lindqvist",
        "2026-01-19",
        "2026-03-31",
    )
    assert seeded("supervisor", "deactivate", "2").code == 0
    refused = seeded("advance", "2", "short-practice", "--supervisor", "2")
    assert refused.code == 3
    assert "[supervisor-inactive]" in refused.err


def test_deactivating_a_workplace_lists_its_open_placements_and_refuses_new_ones(
    seeded: Kivo,
) -> None:
    done = document(seeded("workplace", "deactivate", "1", "--json"))
    assert (done["kind"], done["id"], done["was_active"]) == ("workplace", 1, True)
    assert [p["case_id"] for p in done["placements"]] == [1]
    again = seeded("workplace", "deactivate", "1")
    assert "workplace 1 was already inactive; 1 open placement(s) to resolve" in again.out
    empty = seeded("workplace", "deactivate", "2")
    assert "workplace 2 deactivated; 0 open placement(s) to resolve" in empty.out
    ran = seeded("advance", "2", "fixed-term", "--workplace", "1", "--until", "2026-09-30")
    assert ran.code == 3
    assert "[workplace-inactive]" in ran.err
    listed = document(seeded("workplace", "list", "--json"))
    assert [w["active"] for w in listed] == [False, False]


def test_a_coordinator_overrides_an_extension_beyond_the_programmes_limits(
    seeded: Kivo,
) -> None:
    before = history_length(seeded, "1")
    for args, code, says in (
        (("--by", "1", "--override", "x"), 3, "override-not-permitted"),
        (("--by", "2", "--override", " "), 2, "written reason"),
        (("--override", "why"), 3, "only a coordinator"),
    ):
        ran = seeded("placement", "extend", "1", "--until", "2026-12-31", *args)
        assert (ran.code, "Traceback" in ran.err) == (code, False), ran
        assert says in ran.err
    assert history_length(seeded, "1") == before

    done = document(
        seeded(
            "placement",
            "extend",
            "1",
            "--until",
            "2026-12-31",
            "--by",
            "2",
            "--override",
            "job offer in January",
            "--json",
        )
    )

    assert set(done["overridden"]) == {"programme-too-long", "programme-total-too-long"}
    last = document(seeded("history", "1", "--json"))[-1]
    assert last["kind"] == "extended"
    assert set(last["overrides"]) == {"programme-too-long", "programme-total-too-long"}
    assert last["data"]["override_reason"] == "job offer in January"
    more = ("--until", "2027-01-31", "--by", "2", "--override", "still waiting")
    text = seeded("placement", "extend", "1", *more)
    assert "overridden by a coordinator: programme-total-too-long" in text.out


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("supervisor", "deactivate", "9"), 4, "no supervisor with id 9"),
        (("workplace", "deactivate", "9"), 4, "no workplace with id 9"),
        (("supervisor", "deactivate", "x"), 2, "is not an id"),
        (("workplace", "deactivate", "19980412-3389"), 2, "personal data"),
        (("supervisor", "list", "--workplace", "9"), 4, "no workplace with id 9"),
        (("supervisor", "list", "--workplace", "one"), 2, "is not an id"),
    ],
)
def test_an_unknown_or_malformed_id_is_named_without_a_traceback(
    kivo_cli: Kivo, args: tuple[str, ...], code: int, says: str
) -> None:
    ran = kivo_cli(*args)
    assert ran.code == code, ran
    assert says in ran.err
    assert "Traceback" not in ran.out + ran.err
    assert "3389" not in ran.out + ran.err


def test_extending_a_placement_whose_supervisor_left_warns_and_still_extends(
    seeded: Kivo,
) -> None:
    assert seeded("supervisor", "deactivate", "1").code == 0

    ran = seeded("placement", "extend", "1", "--until", "2026-04-15", "--json")
    text = seeded("placement", "extend", "1", "--until", "2026-04-20")

    codes = [w["code"] for w in document(ran)["warnings"]]
    assert codes == ["extension-supervisor-inactive"]
    assert text.code == 0, text.err
    assert "extension-supervisor-inactive" in text.out + text.err
    assert "Sven Berg" in text.out + text.err


def test_when_a_supervisor_leaves_the_placement_goes_on_with_a_new_one(seeded: Kivo) -> None:
    left = seeded("supervisor", "deactivate", "1")
    assert "kivo placement supervisor CASE --supervisor ID" in left.out
    assert seeded("meeting", "schedule", "1", "--at", "2026-03-20T10:00").code == 0
    before = history_length(seeded, "1")
    untrained = seeded("placement", "supervisor", "1", "--supervisor", "2")
    assert untrained.code == 3
    assert "[supervisor-untrained]" in untrained.err
    assert history_length(seeded, "1") == before

    done = document(
        seeded(
            *("placement", "supervisor", "1", "--supervisor", "2", "--reason", "Sven har slutat"),
            *("--by", "2", "--override", "Eva utbildas i april", "--json"),
        )
    )

    assert (done["old_supervisor_id"], done["new_supervisor_id"]) == (1, 2)
    assert (done["changed_on"], done["meetings_moved"]) == ("2026-03-02", 1)
    assert done["overridden"] == ["supervisor-untrained"]
    last = document(seeded("history", "1", "--json"))[-1]
    assert (last["kind"], last["reason"], last["by_id"]) == (
        "supervisor_changed",
        "Sven har slutat",
        2,
    )
    assert last["data"]["override_reason"] == "Eva utbildas i april"
    (meeting,) = document(seeded("meeting", "list", "--case", "1", "--json"))
    assert meeting["supervisor"] == "Eva Holm"
    loads = document(seeded("supervisor", "list", "--json"))
    assert [(s["id"], s["load"]) for s in loads] == [(1, 0), (2, 1)]
    extended = document(seeded("placement", "extend", "1", "--until", "2026-04-15", "--json"))
    assert extended["warnings"] == []
    checks = {c["name"]: c["status"] for c in document(seeded("doctor", "--json"))["checks"]}
    assert checks["history"] == "ok"  # the history with the change replays to the state


def test_a_supervisor_change_says_what_it_did_and_refuses_another_workplace(
    seeded: Kivo,
) -> None:
    for line in (
        "supervisor add 'Lina Ek' --workplace 1 --trained-on 2025-01-10",
        "supervisor add 'Per Hamn' --workplace 2 --trained-on 2025-01-10",
    ):
        assert seeded(*shlex.split(line)).code == 0
    before = history_length(seeded, "1")
    elsewhere = seeded("placement", "supervisor", "1", "--supervisor", "4")
    same = seeded("placement", "supervisor", "1", "--supervisor", "1")
    assert (elsewhere.code, same.code) == (2, 2)
    assert "supervisor 4 works at workplace 2, the placement is at workplace 1" in elsewhere.err
    assert "supervisor 1 already supervises placement 1" in same.err
    assert history_length(seeded, "1") == before

    ran = seeded("placement", "supervisor", "1", "--supervisor", "3", "--on", "2026-02-20")

    assert ran.code == 0, ran.err
    assert ran.out.strip() == (
        "case 1: placement 1 moved from supervisor 1 to supervisor 3 on 2026-02-20; "
        "0 scheduled meeting(s) now invite the new supervisor"
    )
    assert history_length(seeded, "1") == before + 1
