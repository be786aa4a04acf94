"""The message catalogue: one gettext domain, ``kivo``, with English as the source
language and Swedish translated in ``pathway/locale/sv/LC_MESSAGES/kivo.po``.

Every entry point asks this module for its texts, so a rule sentence, a step's name and
a page's heading come from one place. The ``.po`` file is the only source: it is
compiled in memory the first time a language is asked for (Babel), so there is no build
step and no ``.mo`` file that can drift from it. ``msgid`` strings are marked in code
with ``N_`` (``states.messages``), counted ones with ``NP_`` (a singular and a plural
``msgid``: the language's own plural rule picks the form), and collected by
``pybabel extract`` into ``pathway/locale/kivo.pot``; a test keeps the template and the
translations complete.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from states.languages import LANGUAGES as LANGUAGES
from states.languages import language_of as _language_of

DOMAIN = "kivo"
SOURCE = "en"  # msgids are English: English needs no translation file
LOCALE_DIR = Path(__file__).parent / "locale"
ENVIRONMENT = ("KIVO_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def catalogue_file(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue for ``language``; English (and any language kivo does not
    have) answers with the msgid itself."""
    if language == SOURCE or language not in LANGUAGES:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    # The .po is written without a header: the locale gives the catalogue its CLDR
    # plural rule, which write_mo puts in the compiled header for ngettext to follow.
    with catalogue_file(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def text(language: str, msgid: str) -> str:
    """``msgid`` in ``language``; an unknown text (an organisation's own follow-up title,
    say) comes back as it is."""
    if not msgid:
        return msgid
    return translations(language).gettext(msgid)


def render(language: str, template: str, params: Mapping[str, Any] | None = None) -> str:
    """A template translated, then filled with its parameters (``str.format`` fields)."""
    translated = text(language, template)
    return translated.format(**params) if params else translated


def plural(language: str, singular: str, plural: str, n: int) -> str:
    """The form of a counted text for ``n`` in ``language`` ("1 ärende", "2 ärenden");
    English, the source, takes ``singular`` for exactly 1."""
    return translations(language).ngettext(singular, plural, n)


def render_counted(
    language: str, forms: tuple[str, str], n: int, params: Mapping[str, Any] | None = None
) -> str:
    """A counted template (``NP_``) in the form for ``n``, filled with its parameters."""
    chosen = plural(language, forms[0], forms[1], n)
    return chosen.format(**params) if params else chosen


def from_environment(environ: Mapping[str, str] | None = None, default: str = SOURCE) -> str:
    """The CLI's language: ``KIVO_LANG``, else the first POSIX locale variable set, in
    their order of precedence (``sv_SE.UTF-8`` → ``sv``); ``default`` when that names a
    language kivo does not have (``C``, ``POSIX``) or none is set. A ``KIVO_LANG`` kivo
    does not know is the CLI's to refuse (``cli.speech.check_language``)."""
    env = os.environ if environ is None else environ
    chosen = _language_of(env.get("KIVO_LANG", ""))
    if chosen is not None:
        return chosen
    for name in ENVIRONMENT[1:]:
        if env.get(name):  # the first one set decides, as gettext reads them
            return _language_of(env[name]) or default
    return default


def negotiate(accept_language: str | None, default: str = "sv") -> str:
    """A page's language from the browser's ``Accept-Language`` header (q-values
    honoured); ``default`` when it names neither Swedish nor English."""
    if not accept_language:
        return default
    from babel import Locale, negotiate_locale

    wanted = []
    for part in accept_language.split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            wanted.append((weight, tag.replace("-", "_")))
    ordered = [tag for _, tag in sorted(wanted, key=lambda item: -item[0])]
    found = negotiate_locale(ordered, list(LANGUAGES), sep="_")
    if found is None:
        found = next((lang for tag in ordered if (lang := _language_of(tag))), None)
    return str(Locale.parse(found).language) if found else default
