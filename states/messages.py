"""A sentence as the domain says it: an English template with named parameters.

The domain never renders for a reader. A rule returns a ``Message``; each entry point
translates its template through the catalogue (``pathway.language``) and fills the
parameters, and a ``Hint`` parameter (what the reader must give) is named by the entry
point: the CLI names an option, a page names a field, the API names a JSON key.
``N_`` marks a template for ``pybabel extract`` and returns it unchanged; ``NP_`` marks
a template said in two forms by a count ("1 case", "2 cases"), for gettext's
``ngettext``: each language picks its own form (``Message.counted``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(template: str) -> str:  # noqa: N802 - gettext's own name for the marker
    return template


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_
    """A template's singular and plural forms, as ``pybabel extract -k NP_:1,2`` reads
    them; English picks the singular for exactly 1."""
    return singular, plural


@dataclass(frozen=True, slots=True)
class Hint:
    """Something the reader must give, by its name in the domain (``workplace``,
    ``supervisor``, ``until``, ``consent``…); ``str()`` is the CLI's name for it."""

    name: str
    cli: str

    def __str__(self) -> str:
        return self.cli


class Alternatives(tuple[Any, ...]):
    """Values the reader may choose between, said "5 or 6" (each entry point joins them
    in its reader's language)."""

    __slots__ = ()

    def __str__(self) -> str:
        return " or ".join(str(value) for value in self)


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence: ``template`` filled with ``params``. A counted sentence also has a
    ``plural`` template, and ``params[counted_by]`` picks the form in each language."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    counted_by: str = "count"

    @classmethod
    def counted(cls, forms: tuple[str, str], *, by: str = "count", **params: Any) -> Message:
        """A sentence whose form follows the number ``params[by]`` (``forms`` from
        ``NP_``), ``{count}`` unless it counts something named otherwise."""
        singular, plural = forms
        return cls(singular, params, plural=plural, counted_by=by)

    @property
    def number(self) -> int:
        """The count a counted sentence's form follows."""
        return int(self.params[self.counted_by])

    def english_template(self) -> str:
        """The English form: the singular only for exactly 1, as English counts."""
        if self.plural is None or self.number == 1:
            return self.template
        return self.plural

    def english(self) -> str:
        """The source text, hints named as the CLI names them, clauses (a ``Message``
        inside) in English too."""
        template = self.english_template()
        if not self.params:
            return template
        params = {k: v.english() if isinstance(v, Message) else v for k, v in self.params.items()}
        return template.format(**params)
