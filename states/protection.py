"""Protected identity (skyddade personuppgifter): a person whose identity must not be
spread is shown by initials only ("A. Ö."), everywhere and to everyone, unless a
coordinator or the case's own caseworker reveals it (a logged read).

The initials are what the person's row keeps in ``protected_initials`` (``None``: not
protected), so every list, export and page selects ``COALESCE(protected_initials,
name)`` in the same statement: no second query and no row that forgets the mask.
"""

from __future__ import annotations

from states.access import Acting, is_coordinator

MAX_INITIALS = 2  # the first and the last word: "Anna Maria Öberg" is "A. Ö."
UNKNOWN = "?"
MAX_LENGTH = 16  # the column's width: two letters, their points and a space

PROTECTED = "protected"  # the change log's field (a reveal is logged as show-personal)


def initials(name: str) -> str:
    """The initials of the first and last word of ``name`` ("A. Ö."): each word's first
    letter, upper-cased when that keeps it one character; nothing else of the name.
    A name with no letter at all is shown as ``?``."""
    letters = [letter for word in name.split() if (letter := _first_letter(word))]
    if not letters:
        return UNKNOWN
    chosen = letters if len(letters) <= MAX_INITIALS else [letters[0], letters[-1]]
    return " ".join(f"{letter}." for letter in chosen)


def _first_letter(word: str) -> str | None:
    found = next((char for char in word if char.isalpha()), None)
    if found is None:
        return None
    upper = found.upper()
    return upper if len(upper) == 1 else found


def shown_name(name: str, protected_initials: str | None, *, reveal: bool = False) -> str:
    """The name as shown: the initials while the identity is protected, unless revealed."""
    if protected_initials is None or reveal:
        return name
    return protected_initials


def sees_whereabouts(actor: Acting | None, owner_id: int | None) -> bool:
    """Whether ``actor`` sees a protected person's address and workplace: only the
    case's own caseworker and the coordinators (a script naming no one does not)."""
    if actor is None:
        return False
    return is_coordinator(actor) or (owner_id is not None and owner_id == actor.id)


def may_reveal(actor: Acting | None, owner_id: int | None) -> bool:
    """Who may reveal a protected person's name and personnummer: the same people."""
    return sees_whereabouts(actor, owner_id)
