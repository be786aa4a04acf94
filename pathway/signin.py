"""Who signs in: the caseworker behind an e-mail address an identity provider vouched
for (OpenID Connect sign-in in the web workspace, bearer tokens for the API)."""

from __future__ import annotations

from pathway.context import Kivo
from pathway.errors import SignInRefused
from states.records import Caseworker


def caseworker_signing_in(kivo: Kivo, email: str) -> Caseworker:
    """The active caseworker whose e-mail address is ``email`` (compared without regard
    to case or surrounding spaces, as mail systems do); refused when there is none, when
    that caseworker is deactivated, or when several caseworkers share the address."""
    wanted = email.strip().casefold()
    if not wanted:
        raise SignInRefused("the identity provider gave no e-mail address", reason="no-email")
    with kivo.uow(read_only=True) as uow:
        found = [
            worker
            for worker in uow.caseworkers.all()
            if worker.email is not None and worker.email.strip().casefold() == wanted
        ]
    if not found:
        raise SignInRefused("no caseworker has this e-mail address", reason="unknown")
    if len(found) > 1:
        ids = sorted(worker.id for worker in found if worker.id is not None)
        raise SignInRefused(
            f"caseworkers {', '.join(map(str, ids))} share this e-mail address: "
            "give each their own with `kivo caseworker edit ID --email …`",
            reason="ambiguous",
        )
    worker = found[0]
    if not worker.active:
        raise SignInRefused(
            f"caseworker {worker.id} is deactivated", reason="inactive", id=worker.id
        )
    return worker
