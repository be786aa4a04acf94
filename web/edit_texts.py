"""The texts of the participant edit form (Swedish), merged into ``web.texts``."""

from __future__ import annotations

EDIT_SV = {
    "pe_title": "Ändra uppgifter om deltagaren",
    "pe_link": "Ändra namn, kontaktuppgifter eller personnummer",
    "pe_intro": "Ändra det som är fel och spara. Varje ändring loggas med vem som gjorde den.",
    "pe_name": "Namn",
    "pe_email": "E-post",
    "pe_phone": "Telefon",
    "pe_empty_removes": "lämna tomt för att ta bort",
    "pe_current_pnr": "Nuvarande personnummer",
    "pe_new_pnr": "Rätt personnummer",
    "pe_pnr_hint": "Bara en samordnare kan rätta ett personnummer, och skälet måste anges.",
    "pe_reason": "Skäl till ändringen",
    "pe_contact_hidden": (
        "Deltagaren har skyddade personuppgifter: kontaktuppgifterna visas inte för dig."
    ),
    "pe_problems": "Ändringen sparades inte",
    "pe_problems_intro": "Rätta följande och försök igen:",
    "pe_nothing": "Inget ändrades: ändra minst ett fält innan du sparar.",
    "pe_save": "Spara ändringarna",
    "pe_cancel": "Tillbaka till ärendet",
    "pf_title": "Profil för matchning",
    "pf_link": "Ändra profilen för matchning",
    "pf_intro": (
        "Profilen används för att föreslå platser. Skriv flera värden med kommatecken "
        "emellan; ett tomt fält tas bort. Inga hälsouppgifter: bara vad arbetet måste tillåta."
    ),
    "pf_interests": "Yrkesområden",
    "pf_languages": "Språk med nivå (t.ex. swedish:B1)",
    "pf_licences": "Körkortsbehörigheter (t.ex. B, C)",
    "pf_certificates": "Certifikat (t.ex. hygiene, forklift)",
    "pf_max_hours": "Högst antal timmar per vecka",
    "pf_municipality": "Kommun där deltagaren bor",
    "pf_adaptations": "Anpassningar som arbetet måste tillåta",
    "pf_choose_from": "Välj bland",
    "pf_nothing": "Inget ändrades: ändra minst ett fält innan du sparar.",
    "pf_save": "Spara profilen",
    "pe_protect": "Skydda identiteten (skyddade personuppgifter)",
    "pe_protect_lift": "Häv skyddet av identiteten",
    "pe_protect_hint": (
        "Bara en samordnare. Medan identiteten är skyddad visas deltagaren med initialer "
        "överallt; adress och arbetsplats bara för ärendets handläggare och samordnarna."
    ),
    "pe_end_proposal": "Avsluta placeringen via förslag",
    "pe_end_submit": "Deltagaren har lämnat platsen",
}
