"""Closed lists people choose from: sectors and target groups."""

from __future__ import annotations

from deliberate.i18n import N_

SECTORS = {
    "community": N_("Community organisation / community council"),
    "volunteer": N_("Social development volunteer (อพม.)"),
    "local_government": N_("Local government"),
    "government": N_("Government agency"),
    "civil_society": N_("Civil society / foundation"),
    "academia": N_("Academia"),
    "private": N_("Private sector"),
    "other": N_("Other"),
}

TARGET_GROUPS = {
    "children_youth": N_("Children and youth"),
    "elderly": N_("Older people"),
    "disabled": N_("People with disabilities"),
    "disadvantaged": N_("Disadvantaged people"),
    "women": N_("Women"),
    "workers": N_("Workers and informal workers"),
    "everyone": N_("Everyone in the community"),
}
