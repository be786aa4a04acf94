"""Places (platser): what a workplace offers, from the first talk to filled.

Each use case is one transaction: the place and its event together, or nothing. The
lifecycle and the vocabulary are ``states.places``; taking and releasing a position
(``take_position``, ``release_position``) run inside a caller's unit of work, so the
proposal's accept can take a position in the same transaction as the case's move.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pathway.context import Kivo
from pathway.errors import Refused
from pathway.ports import UnitOfWork
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.names import checked_name
from states.places import (
    EVENT_OF,
    MAX_HOURS,
    MAX_POSITIONS,
    MAX_TASK,
    MAX_TASKS,
    LeadTime,
    Place,
    PlaceEvent,
    PlaceStatus,
    check_count,
    checked_text,
    first_contacts,
    lead_time,
    parse_place_steps,
    parse_requirements,
    parse_status,
    transition_problem,
)
from states.profiles import parse_interests
from states.reports import percentile
from states.violations import Violation, structural


@dataclass(frozen=True)
class PlaceEventLine:
    seq: int
    kind: str
    from_status: str | None
    to_status: str | None
    on: date
    by_id: int | None
    reason: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlaceView:
    id: int
    workplace_id: int
    workplace: str
    employer: str | None
    title: str
    status: str
    status_on: date
    created_on: date
    positions: int
    taken: int
    free: int
    steps: list[int]
    programmes: list[str]
    tasks: list[str]
    requirements: list[str]
    requirements_note: str | None
    hours: int | None
    municipality: str | None
    supervisor_id: int | None
    supervisor: str | None
    earliest_start: date | None
    version: int
    history: list[PlaceEventLine] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlaceLine:
    id: int
    workplace_id: int
    workplace: str
    title: str
    status: str
    status_on: date
    steps: list[int]
    programmes: list[str]
    positions: int
    taken: int
    free: int
    hours: int | None
    municipality: str | None
    earliest_start: date | None


@dataclass(frozen=True)
class PlaceChange:
    place_id: int
    kind: str
    from_status: str | None
    to_status: str
    on: date
    taken: int
    positions: int
    version: int


def add_place(
    kivo: Kivo,
    workplace_id: int,
    *,
    title: str,
    positions: int,
    steps: Sequence[int | str],
    programmes: Sequence[str] = (),
    requires: Sequence[str] = (),
    requires_note: str | None = None,
    hours: int | None = None,
    municipality: str | None = None,
    supervisor_id: int | None = None,
    earliest_start: date | None = None,
    tasks: Sequence[str] = (),
    areas: Sequence[str] = (),
    on: date | None = None,
    by: int | None = None,
) -> PlaceChange:
    """Record a place a workplace offers, at the ``contact`` stage; every value checked
    before anything is written. ``areas``: its occupational areas (``states.profiles``),
    which a participant's interests are matched with."""
    today = kivo.today()
    day = _day(on, today)
    place_steps = parse_place_steps(",".join(str(s) for s in steps)) if steps else []
    if not place_steps:
        raise InvalidInput(
            Message(
                N_("a place needs the steps it suits ({how} 2,7)"),
                {"how": Hint("steps", "--steps")},
            ),
            field="steps",
        )
    codes = _programmes(kivo, programmes, place_steps)
    if len(tasks) > MAX_TASKS:
        raise InvalidInput(
            Message(N_("a place has at most {most} task lines"), {"most": MAX_TASKS}),
            field="task",
        )
    place = Place(
        workplace_id=workplace_id,
        title=checked_text(title, N_("the title"), today=today, limit=200, field_name="title"),
        positions=check_count(positions, N_("positions"), 1, MAX_POSITIONS),
        steps=place_steps,
        status=PlaceStatus.CONTACT.value,
        status_on=day,
        created_on=day,
        programmes=codes,
        tasks=[
            checked_text(t, N_("a task line"), today=today, limit=MAX_TASK, field_name="task")
            for t in tasks
        ],
        requirements=parse_requirements(list(requires)),
        requirements_note=None
        if requires_note is None
        else checked_text(
            requires_note,
            N_("the requirements note"),
            today=today,
            limit=500,
            field_name="requires",
        ),
        hours=None if hours is None else check_count(hours, N_("hours"), 1, MAX_HOURS),
        municipality=None
        if municipality is None
        else checked_name(municipality, N_("the municipality"), today=today, field="municipality"),
        supervisor_id=supervisor_id,
        earliest_start=earliest_start,
        areas=parse_interests(areas),
    )
    with kivo.uow() as uow:
        _may_offer(uow, workplace_id, supervisor_id)
        _actor(uow, by)
        uow.places.add(place)
        _event(kivo, uow, place, "created", None, day, by, None, data={"positions": positions})
        uow.commit()
    return _change(place, "created", None, day)


def _may_offer(uow: UnitOfWork, workplace_id: int, supervisor_id: int | None) -> None:
    """Refused unless the workplace is active and the supervisor, if named, is an active
    one of its own."""
    workplace = uow.workplaces.get(workplace_id)
    if not workplace.active:
        raise Refused.saying(
            Message(
                N_("workplace {workplace} is inactive: it offers no new places"),
                {"workplace": workplace_id},
            ),
            [structural("workplace-inactive", Message(N_("the workplace is inactive")))],
        )
    if supervisor_id is not None:
        supervisor = uow.supervisors.get(supervisor_id)
        if supervisor.workplace_id != workplace_id:
            raise InvalidInput(
                Message(
                    N_(
                        "supervisor {supervisor} works at workplace {theirs}, "
                        "not at workplace {workplace}"
                    ),
                    {
                        "supervisor": supervisor_id,
                        "theirs": supervisor.workplace_id,
                        "workplace": workplace_id,
                    },
                ),
                field="supervisor",
            )
        if not supervisor.active:
            raise Refused.saying(
                Message(N_("supervisor {supervisor} is inactive"), {"supervisor": supervisor_id}),
                [structural("supervisor-inactive", Message(N_("the supervisor is inactive")))],
            )


def agree_place(
    kivo: Kivo, place_id: int, *, on: date | None = None, by: int | None = None
) -> PlaceChange:
    """The employer and the programme agree the tasks, supervisor and terms."""
    return change_status(kivo, place_id, PlaceStatus.AGREED, on=on, by=by)


def open_place(
    kivo: Kivo, place_id: int, *, on: date | None = None, by: int | None = None
) -> PlaceChange:
    """The place is ready to take participants."""
    return change_status(kivo, place_id, PlaceStatus.OPEN, on=on, by=by)


def cancel_place(
    kivo: Kivo, place_id: int, *, reason: str | None, on: date | None = None, by: int | None = None
) -> PlaceChange:
    """The place will not be (or no longer is) offered; the reason is required."""
    if reason is None or not reason.strip():
        raise InvalidInput(
            Message(N_("cancelling a place needs {how}"), {"how": Hint("reason", "--reason")}),
            field="reason",
        )
    return change_status(kivo, place_id, PlaceStatus.CANCELLED, on=on, by=by, reason=reason)


def change_status(
    kivo: Kivo,
    place_id: int,
    wanted: PlaceStatus | str,
    *,
    on: date | None = None,
    by: int | None = None,
    reason: str | None = None,
) -> PlaceChange:
    """Move a place along its lifecycle as a person asks (agree, open, cancel); any
    other move is refused naming from and to (exit 3)."""
    today = kivo.today()
    target = wanted if isinstance(wanted, PlaceStatus) else parse_status(wanted)
    day = _day(on, today)
    if reason is not None:
        reason = checked_text(reason, N_("the reason"), today=today, limit=500, field_name="reason")
    with kivo.uow() as uow:
        place = uow.places.locked(place_id)
        _actor(uow, by)
        current = PlaceStatus(place.status)
        problem = transition_problem(current, target)
        if problem is not None:
            raise Refused.saying(
                Message(
                    N_("place {place}: {problem}"), {"place": place_id, "problem": said(problem)}
                ),
                [problem],
            )
        _not_before(place, day)
        kind = EVENT_OF[target]
        _move(kivo, uow, place, target, kind, day, by, reason)
        if target is PlaceStatus.CANCELLED:  # its open proposals close with it
            uow.proposals.close_open_for_place(
                place_id, day, f"the place was cancelled: {reason}" if reason else "", by
            )
        uow.commit()
    return _change(place, kind, current.value, day)


def take_position(
    kivo: Kivo,
    uow: UnitOfWork,
    place_id: int,
    *,
    on: date,
    by: int | None = None,
    case_id: int | None = None,
) -> Place:
    """Take one of an open place's positions inside the caller's transaction (the
    caller commits); the last one fills the place. Refused when the place is not open
    or has no position free: never more taken than positions, the row being locked."""
    place = uow.places.locked(place_id)
    if place.status != PlaceStatus.OPEN.value:
        code = "place-full" if place.status == PlaceStatus.FILLED.value else "place-not-open"
        raise Refused.saying(
            Message(
                N_("place {place} is {status}: no position can be taken"),
                {"place": place_id, "status": Message(place.status)},
            ),
            [structural(code, is_status(place.status), status=place.status)],
        )
    _not_before(place, on)
    place.taken += 1
    data = {"case_id": case_id} if case_id is not None else {}
    _event(kivo, uow, place, "taken", None, on, by, None, data=data)
    if place.taken >= place.positions:
        _move(kivo, uow, place, PlaceStatus.FILLED, "filled", on, by, None)
    else:
        uow.places.save(place)
    return place


def release_position(
    kivo: Kivo,
    uow: UnitOfWork,
    place_id: int,
    *,
    on: date,
    by: int | None = None,
    case_id: int | None = None,
    reason: str | None = None,
    left_on: date | None = None,
) -> Place:
    """Give a taken position back inside the caller's transaction; a filled place
    opens again. Refused when no position is taken. ``left_on``: the day a participant
    left, released automatically (``pathway.place_release``): recorded on the place's
    last change when it is earlier, so the leaving is never refused for the place."""
    place = uow.places.locked(place_id)
    if place.taken <= 0:
        raise Refused.saying(
            Message(N_("place {place} has no position taken to release"), {"place": place_id}),
            [structural("place-none-taken", Message(N_("no position of the place is taken")))],
        )
    if left_on is not None:
        on = max(left_on, place.status_on)
    _not_before(place, on)
    place.taken -= 1
    data: dict[str, Any] = {"case_id": case_id} if case_id is not None else {}
    if left_on is not None:
        data["left_on"] = left_on.isoformat()
    _event(kivo, uow, place, "released", None, on, by, reason, data=data)
    if place.status == PlaceStatus.FILLED.value:
        _move(kivo, uow, place, PlaceStatus.OPEN, "reopened", on, by, None)
    else:
        uow.places.save(place)
    return place


def take(
    kivo: Kivo, place_id: int, *, on: date | None = None, by: int | None = None
) -> PlaceChange:
    """``take_position`` in a transaction of its own."""
    day = _day(on, kivo.today())
    with kivo.uow() as uow:
        place = take_position(kivo, uow, place_id, on=day, by=by)
        uow.commit()
    return _change(place, "taken", None, day)


def release(
    kivo: Kivo, place_id: int, *, on: date | None = None, by: int | None = None
) -> PlaceChange:
    """``release_position`` in a transaction of its own."""
    day = _day(on, kivo.today())
    with kivo.uow() as uow:
        place = release_position(kivo, uow, place_id, on=day, by=by)
        uow.commit()
    return _change(place, "released", None, day)


def show_place(kivo: Kivo, place_id: int) -> PlaceView:
    with kivo.uow(read_only=True) as uow:
        place = uow.places.get(place_id)
        workplace = uow.workplaces.get(place.workplace_id)
        supervisor = uow.supervisors.find(place.supervisor_id) if place.supervisor_id else None
        events = uow.places.events(place_id)
    return PlaceView(
        id=_id(place.id),
        workplace_id=place.workplace_id,
        workplace=workplace.name,
        employer=workplace.employer,
        title=place.title,
        status=place.status,
        status_on=place.status_on,
        created_on=place.created_on,
        positions=place.positions,
        taken=place.taken,
        free=place.free,
        steps=place.steps,
        programmes=place.programmes,
        tasks=place.tasks,
        requirements=place.requirements,
        requirements_note=place.requirements_note,
        hours=place.hours,
        municipality=place.municipality,
        supervisor_id=place.supervisor_id,
        supervisor=supervisor.name if supervisor else None,
        earliest_start=place.earliest_start,
        version=place.version,
        areas=place.areas,
        history=[
            PlaceEventLine(
                e.seq, e.kind, e.from_status, e.to_status, e.on, e.actor_id, e.reason, e.data
            )
            for e in events
        ],
    )


def list_places(
    kivo: Kivo,
    *,
    status: str | None = None,
    step: int | str | None = None,
    workplace_id: int | None = None,
    limit: int | None = 50,
) -> list[PlaceLine]:
    wanted = parse_status(status).value if status is not None else None
    number = parse_place_steps(str(step))[0] if step is not None else None
    if limit is not None:
        check_count(limit, N_("limit"), 1, 100_000)
    with kivo.uow(read_only=True) as uow:
        if workplace_id is not None:
            uow.workplaces.get(workplace_id)
        places = uow.places.listing(
            status=wanted, step=number, workplace_id=workplace_id, limit=limit
        )
        names = {w.id: w.name for w in uow.workplaces.all()}
    return [
        PlaceLine(
            id=_id(p.id),
            workplace_id=p.workplace_id,
            workplace=names.get(p.workplace_id, ""),
            title=p.title,
            status=p.status,
            status_on=p.status_on,
            steps=p.steps,
            programmes=p.programmes,
            positions=p.positions,
            taken=p.taken,
            free=p.free,
            hours=p.hours,
            municipality=p.municipality,
            earliest_start=p.earliest_start,
        )
        for p in places
    ]


# --- the report ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatusLine:
    status: str
    places: int
    positions: int
    taken: int
    median_age_days: int | None  # days since the places entered the status
    oldest_days: int | None


@dataclass(frozen=True)
class FillLine:
    """How full the places live now (open or filled) are, per workplace or programme."""

    by: str  # "workplace" or "programme"
    key: str  # the workplace id or the programme code ("none": a place under none)
    name: str
    places: int
    positions: int
    taken: int
    rate_percent: int  # taken of positions, rounded down


@dataclass(frozen=True)
class PlacesReport:
    on: date
    by_status: list[StatusLine]
    lead_times: list[LeadTime]  # first employer contact → open, → filled, → in place
    fill: list[FillLine] = field(default_factory=list)
    # Open places no active case passes the hard constraints for; ``None`` until the
    # matching engine is wired in (``hard_to_match``).
    hard_to_match: list[int] | None = None


LIVE = (PlaceStatus.OPEN.value, PlaceStatus.FILLED.value)
NO_PROGRAMME = "none"


def hard_to_match(kivo: Kivo, place_ids: Sequence[int]) -> list[int]:
    """Of these open places, those for which no active case passes the hard constraints
    (the move into the place's step allowed by the rules, the requirements met): the
    matching engine's own filter (``kivo match place``), asked for one candidate each."""
    from pathway.matching import candidates_for_place  # matching builds on places

    with kivo.uow(read_only=True) as uow:
        return [
            place_id
            for place_id in place_ids
            if not candidates_for_place(kivo, uow, uow.places.get(place_id), limit=1)
        ]


def places_report(kivo: Kivo) -> PlacesReport:
    """Places by status and how long they have been there; the lead time from the
    first employer contact to the place open, to filled and to its first person in place
    (a position taken: an accepted proposal), median and p90 over the places that got
    there; the fill rate of the live places (open or filled) per workplace and per
    programme; the hard-to-match open places when the matching engine says."""
    today = kivo.today()
    with kivo.uow(read_only=True) as uow:
        places = uow.places.listing()
        events = uow.places.events_of([_id(p.id) for p in places])
        contacts = uow.employer_contacts.days_by_workplace()
        names = {w.id: w.name for w in uow.workplaces.all()} if places else {}
    by_status: list[StatusLine] = []
    for status in PlaceStatus:
        those = [p for p in places if p.status == status.value]
        ages = [(today - p.status_on).days for p in those]
        by_status.append(
            StatusLine(
                status=status.value,
                places=len(those),
                positions=sum(p.positions for p in those),
                taken=sum(p.taken for p in those),
                median_age_days=percentile(ages, 50),
                oldest_days=max(ages, default=None),
            )
        )
    first = first_contacts([(_id(p.id), p.workplace_id, p.created_on) for p in places], contacts)
    spans: dict[str, list[tuple[date, date]]] = {"open": [], "filled": [], "in place": []}
    for place_id, history in events.items():
        for stage, kind in (("open", "opened"), ("filled", "filled"), ("in place", "taken")):
            reached = next((e.on for e in history if e.kind == kind), None)
            if reached is not None:
                spans[stage].append((first[place_id], reached))
    live = [p for p in places if p.status in LIVE]
    open_ids = [_id(p.id) for p in live if p.status == PlaceStatus.OPEN.value]
    return PlacesReport(
        on=today,
        by_status=by_status,
        lead_times=[lead_time(stage, found) for stage, found in spans.items()],
        fill=fill_lines(live, names),
        hard_to_match=hard_to_match(kivo, open_ids) if open_ids else [],
    )


def fill_lines(live: Sequence[Place], names: dict[int | None, str]) -> list[FillLine]:
    """The fill rate per workplace, then per programme (a place under several counts
    under each; one under none under ``none``), each by key."""
    groups: dict[tuple[str, str], list[Place]] = {}
    for place in live:
        groups.setdefault(("workplace", str(place.workplace_id)), []).append(place)
        for code in place.programmes or [NO_PROGRAMME]:
            groups.setdefault(("programme", code), []).append(place)
    lines = []
    for (by, key), those in groups.items():
        positions = sum(p.positions for p in those)
        taken = sum(p.taken for p in those)
        name = names.get(int(key), "") if by == "workplace" else key
        lines.append(
            FillLine(by, key, name, len(those), positions, taken, taken * 100 // positions)
        )
    return sorted(lines, key=lambda f: (f.by != "workplace", f.key.zfill(12)))


@dataclass(frozen=True)
class LetterPlace:
    id: int
    title: str
    workplace_id: int
    workplace: str
    status: str
    steps: list[int]
    free: int
    earliest_start: date | None


@dataclass(frozen=True)
class PlacesInLetter:
    """The weekly letter's places: open ones with a position free (ongoing) and agreed
    ones about to open (coming), oldest first; the hard-to-match ones when known."""

    open: list[LetterPlace]
    upcoming: list[LetterPlace]
    hard_to_match: list[int] | None


def places_for_letter(kivo: Kivo) -> PlacesInLetter:
    with kivo.uow(read_only=True) as uow:
        found = [
            p
            for p in uow.places.listing()
            if p.status in (PlaceStatus.OPEN.value, PlaceStatus.AGREED.value)
        ]
        names = {w.id: w.name for w in uow.workplaces.all()} if found else {}
    lines = [
        LetterPlace(
            _id(p.id),
            p.title,
            p.workplace_id,
            names.get(p.workplace_id, ""),
            p.status,
            p.steps,
            p.free,
            p.earliest_start,
        )
        for p in found
    ]
    open_ids = [line.id for line in lines if line.status == PlaceStatus.OPEN.value]
    return PlacesInLetter(
        open=[line for line in lines if line.status == PlaceStatus.OPEN.value],
        upcoming=[line for line in lines if line.status == PlaceStatus.AGREED.value],
        hard_to_match=hard_to_match(kivo, open_ids) if open_ids else [],
    )


# --- helpers --------------------------------------------------------------------------
def said(problem: Violation) -> Message | str:
    """A violation's sentence as a clause of a refusal's head: from the catalogue when
    it is there, else its English."""
    return problem.said if problem.said is not None else problem.message


def is_status(status: str) -> Message:
    """ "the place is open": the structural violation of a place not taking more."""
    return Message(N_("the place is {status}"), {"status": Message(status)})


def _programmes(kivo: Kivo, codes: Sequence[str], steps: list[int]) -> list[str]:
    found: list[str] = []
    for code in codes:
        programme = kivo.catalogue.get(code)
        if not programme.steps & set(steps):
            raise InvalidInput(
                Message(
                    N_(
                        "programme {programme} runs steps {runs}, none of the place's steps {steps}"
                    ),
                    {
                        "programme": programme.code,
                        "runs": _numbers(programme.steps),
                        "steps": _numbers(steps),
                    },
                ),
                field="programme",
            )
        if programme.code not in found:
            found.append(programme.code)
    return found


def _numbers(steps: Iterable[int]) -> str:
    return ", ".join(map(str, sorted(steps)))


def _day(on: date | None, today: date) -> date:
    if on is None:
        return today
    if on > today:
        raise InvalidInput(
            Message(
                N_("{how} {on} is after today: record a change once it happened"),
                {"how": Hint("on", "--on"), "on": on.isoformat()},
            ),
            field="on",
        )
    return on


def _not_before(place: Place, day: date) -> None:
    if day < place.status_on:
        raise InvalidInput(
            Message(
                N_("{how} {on} is before the place's last change ({status} on {last})"),
                {
                    "how": Hint("on", "--on"),
                    "on": day.isoformat(),
                    "status": Message(place.status),
                    "last": place.status_on.isoformat(),
                },
            ),
            field="on",
        )


def _actor(uow: UnitOfWork, by: int | None) -> None:
    if by is not None:
        uow.caseworkers.get(by)


def _move(
    kivo: Kivo,
    uow: UnitOfWork,
    place: Place,
    target: PlaceStatus,
    kind: str,
    day: date,
    by: int | None,
    reason: str | None,
) -> None:
    before = place.status
    place.status, place.status_on = target.value, day
    uow.places.save(place)
    _event(kivo, uow, place, kind, before, day, by, reason)


def _event(
    kivo: Kivo,
    uow: UnitOfWork,
    place: Place,
    kind: str,
    before: str | None,
    day: date,
    by: int | None,
    reason: str | None,
    data: dict[str, Any] | None = None,
) -> None:
    moved = kind not in ("taken", "released")
    uow.places.append_event(
        PlaceEvent(
            place_id=_id(place.id),
            seq=0,
            kind=kind,
            on=day,
            recorded_at=kivo.now(),
            from_status=before if moved else None,
            to_status=place.status if moved else None,
            actor_id=by,
            reason=reason,
            data={**(data or {}), "taken": place.taken},
        )
    )


def _change(place: Place, kind: str, before: str | None, day: date) -> PlaceChange:
    return PlaceChange(
        place_id=_id(place.id),
        kind=kind,
        from_status=before,
        to_status=place.status,
        on=day,
        taken=place.taken,
        positions=place.positions,
        version=place.version,
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value
