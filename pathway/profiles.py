"""A participant's profile for matching, set and shown by case.

The profile belongs to the person, so it follows them into a later case. Each field
given replaces that field whole (``--language swedish:B1 --language english:A2``: the
languages are exactly these), ``clear`` empties one; every field that changed is logged
(``kivo changes participant CASE``) with who changed it, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pathway import actors
from pathway.context import Kivo
from pathway.editing import ChangeLine, _line
from states.changes import PERSON, changed
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.profiles import (
    FIELDS,
    Profile,
    heaviest_allowed,
    parse_adaptations,
    parse_certificates,
    parse_fields,
    parse_interests,
    parse_languages,
    parse_licences,
    parse_max_hours,
    parse_municipality,
)


@dataclass(frozen=True)
class ProfileView:
    case_id: int
    person_id: int
    participant: str
    interests: list[str]
    languages: list[str]
    licences: list[str]
    certificates: list[str]
    max_hours: int | None
    municipality: str | None
    adaptations: list[str]
    heaviest_physical: str  # the heaviest physical demand the adaptations allow
    recorded: bool  # whether a profile was ever set
    changes: list[ChangeLine] = field(default_factory=list)


def set_profile(
    kivo: Kivo,
    case_id: int,
    *,
    interests: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    licences: Sequence[str] | None = None,
    certificates: Sequence[str] | None = None,
    max_hours: int | None = None,
    municipality: str | None = None,
    adaptations: Sequence[str] | None = None,
    clear: Sequence[str] = (),
    by: int | None = None,
) -> ProfileView:
    """Set the fields given, empty those in ``clear``; the view lists what changed."""
    wanted: dict[str, object] = {}
    if interests is not None:
        wanted["interests"] = parse_interests(interests)
    if languages is not None:
        wanted["languages"] = parse_languages(languages)
    if licences is not None:
        wanted["licences"] = parse_licences(licences)
    if certificates is not None:
        wanted["certificates"] = parse_certificates(certificates)
    if max_hours is not None:
        wanted["max_hours"] = parse_max_hours(max_hours)
    if municipality is not None:
        wanted["municipality"] = parse_municipality(municipality)
    for name in parse_fields(clear):
        if name in wanted:
            raise _given_and_cleared(name)
        wanted[name] = [] if name not in ("max_hours", "municipality") else None
    if adaptations is not None:
        if "adaptations" in wanted:
            raise _given_and_cleared("adaptations")
        wanted["adaptations"] = parse_adaptations(adaptations)
    if not wanted:
        raise InvalidInput(Message(N_("nothing to set: give {how}"), {"how": ANY_FIELD}))
    if by is None:
        raise InvalidInput(
            Message(
                N_("say who changes the profile: give {how} with your caseworker id"),
                {"how": Hint("by", "--by")},
            ),
            field="by",
        )
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "profile")
        assert actor is not None  # ``by`` was given
        person_id = uow.cases.get(case_id).person_id
        uow.changes.lock(PERSON, person_id)
        person = uow.people.get(person_id)
        found = uow.profiles.get(person_id)
        before = found or Profile(person_id)
        after = replace(before, **wanted)  # type: ignore[arg-type]
        lines = changed(
            PERSON,
            person_id,
            before.values(),
            {name: value for name, value in after.values().items() if name in wanted},
            at=kivo.now(),
            actor_id=actor.id,
        )
        if lines:
            uow.profiles.save(after)
            uow.changes.append_many(lines)
            uow.commit()
        names = {actor.id: actor.name} if actor.id is not None else {}
        return _view(
            case_id,
            person.name,
            after,
            recorded=found is not None or bool(lines),
            changes=[_line(line, names) for line in lines],
        )


def show_profile(kivo: Kivo, case_id: int) -> ProfileView:
    """The profile of the case's participant (empty when none was set)."""
    with kivo.uow(read_only=True) as uow:
        person_id = uow.cases.get(case_id).person_id
        person = uow.people.get(person_id)
        found = uow.profiles.get(person_id)
    return _view(case_id, person.name, found or Profile(person_id), recorded=found is not None)


def _view(
    case_id: int,
    name: str,
    profile: Profile,
    *,
    recorded: bool,
    changes: list[ChangeLine] | None = None,
) -> ProfileView:
    return ProfileView(
        case_id=case_id,
        person_id=profile.person_id,
        participant=name,
        interests=profile.interests,
        languages=profile.languages,
        licences=profile.licences,
        certificates=profile.certificates,
        max_hours=profile.max_hours,
        municipality=profile.municipality,
        adaptations=profile.adaptations,
        heaviest_physical=heaviest_allowed(profile.adaptations),
        recorded=recorded,
        changes=changes or [],
    )


__all__ = ["FIELDS", "ProfileView", "set_profile", "show_profile"]


ANY_FIELD = Hint(
    "profile_fields",
    "--interest, --language, --licence, --certificate, --max-hours, --municipality, "
    "--adaptation or --clear FIELD",
)
"""What a profile change may give, as the CLI names it."""


def _given_and_cleared(name: str) -> InvalidInput:
    """A field both given and cleared: which one is meant is the caseworker's to say."""
    return InvalidInput(
        Message(
            N_("{field} is both given and cleared: give one or the other"),
            {"field": name.replace("_", " ")},
        ),
        field="clear",
    )
