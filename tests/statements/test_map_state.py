"""One map per session, kept: the state is stored in the database, a tick runs under the session's lease, and a
restart (or another process) shows the same groups without a new vote."""

from __future__ import annotations

import datetime as dt

import pytest

from deliberate.statements import opinion
from deliberate.statements.models import OpinionMapState
from deliberate.statements.polis_import import import_polis
from tests.conftest import ROOT

SEATTLE = ROOT / "tests" / "data" / "polis" / "15-per-hour-seattle"


def groups(entry: opinion.Entry) -> list[tuple[int, list[int]]]:
    return [(g.id, g.members) for g in entry.map.groups]


async def test_state_is_stored_and_a_restart_shows_the_same_groups(app) -> None:
    session = await import_polis(SEATTLE)
    first = await opinion.current(session)
    assert len(first.map.groups) == 2
    row = await OpinionMapState.get(session_id=session.id)
    assert row.state["groups"] and row.marks == first.marks and row.computed_at is not None
    assert row.lease_owner == "" and row.lease_until is None  # released after the tick

    opinion._maps.pop(session.id)  # a restart: nothing in memory
    again = await opinion.current(session)
    assert groups(again) == groups(first)
    assert again.map.positions == first.map.positions


async def test_one_process_at_a_time_computes_a_session(app) -> None:
    session = await import_polis(SEATTLE)
    first = await opinion.recompute(session)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    await OpinionMapState.filter(session_id=session.id).update(lease_owner="elsewhere:1:ab", lease_until=later)
    assert not await opinion.take_lease(session.id)
    with pytest.raises(opinion.MapBusy):
        await opinion.recompute(session)
    # A second process with no map in memory shows the stored map's groups meanwhile, and stores nothing.
    opinion._maps.pop(session.id)
    view = await opinion.current(session)
    assert groups(view) == groups(first)
    row = await OpinionMapState.get(session_id=session.id)
    assert row.lease_owner == "elsewhere:1:ab"
    # A lease left by a process that died runs out, and the next tick takes over.
    await OpinionMapState.filter(session_id=session.id).update(
        lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    assert groups(await opinion.recompute(session)) == groups(first)
    assert (await OpinionMapState.get(session_id=session.id)).lease_owner == ""
