"""Finding cases by their participant's name words or personnummer, in SQL.

A name word is found by the beginning of the words in ``person_word`` through its index
(a range on SQLite's binary order; ``LIKE 'prefix%'`` on PostgreSQL, whose index uses
``text_pattern_ops``); the other words of the query are checked per candidate through the
primary key (person, word). The acting caseworker's cases come first, then open cases,
then by name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from persistence.mapping import driver_reads
from states.search import FoundCase, Query

_SELECT = (
    "SELECT c.id, p.id, COALESCE(p.protected_initials, p.name), p.personnummer, c.state, "
    "c.step, c.caseworker_id, w.name, "
    "c.opened_on, c.closed_on FROM kivo_case c JOIN person p ON p.id = c.person_id "
    "LEFT JOIN caseworker w ON w.id = c.caseworker_id WHERE "
)
_ORDER = (
    " ORDER BY CASE WHEN c.caseworker_id = :me THEN 0 ELSE 1 END, "
    "CASE WHEN c.state = 'exited' THEN 1 ELSE 0 END, COALESCE(p.protected_initials, p.name), "
    "c.id LIMIT :limit"
)


class PersonFinder:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, query: Query, *, caseworker_id: int | None, limit: int) -> list[FoundCase]:
        connection = self.session.connection()
        params: dict[str, Any] = {"me": caseworker_id if caseworker_id is not None else -1}
        params["limit"] = limit
        if query.personnummer is not None:
            where = "p.personnummer = :digits"
            params["digits"] = query.personnummer
        else:
            sqlite = connection.dialect.name == "sqlite"
            words = self._rarest_first(query.words, sqlite)
            conditions = []
            for index, word in enumerate(words):
                prefix = _prefix(f"x{index}", index, word, sqlite, params)
                if index == 0:
                    conditions.append(
                        f"c.person_id IN (SELECT x0.person_id FROM person_word x0 WHERE {prefix})"
                    )
                else:
                    conditions.append(
                        f"EXISTS (SELECT 1 FROM person_word x{index} WHERE "
                        f"x{index}.person_id = c.person_id AND {prefix})"
                    )
            where = " AND ".join(conditions)
        day = driver_reads(connection)[0]
        rows = connection.execute(text(_SELECT + where + _ORDER), params).fetchall()
        return [
            FoundCase(
                case_id=row[0],
                person_id=row[1],
                name=row[2],
                personnummer=row[3],
                state=row[4],
                step=row[5],
                caseworker_id=row[6],
                caseworker=row[7],
                opened_on=day(row[8]),
                closed_on=None if row[9] is None else day(row[9]),
            )
            for row in rows
        ]

    def _rarest_first(self, words: tuple[str, ...], sqlite: bool) -> list[str]:
        """The query's words, the one beginning the fewest name words first: it picks the
        candidates, the others only check them (counted in the index, not the table)."""
        if len(words) == 1:
            return list(words)
        counts = {}
        for word in words:
            params: dict[str, Any] = {}
            where = _prefix("x", 0, word, sqlite, params)
            statement = text(f"SELECT count(*) FROM person_word x WHERE {where}")
            counts[word] = self.session.connection().execute(statement, params).scalar_one()
        return sorted(words, key=lambda word: counts[word])


def _prefix(alias: str, index: int, word: str, sqlite: bool, params: dict[str, Any]) -> str:
    """``alias.word`` begins with ``word``, as the index can answer it: a range in
    SQLite's binary order, ``LIKE 'word%'`` on PostgreSQL (``text_pattern_ops``)."""
    if sqlite:
        params[f"lo{index}"] = word
        params[f"hi{index}"] = word[:-1] + chr(ord(word[-1]) + 1)
        return f"{alias}.word >= :lo{index} AND {alias}.word < :hi{index}"
    params[f"like{index}"] = word + "%"
    return f"{alias}.word LIKE :like{index}"
