"""Import a Pol.is open-data export (votes.csv or participants-votes.csv, with comments.csv when there is one)
into a new session: a real way over for Pol.is users, and our yardstick. Each participant and statement keeps
its Pol.is id as `external_id`; statements moderated out in Pol.is stay hidden; every latest vote becomes an
agree-round mark.
All of it lands in one transaction: a malformed folder imports nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from tortoise.transactions import in_transaction

from deliberate import audit
from deliberate.opinion import PolisExport, read_polis_export
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.codes import new_code
from deliberate.sessions.models import Assembly, Participant, Session, Theme
from deliberate.tokens import token_hash
from deliberate.voting.methods import Options
from deliberate.voting.models import Ballot, VoteRound

BATCH = 2000
MODERATED_OUT_REASON = "Moderated out in Pol.is"


def _when(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


async def import_polis(folder: str | Path, *, title: str | None = None) -> Session:
    """Read and check the whole folder first, then write everything in one transaction."""
    export: PolisExport = read_polis_export(folder)
    topic = (title or export.summary.get("topic") or Path(folder).name).strip()[:200] or "Pol.is"
    now = dt.datetime.now(dt.UTC)
    latest = export.latest_votes()  # (voter, comment, vote, first ms or export row)

    def when(rank: int) -> dt.datetime:
        # Without votes.csv there are no times: keep the export's row order a microsecond apart.
        return _when(rank) if export.latest is None else now + dt.timedelta(microseconds=rank)

    people = sorted({v for v, _, _, _ in latest} | {c.author_id for c in export.comments if c.author_id >= 0})
    async with in_transaction():
        assembly = await Assembly.create(title=topic, subtitle="Pol.is")
        theme = await Theme.create(assembly=assembly, name=topic, position=0)
        session = await Session.create(assembly=assembly, title=topic, code=new_code(), phase="deliberation")
        vote_round = await VoteRound.create(
            session=session, method="agree", options=Options().as_dict(), title=topic[:140]
        )
        await Participant.bulk_create(
            [
                Participant(
                    session=session,
                    display_name=f"Pol.is {pid}",
                    external_id=str(pid),
                    token_hash=token_hash(secrets.token_urlsafe(24)),
                )
                for pid in people
            ],
            batch_size=BATCH,
        )
        participant = dict(await Participant.filter(session_id=session.id).values_list("external_id", "id"))
        await Proposal.bulk_create(
            [
                Proposal(
                    session=session,
                    theme=theme,
                    kind="statement",
                    title=_title(c.body) or f"Pol.is {c.comment_id}",
                    body=c.body,
                    author_id=participant.get(str(c.author_id)),
                    external_id=str(c.comment_id),
                    status=ProposalStatus.HIDDEN if c.moderated == -1 else ProposalStatus.PUBLISHED,
                    meta=c.is_meta,
                    hidden_reason=MODERATED_OUT_REASON if c.moderated == -1 else "",
                    created_at=_when(c.timestamp) if c.timestamp else now,
                )
                for c in export.comments
            ],
            batch_size=BATCH,
        )
        statement = dict(await Proposal.filter(session_id=session.id).values_list("external_id", "id"))
        await Ballot.bulk_create(
            [
                Ballot(
                    round=vote_round,
                    proposal_id=statement[str(cid)],
                    participant_id=participant[str(pid)],
                    value=vote,
                    source="phone",
                    created_at=when(first),
                )
                for pid, cid, vote, first in latest
                if str(cid) in statement
            ],
            batch_size=BATCH,
        )
        # One audit entry holds every imported mark, so `deliberate audit verify` can replay them.
        marks = (
            await Ballot.filter(round_id=vote_round.id)
            .order_by("id")
            .values_list("proposal_id", "participant_id", "value")
        )
        await audit.record(
            session.id,
            "votes.imported",
            "system",
            round=vote_round.id,
            source="phone",
            origin="polis",
            imported=[list(m) for m in marks],
        )
    return session


def _title(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= 140 else text[:139] + "…"
