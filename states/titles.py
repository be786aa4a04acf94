"""The default rules' follow-up and meeting titles, marked for the catalogue.

pybabel does not read TOML, so the titles of ``default_rules.toml`` are listed here for
extraction (a unit test keeps the two in step). A title an organisation writes in its own
rules file is not in the catalogue and is shown as it was written.
"""

from __future__ import annotations

from states.messages import N_

DEFAULT_TITLES = (
    N_("Tripartite meeting before or on the first day"),
    N_("Tripartite meeting at the midpoint of the placement"),
    N_("Tripartite meeting in the last week before the planned end"),
    N_("Follow-up contact during the placement"),
    N_("Decide on an extension (about a month before the planned end)"),
    N_("Follow-up contact during studies"),
    N_("Follow-up 4 weeks into employment"),
    N_("Follow-up 3 months into employment"),
    N_("Follow-up 6 months into employment"),
    N_("Follow-up 6 months after leaving (ESF+)"),
    N_("Follow-up 12 months into employment"),
    N_("Fallback risk: no next step yet"),
)
