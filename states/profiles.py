"""A participant's profile for matching: interests, languages, licences, certificates
and constraints (hours, municipality, physical adaptations from a fixed list).

No free text about health: an adaptation is one of ``ADAPTATIONS``, each saying only
what the work must allow. The profile belongs to the person (it follows them from case
to case); ``capabilities`` turns it into the tags a place's requirements are checked
against, the same tags the database pre-filter reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from states.errors import InvalidInput, quoted
from states.messages import N_, Hint, Message
from states.places import LANGUAGES, LEVELS, LICENCES, MAX_HOURS, PHYSICAL
from states.text import is_control

AREAS: tuple[str, ...] = (
    "retail",
    "warehouse",
    "cleaning",
    "property",
    "kitchen",
    "hospitality",
    "care",
    "childcare",
    "construction",
    "manufacturing",
    "transport",
    "office",
    "it",
    "gardening",
    "vehicles",
    "recycling",
    "customer-service",
)
"""Occupational areas (yrkesområden), a small vocabulary shared by interests and places;
the position is the area's bit in the stored masks (append only: never reorder)."""

ADAPTATIONS: dict[str, str | None] = {
    "light-work-only": "light",  # at most light physical work
    "no-heavy-lifting": "medium",  # at most medium physical work
    "seated-work": "light",
    "step-free-access": None,
    "quiet-environment": None,
    "reduced-pace": None,
    "flexible-breaks": None,
}
"""Physical adaptations a participant needs, each with the heaviest physical demand it
allows (``None``: it limits no demand; the employer arranges it)."""

# A licence class and those it includes (a C holder also holds B; Transportstyrelsen).
_INCLUDES: dict[str, tuple[str, ...]] = {
    "AM": (),
    "A1": ("AM",),
    "A2": ("A1", "AM"),
    "A": ("A2", "A1", "AM"),
    "B": ("AM",),
    "BE": ("B", "AM"),
    "C1": ("B", "AM"),
    "C1E": ("C1", "BE", "B", "AM"),
    "C": ("C1", "B", "AM"),
    "CE": ("C", "C1", "C1E", "BE", "B", "AM"),
    "D1": ("B", "AM"),
    "D1E": ("D1", "BE", "B", "AM"),
    "D": ("D1", "B", "AM"),
    "DE": ("D", "D1", "D1E", "BE", "B", "AM"),
}
FIELDS = (
    "interests",
    "languages",
    "licences",
    "certificates",
    "max_hours",
    "municipality",
    "adaptations",
)
"""What ``kivo profile set`` sets and ``--clear`` empties, in the order shown."""
MAX_MUNICIPALITY = 60


@dataclass(slots=True)
class Profile:
    """A person's profile; every list sorted and without repeats."""

    person_id: int
    interests: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # "swedish:B1"
    licences: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    max_hours: int | None = None
    municipality: str | None = None
    adaptations: list[str] = field(default_factory=list)

    def values(self) -> dict[str, object]:
        """The fields as the change log compares them (lists joined by commas)."""
        found: dict[str, object] = {}
        for name in FIELDS:
            value = getattr(self, name)
            found[name] = (",".join(value) or None) if isinstance(value, list) else value
        return found


def _choice(text: str, known: Iterable[str], what: str, field_name: str) -> str:
    cleaned = text.strip().lower()
    choices = list(known)
    if cleaned not in choices:
        raise InvalidInput(
            Message(
                N_("unknown {what} {text}: choose one of {known}"),
                {"what": Message(what), "text": quoted(text), "known": ", ".join(choices)},
            ),
            field=field_name,
        )
    return cleaned


def _unique(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def parse_interests(texts: Iterable[str]) -> list[str]:
    return _unique(_choice(t, AREAS, N_("occupational area"), "interest") for t in texts)


def parse_adaptations(texts: Iterable[str]) -> list[str]:
    return _unique(_choice(t, ADAPTATIONS, N_("adaptation"), "adaptation") for t in texts)


def parse_languages(texts: Iterable[str]) -> list[str]:
    """``swedish:B1`` each (CEFR level); one level per language."""
    found: dict[str, str] = {}
    for text in texts:
        name, sep, level = text.strip().partition(":")
        language, cefr = name.strip().lower(), level.strip().upper()
        if not sep or language not in LANGUAGES or cefr not in LEVELS:
            raise InvalidInput(
                Message(
                    N_(
                        "language {text} is not LANGUAGE:LEVEL (language one of {languages}; "
                        "level {levels})"
                    ),
                    {
                        "text": quoted(text),
                        "languages": ", ".join(sorted(LANGUAGES)),
                        "levels": "/".join(LEVELS),
                    },
                ),
                field="language",
            )
        if found.get(language, cefr) != cefr:
            raise InvalidInput(
                Message(
                    N_("language {language} given at two levels ({first} and {second})"),
                    {"language": language, "first": found[language], "second": cefr},
                ),
                field="language",
            )
        found[language] = cefr
    return [f"{language}:{level}" for language, level in sorted(found.items())]


def parse_licences(texts: Iterable[str]) -> list[str]:
    found = []
    for text in texts:
        licence = text.strip().upper()
        if licence not in LICENCES:
            raise InvalidInput(
                Message(
                    N_("unknown driving-licence class {text}: choose one of {known}"),
                    {"text": quoted(text), "known": ", ".join(LICENCES)},
                ),
                field="licence",
            )
        found.append(licence)
    return sorted(set(found), key=LICENCES.index)


def parse_certificates(texts: Iterable[str]) -> list[str]:
    from states.places import parse_requirement

    found = []
    for text in texts:
        try:
            found.append(parse_requirement(f"certificate:{text}").name)
        except InvalidInput:
            raise InvalidInput(
                Message(
                    N_(
                        "certificate {text} is not a certificate name (lower case letters, "
                        "digits and dashes, at most 40)"
                    ),
                    {"text": quoted(text)},
                ),
                field="certificate",
            ) from None
    return _unique(found)


def parse_max_hours(value: int) -> int:
    if not 1 <= value <= MAX_HOURS:
        raise InvalidInput(
            Message(
                N_("the most hours per week must be from 1 to {most}, not {value}"),
                {"most": MAX_HOURS, "value": value},
            ),
            field="max_hours",
        )
    return value


def parse_municipality(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput(
            Message(
                N_("the municipality is empty: {how} removes it"),
                {"how": Hint("clear", "`--clear municipality`")},
            ),
            field="municipality",
        )
    if len(cleaned) > MAX_MUNICIPALITY or any(is_control(char) for char in text):
        raise InvalidInput(
            Message(
                N_(
                    "the municipality {text} is not a place name (at most {most} characters, "
                    "no control characters)"
                ),
                {"text": quoted(text), "most": MAX_MUNICIPALITY},
            ),
            field="municipality",
        )
    if any(char.isdigit() for char in cleaned):
        raise InvalidInput(
            Message(
                N_("the municipality {text} holds digits: give the municipality's name"),
                {"text": quoted(text)},
            ),
            field="municipality",
        )
    return cleaned


def parse_fields(texts: Iterable[str]) -> list[str]:
    """The fields ``--clear`` names (``hours`` for ``max_hours``)."""
    aliases = {"hours": "max_hours", "max-hours": "max_hours", "licence": "licences"}
    found = []
    for text in texts:
        name = aliases.get(text.strip().lower(), text.strip().lower())
        if name not in FIELDS:
            shown = ", ".join("hours" if f == "max_hours" else f for f in FIELDS)
            raise InvalidInput(
                Message(
                    N_("{how} {text}: choose one of {known}"),
                    {"how": Hint("clear", "--clear"), "text": quoted(text), "known": shown},
                ),
                field="clear",
            )
        found.append(name)
    return found


def same_municipality(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold(a) == fold(b)


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def heaviest_allowed(adaptations: Iterable[str]) -> str:
    """The heaviest physical demand the adaptations allow (``heavy``: no limit)."""
    limits = [ADAPTATIONS[a] for a in adaptations if ADAPTATIONS.get(a)]
    return min((lim for lim in limits if lim), key=PHYSICAL.index, default=PHYSICAL[-1])


def capabilities(profile: Profile | None) -> frozenset[str]:
    """The requirement tags a profile meets, in the requirement vocabulary's spelling
    (``swedish:B1``, ``driving-licence:B``, ``certificate:hygiene``, ``physical:light``):
    a language at a level meets every lower level, a licence the classes it includes,
    the adaptations the demands up to the heaviest they allow. No profile: none (a
    place's requirement is met only by what a profile says, as the database reads it)."""
    if profile is None:
        return frozenset()
    tags: set[str] = set()
    for language in profile.languages:
        name, _, level = language.partition(":")
        tags |= {f"{name}:{lower}" for lower in LEVELS[: LEVELS.index(level) + 1]}
    for licence in profile.licences:
        tags |= {f"driving-licence:{held}" for held in (licence, *_INCLUDES[licence])}
    tags |= {f"certificate:{name}" for name in profile.certificates}
    heaviest = heaviest_allowed(profile.adaptations)
    tags |= {f"physical:{d}" for d in PHYSICAL[: PHYSICAL.index(heaviest) + 1]}
    return frozenset(tags)


def area_mask(areas: Iterable[str]) -> int:
    """The areas as bits (``AREAS`` order), for a set-based interest test in SQL."""
    mask = 0
    for area in areas:
        mask |= 1 << AREAS.index(area)
    return mask
