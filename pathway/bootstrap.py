"""The composition root: the one place that joins the use cases to persistence."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pathway.clock import clock_from
from pathway.context import Kivo
from persistence import driver, migrate
from persistence.unit_of_work import SqlUnitOfWork
from states.programmes import Catalogue, default_catalogue, load_programmes_file
from states.ruleset import RuleSet, load_default_rules, load_rules_file

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pathway.ports import UnitOfWork


def default_database_url() -> str:
    """The documented default: ``kivo.db`` in the user's data folder."""
    return f"sqlite:///{_default_folder() / 'kivo.db'}"


def _default_folder() -> Path:
    from platformdirs import user_data_path

    return user_data_path("kivo")


def database_url(database: str | None) -> str:
    """Accept a SQLAlchemy URL, a ``postgresql://`` URL or a plain SQLite file path."""
    if not database:
        return default_database_url()
    if "://" not in database:
        return f"sqlite:///{Path(database).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if database.startswith(prefix):
            return "postgresql+psycopg://" + database[len(prefix) :]
    return database


def load_rules(path: str | None) -> RuleSet:
    return load_rules_file(Path(path)) if path else load_default_rules()


def load_catalogue(path: str | None) -> Catalogue:
    """The organisation's programmes file (``--programmes``, ``KIVO_PROGRAMMES``), else
    the shipped catalogue."""
    return load_programmes_file(Path(path)) if path else default_catalogue()


AS_GIVEN = "(the rules given)"
"""``bootstrap``'s default: the rules it is given are the organisation's."""


def bootstrap(
    database: str | None = None,
    *,
    rules: str | None = None,
    now: str | None = None,
    programmes: str | None = None,
    configured_rules: str | None = AS_GIVEN,
    address: str | None = None,
) -> Kivo:
    """Build the engine, clock, rule set (with its catalogue) and unit-of-work factory for
    one process. ``configured_rules``: the organisation's rules file (``None``: the
    default rule set; by default ``rules`` is), against which ``rules`` is compared by
    fingerprint: a move judged under another rule set is written only for a
    coordinator. ``address``: where the actions come from, for the access log."""
    from states.ruleset import fingerprint

    ruleset = replace(load_rules(rules), catalogue=load_catalogue(programmes))
    same = configured_rules in (AS_GIVEN, rules)
    configured = ruleset if same else load_rules(configured_rules)
    clock = clock_from(now)
    url = database_url(database)
    engine = LazyEngine(url)
    path = driver.sqlite_file(url)
    if path is not None:  # SQLite's schema check on the bare driver: no SQLAlchemy yet
        migrate.require_revision(driver.schema_revision(url, path), migrate.SCHEMA_HEAD)
    else:
        engine.check()
    reads_on_driver = url if path is not None else None

    def unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return SqlUnitOfWork(engine, read_only=read_only, sqlite_url=reads_on_driver)

    return Kivo(
        uow=unit_of_work,
        clock=clock,
        rules=ruleset,
        database=url,
        close=engine.dispose,
        configured_rules=None if same else fingerprint(configured),
        address=address,
    )


class LazyEngine:
    """The process's engine, built on first use: a command that reads on the bare driver
    (``participant show``) never imports SQLAlchemy."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._built: Engine | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Engine:
        built = self._built
        if built is None:
            from persistence.engine import make_engine, opening

            with self._lock:
                built = self._built
                if built is None:
                    with opening(self.url):
                        built = self._built = make_engine(self.url, create=False)
        return built

    def built(self) -> bool:
        return self._built is not None

    def check(self) -> None:
        """Build the engine and refuse a database not at this code's schema."""
        from persistence.engine import opening

        try:
            with opening(self.url):
                migrate.require_current(self(), migrate.SCHEMA_HEAD)
        except Exception:
            self.dispose()
            raise

    def dispose(self) -> None:
        built, self._built = self._built, None
        if built is not None:
            built.dispose()


@dataclass(frozen=True)
class InitResult:
    database: str
    before: str | None
    after: str | None


def init_database(database: str | None = None) -> InitResult:
    """Create or upgrade the schema to the newest migration; safe to run again.

    Only the default database's folder is created: a folder named in ``--database``
    that does not exist is most likely a typo."""
    from persistence.engine import make_engine, opening

    url = database_url(database)
    if not database:
        _default_folder().mkdir(parents=True, exist_ok=True)
    with opening(url):
        engine = make_engine(url)
        try:
            before = migrate.current_revision(engine)
        except Exception:
            engine.dispose()
            raise
    try:
        migrate.upgrade(engine)
        return InitResult(url, before, migrate.current_revision(engine))
    finally:
        engine.dispose()


@dataclass(frozen=True)
class DatabaseProbe:
    """What ``kivo doctor`` learns before it trusts a database: can it connect, and at
    which schema revision is it (``None``: no kivo schema)."""

    database: str
    reachable: bool
    error: str | None
    revision: str | None
    head: str


CONNECT_TIMEOUT_SECONDS = 5


def probe_database(database: str | None = None) -> DatabaseProbe:
    """Connect once and read the schema revision; never raises for a database that is
    missing, unreachable or empty, so the doctor can say what is wrong."""
    from sqlalchemy.engine import make_url

    from persistence.engine import make_engine, opening, unavailable
    from states.errors import DatabaseUnavailable, KivoError

    url, head = database_url(database), migrate.SCHEMA_HEAD
    try:
        parsed = make_url(url)
    except Exception:
        return DatabaseProbe("(not a database URL)", False, "not a database URL", None, head)
    shown = parsed.render_as_string(hide_password=True)
    extra: dict[str, object] = {}
    if parsed.get_backend_name() == "postgresql":
        extra["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    try:
        with opening(url):
            engine = make_engine(url, create=False, **extra)
    except DatabaseUnavailable as error:
        return DatabaseProbe(shown, False, error.params["reason"], None, head)
    except KivoError as error:
        return DatabaseProbe(shown, False, error.message, None, head)
    try:
        revision = migrate.current_revision(engine)
    except Exception as error:  # any driver error means: not reachable
        return DatabaseProbe(shown, False, unavailable(url, error).params["reason"], None, head)
    finally:
        engine.dispose()
    return DatabaseProbe(shown, True, None, revision, head)
