"""Every text the pages show, by key, in English (the catalogue's source language);
the Swedish lives in ``pathway/locale/sv/LC_MESSAGES/kivo.po``. Templates ask ``t.key``
of the namespace for the page's language, built once per language."""

from __future__ import annotations

from states.messages import N_, NP_
from states.words import EVENTS as EVENTS
from states.words import FINDINGS as FINDINGS
from states.words import FOLLOWUP_STATUSES as FOLLOWUP_STATUSES
from states.words import GENDERS as GENDERS
from states.words import OUTCOMES as OUTCOMES
from states.words import STATES as STATES
from web.messages import FIELDS as HINT_FIELDS

TEXTS = {
    "app": "kivo",
    "skip": N_("Skip to content"),
    "nav_label": N_("Main menu"),
    "nav_today": N_("Today"),
    "nav_cases": N_("Cases"),
    "nav_reports": N_("Reports"),
    "nav_accessibility": N_("Accessibility"),
    "signed_in_as": N_("Signed in as"),
    "coordinator": N_("coordinator"),
    "caseworker": N_("caseworker"),
    "logout": N_("Sign out"),
    "language": N_("Language"),
    "pages": N_("Pages"),
    # sign-in
    "login_title": N_("Sign in"),
    "login_dev_intro": N_("Development mode: choose who you sign in as."),
    "login_choose": N_("Caseworker"),
    "login_submit": N_("Sign in"),
    "login_provider": N_("You sign in through your organisation's sign-in service."),
    "login_oidc": N_("Sign in with your organisation's account"),
    "login_none": N_(
        "There are no active caseworkers. Add one with the command kivo caseworker add."
    ),
    "logged_out": N_("You are signed out."),
    # today
    "today_title": N_("Today"),
    "today_due": N_("Follow-ups due today"),
    "today_overdue": N_("Overdue follow-ups"),
    "today_meetings": N_("Tripartite meetings today"),
    "today_ending": N_("Placements ending within 14 days"),
    "today_unrecorded": N_("Tripartite meetings past but not recorded"),
    "today_idle": N_("Cases with no events for 60 days"),
    "today_summary": N_("Summary"),
    "last_event": N_("last event"),
    "nothing": N_("Nothing."),
    # case list
    "cases_title": N_("Cases"),
    "filter": N_("Filter"),
    "filter_apply": N_("Show"),
    "search": N_("Search participants"),
    "search_label": N_("Name or personnummer"),
    "search_submit": N_("Search"),
    "search_results": N_("Search results"),
    "search_more": N_("There are more matches: type more of the name."),
    "any": N_("All"),
    "step": N_("Step"),
    "status": N_("Status"),
    "caseworker_col": N_("Caseworker"),
    "case": N_("Case"),
    "participant": N_("Participant"),
    "days_in_step": N_("Days in step"),
    "next_due": N_("Next task"),
    "next_page": N_("Next page"),
    "first_page": N_("First page"),
    "no_cases": N_("No cases match."),
    "status_active": N_("active"),
    "status_paused": N_("paused"),
    "status_exited": N_("closed"),
    "status_enrolled": N_("enrolled"),
    # case page
    "case_title": N_("Case"),
    "path": N_("The path"),
    "current_step": N_("current step"),
    "person": N_("Person"),
    "personnummer": N_("Personnummer"),
    "opened_on": N_("Opened"),
    "closed_on": N_("Closed"),
    "consent_on": N_("Consent"),
    "no_consent": N_("no consent recorded"),
    "state": N_("State"),
    "version": N_("Version"),
    "history": N_("History"),
    "placements": N_("Placements"),
    "workplace": N_("Workplace"),
    "supervisor": N_("Supervisor"),
    "name_or_number": N_("Workplace and supervisor: type the name, part of it, or the number."),
    "programme": N_("Programme"),
    "start": N_("Start"),
    "planned_end": N_("Planned end"),
    "ended_on": N_("Ended"),
    "followups": N_("Follow-ups"),
    "due": N_("Due"),
    "title": N_("What"),
    "meetings": N_("Tripartite meetings"),
    "at": N_("Time"),
    "ics": N_("Download calendar file (ICS)"),
    "next_moves": N_("Next moves"),
    "next_moves_intro": N_(
        "Steps the case can move to now. A blocked step shows the rules that block it."
    ),
    "move_to": N_("Move to step"),
    "blocked_by": N_("Blocked by:"),
    "warns": N_("Warning:"),
    "no_moves": N_("The case cannot move forward now."),
    "actions": N_("Actions"),
    "advance": N_("Move forward"),
    "fall_back": N_("Move back"),
    "pause": N_("Pause"),
    "resume": N_("Resume"),
    "exit": N_("Close the case"),
    "to_step": N_("To step"),
    "on": N_("Date"),
    "until": N_("Planned end"),
    "reason": N_("Reason"),
    "outcome": N_("Outcome"),
    "qualification": N_("The participant gained a qualification"),
    "override": N_("Reason to override blocking rules (coordinator)"),
    "preview": N_("Preview"),
    "save": N_("Save"),
    "optional": N_("optional"),
    "preview_title": N_("The preview"),
    "preview_ok": N_("The rules allow the move. Nothing is saved yet."),
    "refused_title": N_("It could not be saved"),
    "refused_intro": N_("Nothing was saved. This stopped it:"),
    "saved": N_("Saved."),
    "mark_done": N_("Mark as done"),
    "finding": N_("Finding"),
    "notes": N_("Note"),
    "book_meeting": N_("Book a tripartite meeting"),
    "meeting_at": N_("Date and time"),
    "record_meeting": N_("Record the outcome"),
    "blocking": N_("blocking"),
    "warning": N_("warning"),
    # placement actions
    "extend": N_("Extend the placement"),
    "end_placement": N_("End the placement early"),
    "change_supervisor": N_("Change supervisor"),
    "new_until": N_("New planned end"),
    "new_supervisor": N_("New supervisor"),
    "decided_on": N_("Date of decision"),
    # enrolment and consent
    "enrol_title": N_("Enrol a participant"),
    "enrol_link": N_("Enrol a participant"),
    "name": N_("Name"),
    "gender": N_("Gender (self-stated)"),
    "consent_given": N_(
        "The participant consents to information being shared with employers and agencies"
    ),
    "enrol_submit": N_("Enrol"),
    "record_consent": N_("Record consent"),
    "withdraw_consent": N_("Record that consent was withdrawn"),
    "notes_title": N_("Notes"),
    "note_text": N_("New note"),
    "add_note": N_("Save the note"),
    "add_followup": N_("Plan a follow-up"),
    "followup_title": N_("What to follow up"),
    "enrol_refused": N_("The enrolment could not be saved:"),
    # bulk actions
    "bulk_title": N_("Several cases"),
    "bulk_legend": N_("Do with the chosen cases"),
    "bulk_pick": N_("Choose case"),
    "bulk_action": N_("Action"),
    "bulk_followup": N_("Plan a follow-up"),
    "bulk_reassign": N_("Hand over to another caseworker"),
    "bulk_to": N_("To caseworker"),
    "bulk_submit": N_("Carry out"),
    "bulk_result": N_("Result per case"),
    "bulk_done": N_("Done"),
    "bulk_refused": N_("Refused"),
    "bulk_none": N_("Choose at least one case in the list"),
    "bulk_too_many": N_("Too many cases at once"),
    "bulk_reassigned": N_("Handed over"),
    "bulk_back": N_("Back to the case list"),
    # reports
    "r_title": N_("Reports"),
    "r_scope_all": N_("Cases in the whole organisation."),
    "r_scope_mine": N_("Cases in your caseload."),
    "r_year": N_("Year"),
    "r_show": N_("Show"),
    "r_state_on": N_("The state"),
    "r_moves_during": N_("moves during"),
    "r_chart_title": N_("Cases per step on"),
    "r_chart_numbers": N_("the figures are in the table below."),
    "r_chart_caption": N_("Cases per step and state."),
    "r_step_or_state": N_("Step or state"),
    "r_cases": N_("Cases"),
    "r_flows": N_("Moves during the period"),
    "r_from": N_("From"),
    "r_to": N_("To"),
    "r_kind": N_("Kind"),
    "r_count": N_("Count"),
    "r_gender": N_("Gender"),
    "r_outcome": N_("Outcome"),
    "r_share": N_("Share"),
    "r_closed_stays": N_("Finished stays"),
    "r_median": N_("Median (days)"),
    "r_p90": N_("90th percentile"),
    "r_open_stays": N_("Ongoing"),
    "r_first_placements": N_("First placements during the period"),
    "r_p90_days": N_("90th percentile (days)"),
    "r_over_6": N_("Over 6 months"),
    "r_over_12": N_("Over 12 months"),
    "r_waiting": N_("Still waiting"),
    "r_programme": N_("Programme"),
    "r_target": N_("Target"),
    "r_started": N_("Started"),
    "r_extended": N_("Extended"),
    "r_overdue_on": N_("Overdue on"),
    "r_followups": N_("Follow-ups"),
    "r_meetings": N_("Planned meetings"),
    "r_decisions": N_("Decisions"),
    "r_unrecorded": N_("Unrecorded meetings"),
    "r_oldest": N_("Oldest"),
    # handover
    "nav_handover": N_("Handover"),
    "h_title": N_("Handover of cases"),
    "h_intro": N_(
        "Hand all of a caseworker's active cases, with follow-ups, meetings and reminders, "
        "to another. Preview first; nothing is saved until you confirm."
    ),
    "h_from": N_("From caseworker"),
    "h_to": N_("To caseworker"),
    "h_choose_both": N_("Choose both who hands over and who takes over"),
    "h_preview": N_("This would be handed over"),
    "h_done": N_("Handed over"),
    "h_confirm": N_("Confirm the handover"),
    # import
    "nav_import": N_("Import"),
    "i_title": N_("Import participants"),
    "i_intro": N_(
        "Upload a CSV file (UTF-8; semicolon, comma or tab) with a header row. The preview "
        "shows every faulty row before anything is saved; when you confirm, all valid rows "
        "are saved at once, or none."
    ),
    "i_file": N_("CSV file"),
    "i_no_file": N_("Choose a CSV file to import"),
    "i_preview": N_("Preview: nothing is saved yet"),
    "i_done": N_("The import is saved"),
    "i_rows": N_("Rows"),
    "i_valid": N_("Valid rows"),
    "i_imported": N_("Enrolled"),
    "i_bad": N_("Faulty rows"),
    "i_problems": N_("Faulty rows (not saved)"),
    "i_line": N_("Row"),
    "i_confirm": N_("Save the valid rows"),
    # errors
    "error_title": N_("Something went wrong"),
    "error_400": N_("The details could not be used."),
    "error_403": N_(
        "You are not allowed to do this, or the form was too old. Reload the page and try again."
    ),
    "error_404": N_("The page or the case does not exist."),
    "error_405": N_("This cannot be done at this address."),
    "error_409": N_(
        "Someone else changed the case at the same time. Reload the page and try again."
    ),
    "error_413": N_("What was sent is too large."),
    "error_500": N_(
        "An unexpected error occurred. Nothing you did has been saved halfway; try again or "
        "contact support."
    ),
    "back_home": N_("To the start page"),
    # accessibility statement
    "a11y_title": N_("Accessibility statement"),
    "a11y_intro": N_(
        "This statement describes how the kivo workspace meets the Swedish act (2018:1937) on "
        "accessibility to digital public services, which shortcomings are known and how you "
        "can report problems to us."
    ),
    "a11y_how": N_("How accessible is the service?"),
    "a11y_how_text": N_(
        "The service is built to meet WCAG 2.1 at level AA. The pages have headings and "
        "landmarks, every field has a label, everything can be done with the keyboard and "
        "every form works without JavaScript. The pages are checked automatically with "
        "axe-core."
    ),
    "a11y_known": N_("Known shortcomings"),
    "a11y_known_text": N_(
        "The pages are in Swedish and English. Charts in reports are described with text "
        "and tables."
    ),
    "a11y_report": N_("Report shortcomings"),
    "a11y_report_text": N_(
        "If you find problems not described here, or need content in another format, contact "
        "the organisation that runs the service. You can also contact the Agency for Digital "
        "Government (Digg), which supervises compliance with the act."
    ),
    "a11y_tested": N_("How we tested"),
    "a11y_tested_text": N_(
        "The pages are tested automatically at every change and reviewed by hand with "
        "keyboard and screen reader."
    ),
    # data protection
    "nav_data_protection": N_("Data protection"),
    "dp_title": N_("Data protection"),
    "dp_extract_title": N_("Register extract"),
    "dp_extract_intro": N_(
        "A register extract (article 15 of the GDPR) holds everything kivo has stored about a "
        "person: full personnummer, contact details, cases with history, placements, "
        "follow-ups, meetings, reminders, notes, profile, proposals, changes and who has "
        "read the cases. The extract is logged as a read of every case."
    ),
    "dp_person": N_("Person id or personnummer"),
    "dp_person_missing": N_("Give the person's id or personnummer"),
    "dp_format": N_("Format"),
    "dp_download": N_("Download the register extract"),
    # erasure
    "er_title": N_("Erase personal data"),
    "er_intro": N_(
        "Erasure on request (GDPR art. 17): name, personnummer, contact details and all free "
        "text about the person are removed. The events of the cases are kept under a random "
        "pseudonym, so every report counts the same."
    ),
    "er_refused": N_("Cannot be erased"),
    "er_done": N_("Erased"),
    "er_pseudonym": N_("Pseudonym"),
    "er_blockers": N_("Rules that keep the data"),
    "er_reason": N_("Reference number of the request (no personal data)"),
    "er_submit": N_("Erase"),
    # log review
    "rv_title": N_("Log review"),
    "rv_intro": N_(
        "Reads of cases outside the reader's own caseload at the time (coordinators' reads "
        "marked as such) and every read of cases with protected personal data."
    ),
    "rv_month": N_("Month (YYYY-MM)"),
    "rv_bad_month": N_("Wrong month"),
    "rv_caption": N_("Reads to review, oldest first"),
    "rv_why": N_("Why"),
    # more case actions
    "event": N_("Event"),
    "event_needed": N_("Event: choose an event"),
    "until_needed": N_("Planned end: give a date"),
    "supervisor_needed": N_("Supervisor: choose a supervisor"),
    "due_needed": N_("Due: give a date"),
    "correct": N_("Correct an event"),
    "correct_intro": N_(
        "The correction undoes the effect of the event; both events stay in the history."
    ),
    "start_placement": N_("Start placement"),
    "move_meeting": N_("Move the meeting"),
    "new_time": N_("New time"),
    "show_personnummer": N_("Show the full personnummer"),
    "shown_in_full": N_("Shown in full; the showing is logged."),
    # access log
    "nav_audit": N_("Access log"),
    "audit_title": N_("Log review: reads and changes"),
    "audit_intro": N_("Every read of a case and every action, with who, when and from where."),
    "audit_case": N_("Case"),
    "audit_caseworker": N_("Caseworker"),
    "audit_from": N_("From (inclusive)"),
    "audit_to": N_("To (inclusive)"),
    "audit_filter": N_("Show"),
    "audit_at": N_("Time"),
    "audit_action": N_("Action"),
    "audit_address": N_("Address"),
    "audit_none": N_("No rows."),
    "audit_more": N_("More rows"),
    # reports
    "r_download": N_("Download"),
    "r_csv": "CSV",
    "r_xlsx": N_("Excel (xlsx)"),
    "r_chart_alt": N_("The chart shows the same figures as the table."),
    "exit_filter": N_("Closed cases"),
    "placement_supervisor": N_("The placement's supervisor"),
    "closed_between": N_("closed between"),
    "clear_filter": N_("Show all cases"),
    # errors in forms
    "bulk_due_needed": N_("Due: give a date"),
    "bulk_to_needed": N_("Caseworker: choose who takes over"),
    "workplace_needed": N_("Workplace: choose a workplace"),
    "case_needed": N_("Case: give a case"),
    "unknown_change": N_("unknown change of the place"),
}

COUNTED = {
    "cases": NP_("{count} case", "{count} cases"),
    "r_exited_during": NP_("{count} case was closed", "{count} cases were closed"),
    "r_cases_behind": NP_("case behind the figure", "cases behind the figure"),
    "bulk_summary": NP_(
        "Carried out for {done} of {count} case.", "Carried out for {done} of {count} cases."
    ),
    "rv_reads": NP_("{shown} of {count} read to review.", "{shown} of {count} reads to review."),
}
"""Texts said with a number, in the form the number takes (``counted`` in templates)."""

REPORT_TITLES = {
    "funnel": N_("The funnel: cases per step"),
    "outcomes": N_("Outcomes by gender"),
    "time-in-step": N_("Time in step"),
    "lead-time": N_("Lead time to the first placement"),
    "targets": N_("Targets and results per programme"),
    "overdue": N_("Overdue per caseworker"),
}


MEETING_OUTCOMES = {
    "held": N_("held"),
    "no-show": N_("did not come"),
    "cancelled": N_("called off"),
}


WHY = {
    "outside-caseload": N_("outside own caseload"),
    "coordinator": N_("coordinator"),
    "protected": N_("protected personal data"),
    "no-one-named": N_("no one named"),
}
"""Why a read is in the log review (``web.review``)."""

FIELDS = {f"--{name.replace('_', '-')}": label for name, label in HINT_FIELDS.items()}
"""A rule's hint names the CLI's option; on a page it names the form's field."""
