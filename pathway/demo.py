"""A realistic demo caseload, built through the real use cases so its history is true.

Deterministic (seeded) and relative to the injected clock, so ``KIVO_NOW`` gives the
same demo every time. Running it twice changes nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from pathway import directory, enrolment, moves
from pathway.context import Kivo
from pathway.errors import Refused
from states.case import ALL_STATES, Group, Outcome
from states.personnummer import luhn_check_digit
from states.records import Supervisor
from states.steps import Step

MARKER = "samordnare@demo.kivo.se"
FIRST = [
    "Amina",
    "Johan",
    "Leila",
    "Erik",
    "Sara",
    "Ahmed",
    "Maja",
    "Nour",
    "Oskar",
    "Fatima",
    "Linnea",
    "Yusuf",
    "Elin",
    "Hassan",
    "Ida",
    "Omar",
    "Klara",
    "Samir",
]
LAST = [
    "Lindqvist",
    "Haddad",
    "Berg",
    "Nilsson",
    "Ali",
    "Karlsson",
    "Hussein",
    "Ek",
    "Jönsson",
    "Mohamud",
    "Sandberg",
    "Öberg",
]
PATHS: list[list[object]] = [
    [1, 2, 7, 9, Outcome.EMPLOYED],
    [1, 4, 5, 6, 8],
    [1, 2, ("fall-back", 1, "the practice ended early; needs clearer information first"), 3, 4],
    [1, 3, "pause", "resume", 5, 6],
    [1, 2, 9, Outcome.EMPLOYED],
    [1, Outcome.DECLINED],
    [1, 4, Outcome.STUDIES],
    [2, 7, ("fall-back", 2, "the fixed-term job ended; back to practice"), 9],
]


@dataclass(frozen=True)
class DemoSummary:
    database: str
    already_present: bool
    cases: int
    states: dict[str, int]


# A programme each workplace step may run under (see `kivo programme list`).
DEMO_PROGRAMMES = {2: "PRAKTIK", 3: "PRAKTIK", 6: "APL", 7: "SAVA", 8: "YA", 9: "LONESTOD"}


def build_demo(kivo: Kivo, size: int = 36, seed: int = 2026) -> DemoSummary:
    with kivo.uow(read_only=True) as uow:
        present = any(w.email == MARKER for w in uow.caseworkers.all())
    if not present:
        _build(kivo, size, random.Random(seed))
    with kivo.uow(read_only=True) as uow:
        cases = uow.queries.caseload()
    states = Counter(case.state for case in cases)
    ordered = {state: states[state] for state in ALL_STATES if states[state]}
    return DemoSummary(kivo.database, present, len(cases), ordered)


def _build(kivo: Kivo, size: int, rng: random.Random) -> None:
    today = kivo.today()
    directory.add_caseworker(kivo, "Karin Samordnare", email=MARKER, role="coordinator")
    workers = [
        directory.add_caseworker(kivo, name, email=f"{name.split()[0].lower()}@demo.kivo.se")
        for name in ("Anna Lindqvist", "Mehmet Yilmaz")
    ]
    supervisors = []
    for name, employer in [
        ("Visby bageri", "Bageriet AB"),
        ("Region Gotland, äldreomsorg", "Region Gotland"),
        ("Hamnens verkstad", "Hamnen AB"),
    ]:
        place = directory.add_workplace(kivo, name, employer=employer)
        assert place.id is not None
        for number in range(1, _supervisors_per_workplace(size) + 1):
            trained = today - timedelta(days=rng.randint(60, 700))
            supervisors.append(
                directory.add_supervisor(
                    kivo,
                    f"Handledare {name.split()[0]} {number}",
                    workplace_id=place.id,
                    trained_on=trained,
                    capacity=3,
                )
            )
    for number in range(size):
        worker = workers[number % len(workers)]
        start = today - timedelta(days=rng.randint(20, 420))
        case_id = _enrol(kivo, rng, worker.id, start)
        _walk(kivo, rng, case_id, start, PATHS[number % len(PATHS)], supervisors)


def _supervisors_per_workplace(size: int) -> int:
    """Enough supervisors (3 places each) that the capacity rule shapes the demo without
    stopping most of it: about one supervisor per 15 participants at each workplace."""
    return max(1, -(-size // 15))


def _enrol(kivo: Kivo, rng: random.Random, worker_id: int | None, start: date) -> int:
    born = date(rng.randint(1965, 2005), rng.randint(1, 12), rng.randint(1, 28))
    digits = born.strftime("%y%m%d") + f"{rng.randint(0, 999):03d}"
    groups = rng.sample(
        [g.value for g in (Group.LONG_TERM_UNEMPLOYED, Group.NEWLY_ARRIVED)], k=rng.randint(0, 1)
    )
    result = enrolment.enrol(
        kivo,
        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        personnummer=digits[:6] + "-" + digits[6:] + str(luhn_check_digit(digits)),
        gender=rng.choice(["woman", "man", "woman", "man", "non-binary"]),
        groups=groups,
        caseworker_id=worker_id,
        consent=rng.random() < 0.8,
        on=start,
    )
    return result.case_id


def _walk(
    kivo: Kivo,
    rng: random.Random,
    case_id: int,
    day: date,
    path: list[object],
    supervisors: list[Supervisor],
) -> None:
    """Follow a scripted path until today; a refusal leaves the case where it stands."""
    for move in path:
        day += timedelta(days=rng.randint(14, 75))
        if day > kivo.today():
            return
        try:
            _one(kivo, rng, case_id, day, move, supervisors)
        except Refused:
            if isinstance(move, int) and rng.random() < 0.5:
                continue  # the caseworker tries the next step of the plan instead
            return


def _one(
    kivo: Kivo,
    rng: random.Random,
    case_id: int,
    day: date,
    move: object,
    supervisors: list[Supervisor],
) -> None:
    if isinstance(move, Outcome):
        moves.exit_case(kivo, case_id, outcome=move, on=day)
    elif move == "pause":
        moves.pause(kivo, case_id, reason="parental leave", on=day)
    elif move == "resume":
        moves.resume(kivo, case_id, on=day)
    elif isinstance(move, tuple):
        moves.fall_back(kivo, case_id, Step(move[1]), reason=move[2], on=day)
    else:
        assert isinstance(move, int)
        supervisor = rng.choice(supervisors)
        at_workplace = Step(move).at_workplace  # a step at no workplace takes no placement
        moves.advance(
            kivo,
            case_id,
            Step(move),
            on=day,
            supervisor_id=supervisor.id if at_workplace else None,
            workplace_id=supervisor.workplace_id if at_workplace else None,
            programme=DEMO_PROGRAMMES.get(move),
            until=day + timedelta(days=rng.randint(60, 180)),
        )
