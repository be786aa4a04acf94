"""Who acts is a checked fact: the acting caseworker resolved, their role enforced, and
what they read or change written to the access log, for every entry point (the CLI's
``--by``/``KIVO_ACTOR``, the web's signed-in caseworker).

One place each: ``actor_of`` resolves; ``require_coordinator`` guards what only a
coordinator does; ``require_configured_rules`` guards writing under another rule set;
``cases_for`` checks and logs the cases a use case reads or changes (one query for the
set); the move pipeline checks the cases it has loaded anyway (no query at all).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pathway.errors import NotPermitted
from states.access import AccessEntry, is_coordinator, may_see
from states.errors import InactiveActor, KivoError, NotFound, UnknownActor
from states.messages import N_, Message

if TYPE_CHECKING:
    from pathway.context import Kivo
    from pathway.ports import UnitOfWork
    from states.records import Caseworker

COORDINATOR_ACTIONS = (
    N_("apply retention"),
    N_("change a personnummer"),
    N_("change a role"),
    N_("deactivate a colleague"),
    N_("erase a person"),
    N_("import participants"),
    N_("lift a protected identity"),
    N_("make a register extract"),
    N_("plan retention"),
    N_("protect an identity"),
    N_("reactivate a colleague"),
    N_("review the access log"),
    N_("set targets"),
    N_("transfer caseloads"),
)
"""What only a coordinator may do, as ``require_coordinator`` is told it: marked here for
the catalogue, so the refusal names the action in the reader's language."""
LISTS = N_(
    "caseworker {actor} lists their own caseload only, not caseworker {other}'s: only a "
    "coordinator works on every caseload"
)
ENROLS = N_(
    "caseworker {actor} enrols into their own caseload only, not caseworker {other}'s: "
    "only a coordinator works on every caseload"
)


def actor_of(uow: UnitOfWork, by: int | None) -> Caseworker | None:
    """The active caseworker ``by`` names (``None`` for none); an unknown one is
    ``unknown-actor`` (exit 4), a deactivated one ``inactive-actor`` (exit 2)."""
    if by is None:
        return None
    return checked_actor(uow.caseworkers.read(by), by)


def checked_actor(actor: Caseworker | None, by: int) -> Caseworker:
    """The caseworker found for ``by``: refused when there is none or they left."""
    if actor is None:
        raise UnknownActor.with_id("caseworker", by)
    if not actor.active:
        raise InactiveActor(
            Message(N_("caseworker {id} is no longer active"), {"id": by}), field="by"
        )
    return actor


def require_coordinator(actor: Caseworker | None, what: str, *, option: str = "--by") -> Caseworker:
    """``actor``, a coordinator; anyone else (no one named included) is refused with
    ``not-permitted`` naming ``what`` (``"set targets"``) and the ``option`` naming
    the actor."""
    if actor is None or not is_coordinator(actor):
        who = (
            Message(N_("no one was named"))
            if actor is None
            else Message(N_("caseworker {id} is not one"), {"id": actor.id})
        )
        said = Message(
            N_(
                "only a coordinator may {what}: give {option} (or KIVO_ACTOR) with a "
                "coordinator's id ({who})"
            ),
            {"what": Message(what), "option": option, "who": who},
        )
        rule = Message(
            N_("only a coordinator may {what} ({who})"), {"what": Message(what), "who": who}
        )
        raise NotPermitted(said, rule=rule, action=what, actor=None if actor is None else actor.id)
    return actor


def require_configured_rules(kivo: Kivo, actor: Caseworker | None) -> None:
    """Writing under a rule set other than the organisation's (``--rules`` naming a
    changed copy) is a coordinator's decision."""
    if kivo.loosened and not is_coordinator(actor):
        said = Message(
            N_(
                "only a coordinator may write under a rule set other than the "
                "organisation's (this one's fingerprint is {fingerprint}, the configured "
                "one's {configured}): drop --rules, or give --by with a coordinator's id"
            ),
            {
                "fingerprint": kivo.fingerprint,
                "configured": kivo.configured_rules,
            },
        )
        raise NotPermitted(
            said,
            action="write under other rules",
            fingerprint=kivo.fingerprint,
            configured=kivo.configured_rules,
        )


def caseload_of(actor: Caseworker | None, caseworker_id: int | None) -> int | None:
    """The caseworker whose cases a list shows: a caseworker's own (another's asked for
    is refused), anyone's for a coordinator or no one named."""
    return _own_caseload(actor, caseworker_id, LISTS, "list another caseload")


def enrolled_into(actor: Caseworker | None, caseworker_id: int | None) -> int | None:
    """The caseload a new case joins: a caseworker enrols into their own (none named:
    theirs, so they see the case they opened; another's is refused), a coordinator or
    no one named into the one named."""
    return _own_caseload(actor, caseworker_id, ENROLS, "enrol into another caseload")


def _own_caseload(
    actor: Caseworker | None, caseworker_id: int | None, verb: str, action: str
) -> int | None:
    if actor is None or is_coordinator(actor):
        return caseworker_id
    if caseworker_id is not None and caseworker_id != actor.id:
        raise NotPermitted(
            Message(verb, {"actor": actor.id, "other": caseworker_id}),
            action=action,
            actor=actor.id,
        )
    return actor.id


def acting_on(
    kivo: Kivo,
    uow: UnitOfWork,
    by: int | None,
    case_id: int,
    action: str,
    *,
    missing: KivoError | None = None,
) -> Caseworker | None:
    """The actor of a use case that changes one case: resolved, the case checked as
    theirs (before anything of it is read, so its version or state does not leak
    either; ``missing``: see ``cases_for``), and the action logged in the use case's
    transaction."""
    actor = actor_of(uow, by)
    cases_for(kivo, uow, actor, [case_id], action, missing=missing)
    return actor


def hidden(case_id: int) -> NotFound:
    """A case the actor may not see, answered exactly as a case that does not exist."""
    return NotFound.with_id("case", case_id)


def cases_for(
    kivo: Kivo,
    uow: UnitOfWork,
    actor: Caseworker | None,
    case_ids: Sequence[int],
    action: str,
    *,
    missing: KivoError | None = None,
) -> None:
    """Every case of ``case_ids`` exists and is ``actor``'s to read or change (else the
    first that is not raises ``hidden``, or ``missing``: what the use case answers for
    an unknown record of its own, a meeting or a follow-up); one access-log row each
    for ``action``, in the caller's transaction (a refusal that follows rolls them back
    with the rest)."""
    owners = uow.access.owners(case_ids)
    for case_id in case_ids:
        if case_id not in owners or not may_see(actor, owners[case_id]):
            raise missing or hidden(case_id)
    log(kivo, uow, actor, [(case_id, action) for case_id in case_ids])


def log(
    kivo: Kivo,
    uow: UnitOfWork,
    actor: Caseworker | None,
    done: Iterable[tuple[int, str]],
) -> None:
    """One access-log row per (case, action), in one statement."""
    at, who = kivo.now(), None if actor is None else actor.id
    uow.pipeline.record_access(
        [AccessEntry(at, who, case_id, action, kivo.address) for case_id, action in done]
    )
