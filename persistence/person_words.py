"""A person's name as folded words in ``person_word``, written with the person.

The search (``persistence.finding``) looks the beginning of a word up in this table's
index; every write of a person's name goes through here so the words never go stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table, delete, insert

from persistence.tables import PersonWordRow
from states.search import name_words

WORD: Table = PersonWordRow.__table__  # type: ignore[attr-defined]


def write_words(connection: Connection, people: Iterable[tuple[int, str]]) -> None:
    """Index the names of people just inserted: ``(person_id, name)`` pairs."""
    values = [
        {"person_id": ident, "word": word} for ident, name in people for word in name_words(name)
    ]
    if values:
        connection.execute(insert(WORD), values)


def rewrite_words(connection: Connection, person_id: int, name: str) -> None:
    """Index a person's name again after it changed (or may have)."""
    connection.execute(delete(WORD).where(WORD.c.person_id == person_id))
    write_words(connection, [(person_id, name)])
