"""The texts of the participant edit, profile and proposal-end forms, by key, in English
(the catalogue's source language); merged into the pages' texts like ``web.place_texts``."""

from __future__ import annotations

from states.messages import N_

EDIT = {
    "pe_title": N_("Change the participant's details"),
    "pe_link": N_("Change the name, contact details or personnummer"),
    "pe_intro": N_("Change what is wrong and save. Every change is logged with who made it."),
    "pe_name": N_("Name"),
    "pe_email": N_("E-mail"),
    "pe_phone": N_("Phone"),
    "pe_empty_removes": N_("leave empty to remove"),
    "pe_current_pnr": N_("Current personnummer"),
    "pe_new_pnr": N_("Correct personnummer"),
    "pe_pnr_hint": N_(
        "Only a coordinator can correct a personnummer, and the reason must be given."
    ),
    "pe_reason": N_("Reason for the change"),
    "pe_contact_hidden": N_(
        "The participant has a protected identity: the contact details are not shown to you."
    ),
    "pe_problems": N_("The change was not saved"),
    "pe_problems_intro": N_("Correct the following and try again:"),
    "pe_nothing": N_("Nothing changed: change at least one field before you save."),
    "pe_save": N_("Save the changes"),
    "pe_cancel": N_("Back to the case"),
    "pf_title": N_("Profile for matching"),
    "pf_link": N_("Change the profile for matching"),
    "pf_intro": N_(
        "The profile is used to suggest places. Separate several values with commas; "
        "an empty field is removed. No health data: only what the work must allow."
    ),
    "pf_interests": N_("Occupational areas"),
    "pf_languages": N_("Languages with level (e.g. swedish:B1)"),
    "pf_licences": N_("Driving licence categories (e.g. B, C)"),
    "pf_certificates": N_("Certificates (e.g. hygiene, forklift)"),
    "pf_max_hours": N_("Most hours per week"),
    "pf_municipality": N_("Municipality where the participant lives"),
    "pf_adaptations": N_("Adaptations the work must allow"),
    "pf_choose_from": N_("Choose from"),
    "pf_nothing": N_("Nothing changed in the profile: change at least one field before you save."),
    "pf_save": N_("Save the profile"),
    "pe_protect": N_("Protect the identity (protected personal data)"),
    "pe_protect_lift": N_("Lift the protection of the identity"),
    "pe_protect_hint": N_(
        "Coordinators only. While the identity is protected the participant is shown by "
        "initials everywhere; address and workplace only to the case's caseworker and the "
        "coordinators."
    ),
    "pe_end_proposal": N_("End the placement through the proposal"),
    "pe_end_submit": N_("The participant has left the place"),
}
