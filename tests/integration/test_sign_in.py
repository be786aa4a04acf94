"""Who signs in: the caseworker behind the e-mail address an identity provider vouched
for (``pathway.signin``), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from pathway import directory
from pathway.context import Kivo
from pathway.errors import SignInRefused
from pathway.handover import deactivate_caseworker
from pathway.signin import caseworker_signing_in


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    return module_kivo  # each test uses addresses of its own


def refusal(kivo: Kivo, email: str) -> str:
    with pytest.raises(SignInRefused) as refused:
        caseworker_signing_in(kivo, email)
    assert refused.value.code == "sign-in-refused"
    assert email.strip() not in refused.value.message or not email.strip()  # no address shown
    return str(refused.value.params["reason"])


def test_the_active_caseworker_with_the_address_signs_in_whatever_its_case(kivo: Kivo) -> None:
    anna = directory.add_caseworker(kivo, "Anna Andersson", email="Anna.Andersson@Kommun.example")
    directory.add_caseworker(kivo, "Annika Annan", email="annika@kommun.example")

    found = caseworker_signing_in(kivo, "  anna.andersson@kommun.EXAMPLE ")

    assert (found.id, found.name, found.active) == (anna.id, "Anna Andersson", True)


def test_an_address_no_caseworker_has_is_refused_as_unknown(kivo: Kivo) -> None:
    directory.add_caseworker(kivo, "Karl Känd", email="karl@kommun.example")
    assert refusal(kivo, "karl.annan@kommun.example") == "unknown"


def test_a_deactivated_caseworker_is_refused_as_inactive(kivo: Kivo) -> None:
    coordinator = directory.add_caseworker(kivo, "Cecilia Samordnare", role="coordinator")
    bertil = directory.add_caseworker(kivo, "Bertil Berg", email="bertil@kommun.example")
    assert bertil.id is not None
    deactivate_caseworker(kivo, bertil.id, by=coordinator.id)

    assert refusal(kivo, "bertil@kommun.example") == "inactive"


def test_an_address_two_caseworkers_share_is_refused_until_one_is_corrected(kivo: Kivo) -> None:
    directory.add_caseworker(kivo, "Delad Ett", email="delad@kommun.example")
    directory.add_caseworker(kivo, "Delad Två", email="DELAD@kommun.example")
    assert refusal(kivo, "delad@kommun.example") == "ambiguous"


def test_no_address_at_all_is_refused_before_anyone_is_looked_up(kivo: Kivo) -> None:
    assert refusal(kivo, "   ") == "no-email"
