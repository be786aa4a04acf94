"""Every text the pages show, in one place: Swedish now; a message catalogue (sv, en)
replaces this table later without touching the templates (they ask ``t.key``)."""

from __future__ import annotations

import re
from types import SimpleNamespace

from states.steps import Step
from web.edit_texts import EDIT_SV
from web.place_texts import PLACES_SV

LANGUAGE = "sv"

SV = {
    "app": "kivo",
    "skip": "Hoppa till innehållet",
    "nav_label": "Huvudmeny",
    "nav_today": "Idag",
    "nav_cases": "Ärenden",
    "nav_reports": "Rapporter",
    "nav_accessibility": "Tillgänglighet",
    "signed_in_as": "Inloggad som",
    "coordinator": "samordnare",
    "caseworker": "handläggare",
    "logout": "Logga ut",
    # sign-in
    "login_title": "Logga in",
    "login_dev_intro": "Utvecklingsläge: välj vem du loggar in som.",
    "login_choose": "Handläggare",
    "login_submit": "Logga in",
    "login_provider": "Inloggning sker via organisationens inloggningstjänst.",
    "login_oidc": "Logga in med organisationens konto",
    "login_none": "Det finns inga aktiva handläggare. Lägg till en med kommandot "
    "kivo caseworker add.",
    "logged_out": "Du är utloggad.",
    # today
    "today_title": "Idag",
    "today_due": "Uppföljningar som ska göras idag",
    "today_overdue": "Försenade uppföljningar",
    "today_meetings": "Trepartssamtal idag",
    "today_ending": "Placeringar som slutar inom 14 dagar",
    "today_unrecorded": "Trepartssamtal som passerat men inte registrerats",
    "today_idle": "Ärenden utan händelser på 60 dagar",
    "today_summary": "Översikt",
    "last_event": "senaste händelse",
    "nothing": "Inget.",
    # case list
    "cases_title": "Ärenden",
    "filter": "Filtrera",
    "filter_apply": "Visa",
    "search": "Sök deltagare",
    "search_label": "Namn eller personnummer",
    "search_submit": "Sök",
    "search_results": "Sökresultat",
    "search_more": "Fler träffar finns: skriv mer av namnet.",
    "any": "Alla",
    "step": "Steg",
    "status": "Status",
    "caseworker_col": "Handläggare",
    "case": "Ärende",
    "participant": "Deltagare",
    "days_in_step": "Dagar i steget",
    "next_due": "Nästa uppgift",
    "next_page": "Nästa sida",
    "first_page": "Första sidan",
    "no_cases": "Inga ärenden matchar.",
    "status_active": "pågående",
    "status_paused": "pausat",
    "status_exited": "avslutat",
    "status_enrolled": "inskrivet",
    # case page
    "case_title": "Ärende",
    "path": "Vägen",
    "current_step": "nuvarande steg",
    "person": "Person",
    "personnummer": "Personnummer",
    "opened_on": "Öppnat",
    "closed_on": "Avslutat",
    "consent_on": "Samtycke",
    "no_consent": "inget samtycke registrerat",
    "state": "Läge",
    "version": "Version",
    "history": "Historik",
    "placements": "Placeringar",
    "workplace": "Arbetsplats",
    "supervisor": "Handledare",
    "name_or_number": "Arbetsplats och handledare: skriv namnet, en del av det, eller numret.",
    "programme": "Insats",
    "start": "Start",
    "planned_end": "Planerat slut",
    "ended_on": "Slutade",
    "followups": "Uppföljningar",
    "due": "Förfaller",
    "title": "Vad",
    "meetings": "Trepartssamtal",
    "at": "Tid",
    "ics": "Hämta kalenderfil (ICS)",
    "next_moves": "Nästa steg",
    "next_moves_intro": "Steg ärendet kan flyttas till nu. Ett spärrat steg visar de regler som "
    "spärrar det.",
    "move_to": "Flytta till steg",
    "blocked_by": "Spärras av:",
    "warns": "Varning:",
    "no_moves": "Ärendet kan inte flyttas framåt nu.",
    "actions": "Åtgärder",
    "advance": "Flytta framåt",
    "fall_back": "Flytta tillbaka",
    "pause": "Pausa",
    "resume": "Återuppta",
    "exit": "Avsluta ärendet",
    "to_step": "Till steg",
    "on": "Datum",
    "until": "Planerat slut",
    "reason": "Skäl",
    "outcome": "Utfall",
    "qualification": "Deltagaren fick en kvalifikation",
    "override": "Skäl att åsidosätta spärrande regler (samordnare)",
    "preview": "Förhandsgranska",
    "save": "Spara",
    "optional": "valfritt",
    "preview_title": "Förhandsgranskning",
    "preview_ok": "Reglerna tillåter flytten. Inget är sparat ännu.",
    "refused_title": "Det gick inte att spara",
    "refused_intro": "Inget sparades. Det här stoppade det:",
    "saved": "Sparat.",
    "mark_done": "Markera som gjord",
    "finding": "Resultat",
    "notes": "Anteckning",
    "book_meeting": "Boka trepartssamtal",
    "meeting_at": "Datum och tid",
    "record_meeting": "Registrera utfall",
    "blocking": "spärrande",
    "warning": "varning",
    # placement actions
    "extend": "Förläng placeringen",
    "end_placement": "Avsluta placeringen i förtid",
    "change_supervisor": "Byt handledare",
    "new_until": "Nytt planerat slut",
    "new_supervisor": "Ny handledare",
    "decided_on": "Beslutsdatum",
    # enrolment and consent
    "enrol_title": "Skriv in en deltagare",
    "enrol_link": "Skriv in en deltagare",
    "name": "Namn",
    "gender": "Kön (självuppgivet)",
    "consent_given": "Deltagaren samtycker till att information delas med arbetsgivare och "
    "myndigheter",
    "enrol_submit": "Skriv in",
    "record_consent": "Registrera samtycke",
    "withdraw_consent": "Registrera att samtycket återkallats",
    "notes_title": "Anteckningar",
    "note_text": "Ny anteckning",
    "add_note": "Spara anteckningen",
    "add_followup": "Planera en uppföljning",
    "followup_title": "Vad ska följas upp",
    "enrol_refused": "Inskrivningen gick inte att spara:",
    # bulk actions
    "bulk_title": "Flera ärenden",
    "bulk_legend": "Gör med de valda ärendena",
    "bulk_pick": "Välj ärende",
    "bulk_action": "Åtgärd",
    "bulk_followup": "Planera en uppföljning",
    "bulk_reassign": "Lämna över till en annan handläggare",
    "bulk_to": "Till handläggare",
    "bulk_submit": "Utför",
    "bulk_result": "Resultat per ärende",
    "bulk_done": "Klart",
    "bulk_refused": "Nekad",
    "bulk_none": "Välj minst ett ärende i listan",
    "bulk_too_many": "För många ärenden på en gång",
    "bulk_reassigned": "Överlämnat",
    "bulk_back": "Tillbaka till ärendelistan",
    # reports
    "r_title": "Rapporter",
    "r_scope_all": "Ärenden i hela organisationen.",
    "r_scope_mine": "Ärenden i din ärendelista.",
    "r_year": "År",
    "r_show": "Visa",
    "r_state_on": "Läget",
    "r_moves_during": "flyttar under",
    "r_chart_title": "Ärenden per steg den",
    "r_chart_numbers": "siffrorna står i tabellen nedan.",
    "r_chart_caption": "Ärenden per steg och läge.",
    "r_step_or_state": "Steg eller läge",
    "r_cases": "Ärenden",
    "r_flows": "Flyttar under perioden",
    "r_from": "Från",
    "r_to": "Till",
    "r_kind": "Slag",
    "r_count": "Antal",
    "r_exited_during": "ärenden avslutades",
    "r_gender": "Kön",
    "r_outcome": "Utfall",
    "r_share": "Andel",
    "r_closed_stays": "Avslutade vistelser",
    "r_median": "Median (dagar)",
    "r_p90": "90:e percentil",
    "r_open_stays": "Pågående",
    "r_first_placements": "Första placeringar under perioden",
    "r_p90_days": "90:e percentil (dagar)",
    "r_over_6": "Över 6 månader",
    "r_over_12": "Över 12 månader",
    "r_waiting": "Väntar fortfarande",
    "r_programme": "Insats",
    "r_target": "Mål",
    "r_started": "Påbörjade",
    "r_extended": "Förlängda",
    "r_overdue_on": "Försenat den",
    "r_followups": "Uppföljningar",
    "r_meetings": "Planerade samtal",
    "r_decisions": "Beslut",
    "r_unrecorded": "Oregistrerade samtal",
    "r_oldest": "Äldsta",
    # handover
    "nav_handover": "Överlämning",
    "h_title": "Överlämning av ärenden",
    "h_intro": "Lämna en handläggares alla pågående ärenden, med uppföljningar, samtal och "
    "påminnelser, till en annan. Förhandsgranska först; inget sparas förrän du bekräftar.",
    "h_from": "Från handläggare",
    "h_to": "Till handläggare",
    "h_choose_both": "Välj både vem som lämnar och vem som tar över",
    "h_preview": "Det här skulle lämnas över",
    "h_done": "Överlämnat",
    "h_confirm": "Bekräfta överlämningen",
    # import
    "nav_import": "Import",
    "i_title": "Importera deltagare",
    "i_intro": "Ladda upp en CSV-fil (UTF-8, semikolon, komma eller tabb) med en rubrikrad. "
    "Förhandsgranskningen visar varje felaktig rad innan något sparas; när du bekräftar "
    "sparas alla giltiga rader på en gång, eller ingen.",
    "i_file": "CSV-fil",
    "i_no_file": "Välj en CSV-fil att importera",
    "i_preview": "Förhandsgranskning: inget är sparat ännu",
    "i_done": "Importen är sparad",
    "i_rows": "Rader",
    "i_valid": "Giltiga rader",
    "i_imported": "Inskrivna",
    "i_bad": "Felaktiga rader",
    "i_problems": "Felaktiga rader (sparas inte)",
    "i_line": "Rad",
    "i_confirm": "Spara de giltiga raderna",
    # errors
    "error_title": "Något gick fel",
    "error_400": "Uppgifterna kunde inte användas.",
    "error_403": "Du har inte behörighet till det här, eller så var formuläret för gammalt. "
    "Ladda om sidan och försök igen.",
    "error_404": "Sidan eller ärendet finns inte.",
    "error_405": "Det går inte att göra så här på den här adressen.",
    "error_409": "Någon annan ändrade ärendet samtidigt. Ladda om sidan och försök igen.",
    "error_413": "Det som skickades är för stort.",
    "error_500": "Ett oväntat fel inträffade. Inget av det du gjorde har sparats halvvägs; "
    "försök igen eller kontakta supporten.",
    "back_home": "Till startsidan",
    # accessibility statement
    "a11y_title": "Tillgänglighetsredogörelse",
    # data protection
    "nav_data_protection": "Dataskydd",
    "dp_title": "Dataskydd",
    "dp_extract_title": "Registerutdrag",
    "dp_extract_intro": "Ett registerutdrag (artikel 15 i dataskyddsförordningen) innehåller "
    "allt kivo har sparat om en person: fullständigt personnummer, kontaktuppgifter, ärenden "
    "med historik, placeringar, uppföljningar, samtal, påminnelser, anteckningar, profil, "
    "förslag, ändringar och vem som har läst ärendena. Utdraget loggas som en läsning av "
    "varje ärende.",
    "dp_person": "Person-id eller personnummer",
    "dp_person_missing": "Ange personens id eller personnummer",
    "dp_format": "Format",
    "dp_download": "Hämta registerutdraget",
    # more case actions
    "event": "Händelse",
    "event_needed": "Händelse: välj en händelse",
    "until_needed": "Planerat slut: ange ett datum",
    "supervisor_needed": "Handledare: välj en handledare",
    "due_needed": "Förfaller: ange ett datum",
    "correct": "Rätta en händelse",
    "correct_intro": "Rättelsen tar bort verkan av händelsen; båda händelserna står kvar "
    "i historiken.",
    "start_placement": "Starta placering",
    "move_meeting": "Flytta mötet",
    "new_time": "Ny tid",
    "show_personnummer": "Visa hela personnumret",
    "shown_in_full": "Visas i sin helhet; visningen loggas.",
    # access log
    "nav_audit": "Loggkontroll",
    "audit_title": "Loggkontroll: läsningar och ändringar",
    "audit_intro": "Varje läsning av ett ärende och varje åtgärd, med vem, när och varifrån.",
    "audit_case": "Ärende",
    "audit_caseworker": "Handläggare",
    "audit_from": "Från och med",
    "audit_to": "Till och med",
    "audit_filter": "Visa",
    "audit_at": "Tid",
    "audit_action": "Åtgärd",
    "audit_address": "Adress",
    "audit_none": "Inga rader.",
    "audit_more": "Fler rader",
    # reports
    "r_download": "Ladda ner",
    "r_csv": "CSV",
    "r_xlsx": "Excel (xlsx)",
    "r_chart_alt": "Diagrammet visar samma siffror som tabellen.",
    "r_cases_behind": "ärenden bakom siffran",
    "exit_filter": "Avslutade ärenden",
    "placement_supervisor": "Placeringens handledare",
    "closed_between": "avslutade",
    "clear_filter": "Visa alla ärenden",
}

REPORT_TITLES = {
    "funnel": "Tratten: ärenden per steg",
    "outcomes": "Utfall per kön",
    "time-in-step": "Tid i steg",
    "lead-time": "Ledtid till första placering",
    "targets": "Mål och resultat per insats",
    "overdue": "Försenat per handläggare",
}

OUTCOMES_SV = {
    "employed": "anställning",
    "self-employed": "eget företag",
    "studies": "studier",
    "job-seeking": "arbetssökande",
    "moved": "flyttat",
    "declined": "avböjt",
    "other": "annat",
}

FINDINGS_SV = {
    "employed": "anställd",
    "self-employed": "eget företag",
    "in-education": "i utbildning",
    "job-searching": "arbetssökande",
    "inactive": "inaktiv",
    "unknown": "okänt",
}

MEETING_OUTCOMES_SV = {"held": "genomfört", "no-show": "uteblev", "cancelled": "inställt"}

EVENT_SV = {
    "enrolled": "Inskrivning",
    "consent": "Samtycke registrerat",
    "consent_withdrawn": "Samtycke återkallat",
    "advanced": "Flyttad framåt",
    "fell_back": "Flyttad tillbaka",
    "paused": "Pausat",
    "resumed": "Återupptaget",
    "exited": "Avslutat",
    "transferred": "Överlämnat",
    "extended": "Placering förlängd",
    "placement_ended": "Placering avslutad",
    "supervisor_changed": "Ny handledare",
    "meeting_moved": "Trepartssamtal flyttat",
    "followup_added": "Uppföljning tillagd",
}

FOLLOWUP_STATUS_SV = {
    "pending": "att göra",
    "done": "gjord",
    "cancelled": "struken",
    "suspended": "vilande",
}

GENDER_SV = {
    "woman": "kvinna",
    "man": "man",
    "non-binary": "icke-binär",
    "unknown": "vill inte uppge / okänt",
}

STATE_SV = {
    "enrolled": "inskrivet",
    "paused": "pausat",
    "exited": "avslutat",
}

FIELDS_SV = {
    "--workplace": "fältet Arbetsplats",
    "--supervisor": "fältet Handledare",
    "--programme": "fältet Insats",
    "--until": "fältet Planerat slut",
    "--reason": "fältet Skäl",
    "--override": "fältet Skäl att åsidosätta",
    "--on": "fältet Datum",
    "--at": "fältet Datum och tid",
    "--name": "fältet Namn",
    "--personnummer": "fältet Personnummer",
}
"""A rule's hint names the CLI's option; on a page it names the form's field."""

SV.update(PLACES_SV)
SV.update(EDIT_SV)
texts = SimpleNamespace(**SV)


_STEP_NAMES = {step.number: step.label_sv for step in Step}
_STATE_NAMES = {
    **STATE_SV,
    **{
        key: f"{step.number} {step.label_sv}"
        for step in Step
        for key in (step.slug, str(step.number))
    },
}
"""Worked out once: a list page names a state on every row (an enum's properties per
call were a tenth of the page's rendering)."""


def step_name(number: int | None) -> str:
    return _STEP_NAMES[number] if number else ""


def state_name(state: str) -> str:
    """A case's state in words: a step's name, or enrolled, paused, exited."""
    return _STATE_NAMES.get(state, state)


def page_hint(message: str) -> str:
    """A message as a page shows it: the options it names become the fields."""
    for option, field in FIELDS_SV.items():
        message = re.sub(rf"{re.escape(option)}(?![\w-])", field, message)
    return message
