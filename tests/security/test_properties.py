"""Property-based tests (Hypothesis) on the services: for any text at all, cleaning keeps its promises and
the write services refuse with a DomainError or store; for any ballots, the tallies add up.

The service properties call the real services on the real database: Hypothesis draws in a worker thread
and each call runs on the test's event loop.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deliberate.comments.services import add_comment
from deliberate.errors import DomainError, ValidationError
from deliberate.proposals.services import submit_proposal
from deliberate.sessions.services import join_session
from deliberate.text import MAX_MARKS, clean_text, display_name
from deliberate.voting import tally
from deliberate.voting.methods import AGREE, DISAGREE, PASS, SOURCES
from tests.conftest import World
from tests.security.hostile import HOSTILE, unclean

# Any text, weighted towards what breaks things: Thai with its marks, controls, invisible characters.
SPICE = st.sampled_from(
    [
        "\u0e49",
        "\u0e34",
        "\u0301",
        "\u200b",
        "\u200d",
        "\u202e",
        "\x00",
        "\r",
        "\n",
        "\t",
        "\u3164",
        "\ufeff",
        "\ud800",
        "\u2028",
        " ",
        "<",
        '"',
        "'",
        "=",
        "ก",
        "👨",
        "\ufe0f",
    ]
)
TEXT = st.one_of(
    st.text(), st.text(alphabet=st.one_of(SPICE, st.characters())), st.sampled_from(list(HOSTILE.values()))
)
ANY = st.one_of(
    TEXT,
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(TEXT, max_size=3),
    st.dictionaries(st.text(max_size=3), TEXT, max_size=2),
)
FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)
SERVICE = settings(
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@FAST
@given(value=ANY, multiline=st.booleans(), max_length=st.integers(1, 300))
def test_clean_text_keeps_its_promises(value: object, multiline: bool, max_length: int) -> None:
    try:
        cleaned = clean_text(value, field="x", max_length=max_length, multiline=multiline)
    except ValidationError as exc:
        assert exc.field == "x" and exc.translated()
        return
    assert 1 <= len(cleaned) <= max_length
    assert unclean(cleaned) is None, unclean(cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned.replace("\n", " \n")
    assert multiline or "\n" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    cleaned.encode("utf-8")  # storable: no lone surrogates
    assert clean_text(cleaned, field="x", max_length=max_length, multiline=multiline) == cleaned  # idempotent


@FAST
@given(base=st.sampled_from("กขaZ"), marks=st.lists(st.sampled_from("\u0e49\u0e48\u0e34\u0301\u0316"), max_size=40))
def test_combining_marks_are_capped_not_refused(base: str, marks: list[str]) -> None:
    cleaned = clean_text(base + "".join(marks), field="x", max_length=100)
    assert cleaned[0] == unicodedata.normalize("NFC", base + "".join(marks[:MAX_MARKS]))[0]
    assert len(cleaned) <= 1 + MAX_MARKS


@FAST
@given(value=TEXT)
def test_display_names_are_clean_text_or_refused(value: str) -> None:
    try:
        name = display_name(value, field="display_name")
    except ValidationError as exc:
        assert exc.field == "display_name"
        return
    assert name == clean_text(value, field="display_name", max_length=60)


def on_loop(loop: asyncio.AbstractEventLoop) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run a coroutine on the test's loop from Hypothesis's thread; return what it returned or raised."""

    def run(coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=30)

    return run


async def test_write_services_refuse_only_with_domain_errors(world: World) -> None:
    run = on_loop(asyncio.get_running_loop())
    author = await world.person("ผู้เสนอ")
    proposal = await world.proposal(author)
    theme = world.themes[0].id
    stored = {"proposals": 0, "comments": 0, "people": 0}
    refused: Counter[str] = Counter()

    @SERVICE
    @given(
        title=st.one_of(TEXT, ANY),
        body=st.one_of(TEXT, ANY),
        theme_id=st.one_of(st.just(theme), ANY),
        groups=st.one_of(st.none(), ANY),
        stance=st.one_of(st.just("for"), ANY),
        name=st.one_of(TEXT, ANY),
    )
    # Always tried as well, whatever Hypothesis draws: hostile text that each service must store, cleaned.
    @example(
        title=HOSTILE["script_th"],
        body=HOSTILE["bidi"],
        theme_id=theme,
        groups=None,
        stance="for",
        name=HOSTILE["zero_width"],
    )
    @example(
        title=HOSTILE["combining_flood_th"],
        body=HOSTILE["controls"],
        theme_id=str(theme),
        groups=[],
        stance="against",
        name=HOSTILE["emoji"],
    )
    def check(title: Any, body: Any, theme_id: Any, groups: Any, stance: Any, name: Any) -> None:
        for kind, write in (
            (
                "proposals",
                lambda: submit_proposal(
                    author, world.session, title=title, body=body, theme_id=theme_id, target_groups=groups
                ),
            ),
            ("comments", lambda: add_comment(author, proposal, body=body, stance=stance)),
            ("people", lambda: join_session(world.session, display_name=name, consent=True)),
        ):
            try:
                made = run(write())
            except DomainError as exc:
                assert exc.translated()
                refused[f"{kind}: {exc.message}"] += 1
                continue
            stored[kind] += 1
            texts = (
                [getattr(made, f, "") for f in ("title", "body")]
                if kind != "people"
                else [made.participant.display_name]
            )
            assert all(unclean(t) is None for t in texts if isinstance(t, str)), texts

    await asyncio.to_thread(check)
    assert all(stored.values()), (stored, refused)  # each service really stored some of it, not only refused


VOTERS = [f"p:{i}" for i in range(8)]
MARKS = st.lists(
    st.builds(
        tally.Mark,
        proposal_id=st.integers(1, 6),
        voter=st.sampled_from(VOTERS),
        value=st.integers(-1, 5),
        source=st.sampled_from(SOURCES),
    ),
    max_size=60,
)


@FAST
@given(marks=MARKS)
def test_tallies_add_up(marks: list[tally.Mark]) -> None:
    for pid, item in tally.dots_items(marks).items():
        mine = [m for m in marks if m.proposal_id == pid and m.value > 0]
        assert item["dots"] == sum(m.value for m in mine) == sum(item["by_source"].values())  # type: ignore[union-attr]
        assert item["backers"] == len({m.voter for m in mine})
    agreeing = [m for m in marks if m.value in (AGREE, PASS, DISAGREE)]
    for item in tally.agree_items(agreeing).values():
        assert item["agree"] + item["disagree"] + item["pass"] == item["n"] == sum(item["by_source"].values())  # type: ignore[operator,union-attr]
        assert 0 <= item["agree_rate"] <= 1  # type: ignore[operator]
    for pid, item in tally.support_items(marks).items():
        assert item["supports"] == sum(1 for m in marks if m.proposal_id == pid)


@FAST
@given(ballots=st.lists(st.lists(st.integers(1, 6), unique=True, max_size=6), max_size=30), k=st.integers(1, 6))
def test_rankings_are_consistent(ballots: list[list[int]], k: int) -> None:
    candidates = list(range(1, 7))
    points = tally.borda(ballots, k)
    assert sum(points.values()) == sum(sum(range(k, k - min(k, len(b)), -1)) for b in ballots)
    tiers = tally.schulze(ballots, candidates)
    assert sorted(c for tier in tiers for c in tier) == candidates  # every candidate placed exactly once
    # A candidate every ballot puts first is the only one in the first tier.
    if ballots and all(b and b[0] == ballots[0][0] for b in ballots):
        assert tiers[0] == [ballots[0][0]]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_value_is_cleaned_or_refused(name: str) -> None:
    try:
        cleaned = clean_text(HOSTILE[name], field="x", max_length=10_000, multiline=True)
    except ValidationError:
        return
    assert unclean(cleaned) is None
