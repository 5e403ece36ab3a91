"""The live opinion map of a session, recomputed off the request path.

Marks on statements make a session dirty; a worker recomputes at most once per MIN_INTERVAL_S per session,
in a thread (numpy releases the GIL), warm-started from the previous tick's state as Pol.is does, and
publishes `map.updated` so the projector and phones redraw. Requests read the last computed map.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from deliberate import events
from deliberate.opinion import OpinionMap, compute, vote_matrix_from_events
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Participant, Session
from deliberate.voting.models import Ballot, VoteRound

log = logging.getLogger(__name__)
MIN_INTERVAL_S = 2.0
TRIGGERS = ("vote.cast", "proposal.published", "proposal.hidden", "proposal.merged", "proposal.restored")


@dataclass
class Entry:
    map: OpinionMap
    computed_at: float
    seconds: float
    marks: int


_maps: dict[int, Entry] = {}


def cached(session_id: int) -> Entry | None:
    return _maps.get(session_id)


def priorities(session_id: int) -> dict[int, float]:
    entry = _maps.get(session_id)
    return entry.map.priorities if entry else {}


async def _events(session: Session) -> tuple[list[tuple[int, int, int, Any]], set[int], set[int]]:
    rounds = await VoteRound.filter(session_id=session.id, method="agree").values_list("id", flat=True)
    rows = await Ballot.filter(round_id__in=list(rounds), participant_id__not_isnull=True).values_list(
        "participant_id", "proposal_id", "value", "created_at")
    out_ids = await Proposal.filter(session_id=session.id, kind="statement").exclude(
        status=ProposalStatus.PUBLISHED).exclude(status=ProposalStatus.PENDING).values_list("id", flat=True)
    meta = await Proposal.filter(session_id=session.id, kind="statement", meta=True).values_list("id", flat=True)
    return list(rows), set(out_ids), set(meta)  # type: ignore[arg-type]


async def recompute(session: Session) -> Entry:
    """Compute the map now (in a thread) and keep it."""
    rows, moderated_out, meta = await _events(session)
    previous = _maps.get(session.id)
    started = time.perf_counter()
    matrix = vote_matrix_from_events(rows, moderated_out=moderated_out, meta=meta)
    result = await asyncio.to_thread(compute, matrix, previous.map.state if previous else None)
    entry = Entry(result, time.time(), time.perf_counter() - started, len(rows))
    _maps[session.id] = entry
    return entry


async def current(session: Session) -> Entry:
    return _maps.get(session.id) or await recompute(session)


def forget(session_id: int) -> None:
    _maps.pop(session_id, None)


async def as_json(session: Session, entry: Entry) -> dict[str, Any]:
    """The map as the API gives it: groups with members (and their Pol.is ids when imported), consensus,
    representative statements per group, group-informed consensus and divisiveness per statement."""
    m = entry.map
    members = {pid for g in m.groups for pid in g.members}
    external = dict(await Participant.filter(id__in=list(members)).values_list("id", "external_id")) if members else {}
    return {
        "code": session.code,
        "computed_at": entry.computed_at,
        "compute_seconds": round(entry.seconds, 4),
        "marks": entry.marks,
        "participants_in_map": len(m.participant_ids),
        "groups": [{"id": g.id, "size": len(g.members), "centre": list(g.centre),
                    "members": [{"participant_id": pid, "external_id": external.get(pid) or None}
                                for pid in g.members]} for g in m.groups],
        "consensus": {
            "agree": [{"statement_id": c.statement_id, "p_success": c.p_success, "p_test": c.p_test}
                      for c in m.consensus.agree],
            "disagree": [{"statement_id": c.statement_id, "p_success": c.p_success, "p_test": c.p_test}
                         for c in m.consensus.disagree],
        },
        "representative": {str(gid): [{"statement_id": r.statement_id, "direction": r.direction,
                                       "repness": r.repness, "repness_test": r.repness_test,
                                       "p_success": r.p_success} for r in reps]
                           for gid, reps in m.repness.items()},
        "group_informed_consensus": {str(k): v for k, v in m.group_informed_consensus.items()},
        "divisiveness": {str(k): v for k, v in m.divisiveness.items()},
    }


class MapWorker:
    """Listens for marks and moderation on statements and recomputes dirty sessions' maps."""

    def __init__(self, interval_s: float = MIN_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self.dirty: set[int] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def on_event(self, event: events.Event) -> None:
        if event.name in TRIGGERS:
            self.dirty.add(event.session_id)
            self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="opinion-map")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self.interval_s)  # let a burst of marks land first
            batch, self.dirty = self.dirty, set()
            for session_id in batch:
                try:
                    session = await Session.get_or_none(id=session_id)
                    if session is None or not await VoteRound.exists(session_id=session_id, method="agree"):
                        continue
                    await recompute(session)
                    await events.publish(events.Event("map.updated", session_id))
                except Exception:
                    log.exception("opinion map failed for session %s", session_id)
