"""What participants may do in each phase, and how a session's switches change it."""

from __future__ import annotations

import pytest

from deliberate.sessions.phases import ACTIONS, PHASES, allowed_actions


@pytest.mark.parametrize(
    "phase,expected",
    [
        ("lobby", {"join"}),
        ("ideas", {"join", "propose", "comment", "react"}),
        ("deliberation", {"join", "comment", "react"}),
        ("voting", {"join", "support", "comment", "react"}),
        ("commitments", {"join", "pledge"}),
        ("closed", set()),
    ],
)
def test_defaults(phase: str, expected: set[str]) -> None:
    assert allowed_actions(phase) == expected


def test_overrides_switch_actions_on_and_off() -> None:
    overrides = {"ideas": {"support": True, "comment": False, "dance": True}}
    assert allowed_actions("ideas", overrides) == {"join", "propose", "support", "react"}
    assert allowed_actions("voting", overrides) == {"join", "support", "comment", "react"}


def test_closed_is_read_only_whatever_the_switches() -> None:
    assert allowed_actions("closed", {"closed": dict.fromkeys(ACTIONS, True)}) == frozenset()


def test_unknown_phase_allows_nothing() -> None:
    assert allowed_actions("party") == frozenset()
    assert "party" not in PHASES
