"""A participant's details as an edit form starts from: the case's view (checked as the
reader's own, the read logged, a protected person shown as the view shows them) and
the contact details the view leaves out."""

from __future__ import annotations

from dataclasses import dataclass

from pathway.context import Kivo
from pathway.views import read_case


@dataclass(frozen=True)
class ParticipantDetails:
    """What ``participant edit`` changes, as it stands; the personnummer masked."""

    case_id: int
    name: str
    personnummer: str | None
    email: str | None
    phone: str | None
    protected: bool
    contact_hidden: bool


def participant_details(kivo: Kivo, case_id: int, *, by: int) -> ParticipantDetails:
    """The details of case ``case_id``'s participant for ``by`` (another caseworker's
    case is answered as unknown); the contact details of a protected person whose
    whereabouts ``by`` may not see are left out, as the case page leaves them out."""
    view = read_case(kivo, case_id, by=by).view
    email = phone = None
    if not view.whereabouts_hidden:
        with kivo.uow(read_only=True) as uow:
            email, phone = uow.changes.contact(view.person_id)
    return ParticipantDetails(
        case_id=case_id,
        name=view.name,
        personnummer=view.personnummer,
        email=email,
        phone=phone,
        protected=view.protected,
        contact_hidden=view.whereabouts_hidden,
    )
