"""The domain's own words for what a case records (event kinds, states, statuses), each
with its catalogue text, so the CLI and the pages name them alike in every language.

Keys are the stored values (``advanced``, ``exited``); the texts are the pages' msgids,
marked ``N_`` for extraction. English entry points may keep showing the keys."""

from __future__ import annotations

from states.messages import N_

EVENTS = {
    "enrolled": N_("Enrolment"),
    "consent": N_("Consent recorded"),
    "consent_withdrawn": N_("Consent withdrawn"),
    "advanced": N_("Moved forward"),
    "fell_back": N_("Moved back"),
    "paused": N_("Paused"),
    "resumed": N_("Resumed"),
    "exited": N_("Closed"),
    "transferred": N_("Handed over"),
    "extended": N_("Placement extended"),
    "placement_ended": N_("Placement ended"),
    "supervisor_changed": N_("New supervisor"),
    "meeting_moved": N_("Tripartite meeting moved"),
    "followup_added": N_("Follow-up added"),
}

STATES = {
    "enrolled": N_("enrolled"),
    "paused": N_("paused"),
    "exited": N_("closed"),
}
"""A case's states that are not a step (a step is named by its number and name)."""

STATUSES = {
    "active": N_("active"),
    "paused": N_("paused"),
    "exited": N_("closed"),
}

OUTCOMES = {
    "employed": N_("employment"),
    "self-employed": N_("own business"),
    "studies": N_("studies"),
    "job-seeking": N_("job-seeking"),
    "moved": N_("moved"),
    "declined": N_("declined"),
    "other": N_("other"),
}

GENDERS = {
    "woman": N_("woman"),
    "man": N_("man"),
    "non-binary": N_("non-binary"),
    "unknown": N_("prefers not to say / unknown"),
}

FOLLOWUP_KINDS = {
    "meeting": N_("tripartite meeting"),
    "follow-up": N_("follow-up"),
    "decision": N_("decision"),
}

FOLLOWUP_STATUSES = {
    "pending": N_("to do"),
    "done": N_("done"),
    "cancelled": N_("struck off"),
    "suspended": N_("dormant"),
}

FINDINGS = {
    "employed": N_("employed"),
    "self-employed": N_("self-employed"),
    "in-education": N_("in education"),
    "job-searching": N_("job-searching"),
    "inactive": N_("inactive"),
    "unknown": N_("unknown"),
}
"""What a follow-up found the participant doing (``states.agenda.Finding``)."""
