"""A sentence as the domain says it: an English template with named parameters.

The domain never renders for a reader. A rule returns a ``Message``; each entry point
translates its template through the catalogue (``pathway.language``) and fills the
parameters, and a ``Hint`` parameter (what the reader must give) is named by the entry
point: the CLI names an option, a page names a field, the API names a JSON key.
``N_`` marks a template for ``pybabel extract`` and returns it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(template: str) -> str:  # noqa: N802 - gettext's own name for the marker
    return template


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
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        """The source text, hints named as the CLI names them, clauses (a ``Message``
        inside) in English too."""
        if not self.params:
            return self.template
        params = {k: v.english() if isinstance(v, Message) else v for k, v in self.params.items()}
        return self.template.format(**params)
