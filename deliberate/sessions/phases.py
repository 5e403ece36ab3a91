"""The phases of a session and what participants may do in each.

The facilitator may set any phase at any time (forward or back); each phase has default switches,
which a session can override per phase.
"""

from __future__ import annotations

from deliberate.i18n import N_

PHASES = ("lobby", "ideas", "deliberation", "voting", "commitments", "closed")
ACTIONS = ("join", "propose", "comment", "react", "support", "pledge")

PHASE_LABELS = {
    "lobby": N_("Lobby"),
    "ideas": N_("Ideas"),
    "deliberation": N_("Deliberation"),
    "voting": N_("Voting"),
    "commitments": N_("Commitments"),
    "closed": N_("Closed"),
}
PHASE_HINTS = {
    "lobby": N_("Welcome. The session will start soon."),
    "ideas": N_("Put your proposals and comment on others."),
    "deliberation": N_("Discuss the proposals: comment for or against."),
    "voting": N_("Support the proposals you back."),
    "commitments": N_("Say what you and your organisation will do."),
    "closed": N_("This session is closed. Thank you for taking part."),
}

ACTION_LABELS = {
    "join": N_("join"),
    "propose": N_("put proposals"),
    "comment": N_("comment"),
    "react": N_("agree or disagree with statements"),
    "support": N_("support and vote"),
    "pledge": N_("pledge"),
}
STATUS_LABELS = {
    "pending": N_("waiting"),
    "published": N_("published"),
    "hidden": N_("hidden"),
    "merged": N_("merged"),
}

DEFAULTS: dict[str, frozenset[str]] = {
    "lobby": frozenset({"join"}),
    "ideas": frozenset({"join", "propose", "comment", "react"}),
    "deliberation": frozenset({"join", "comment", "react"}),
    "voting": frozenset({"join", "support", "comment", "react"}),
    "commitments": frozenset({"join", "pledge"}),
    "closed": frozenset(),
}


def allowed_actions(phase: str, overrides: dict[str, dict[str, bool]] | None = None) -> frozenset[str]:
    actions = set(DEFAULTS.get(phase, frozenset()))
    if phase == "closed":
        return frozenset()  # closed is read-only whatever the overrides say
    for action, on in ((overrides or {}).get(phase) or {}).items():
        if action in ACTIONS:
            (actions.add if on else actions.discard)(action)
    return frozenset(actions)
