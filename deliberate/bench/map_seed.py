"""A session with a large opinion map, written straight to the database for `bench live --map`.

P participants with known bearer tokens, S statements in the agree round and a few proposals, and a
synthetic conversation of agree/disagree/pass marks over them: 3 latent opinion groups, each participant
marking about `density` of the statements. Bulk inserts, because a few hundred thousand marks through the
API would take longer than the benchmark itself; the marks measured afterwards go through the API.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from tortoise import Tortoise

from deliberate.db import int_column, tortoise_config
from deliberate.proposals.models import Proposal
from deliberate.sessions.codes import new_code
from deliberate.sessions.models import Assembly, Participant, Session, Theme
from deliberate.tokens import token_hash
from deliberate.voting.methods import Options
from deliberate.voting.models import Ballot, VoteRound

BATCH = 5000
GROUPS = 3
PROPOSALS = 20
SEEDED_OVER_S = 3600.0  # the seeded marks are spread over the hour before the run
COLUMNS = (
    "round_id",
    "proposal_id",
    "participant_id",
    "value",
    "source",
    "paper_key",
    "sheets",
    "created_at",
    "updated_at",
)


@dataclass
class Conversation:
    """What the load generator needs to keep marking in character."""

    code: str
    tokens: list[str]  # one per participant, in the order of `group`
    group: np.ndarray  # latent group per participant
    statement_ids: list[int]
    proposal_ids: list[int]
    p_agree: np.ndarray  # (group, statement)
    p_disagree: np.ndarray
    marks: int

    def mark_value(self, rng: np.random.Generator, person: int, statement: int) -> int:
        g = self.group[person]
        u = rng.random()
        return (
            1
            if u < self.p_agree[g, statement]
            else -1
            if u < self.p_agree[g, statement] + self.p_disagree[g, statement]
            else 0
        )


def conversation_shape(participants: int, statements: int, seed: int) -> tuple[np.ndarray, ...]:
    """Latent groups, each group's P(agree)/P(disagree) per statement (some statements split the groups,
    others are shared), and a per-participant marking rate around 1."""
    rng = np.random.default_rng(seed)
    group = rng.choice(GROUPS, size=participants, p=rng.dirichlet(np.full(GROUPS, 4.0)))
    lean = rng.normal(0.0, 1.0, size=(GROUPS, statements)) + rng.normal(0.0, 0.7, size=(1, statements))
    p_agree = 0.85 / (1.0 + np.exp(-2.0 * lean))
    p_disagree = (0.85 - p_agree) * rng.uniform(0.7, 1.0, size=(GROUPS, statements))
    rate = rng.uniform(0.5, 1.5, size=participants)
    return group, p_agree, p_disagree, rate


async def seed(db_url: str, participants: int, statements: int, density: float, *, seed: int = 3) -> Conversation:
    await Tortoise.init(config=tortoise_config(db_url))
    try:
        return await _seed(participants, statements, density, seed)
    finally:
        await Tortoise.close_connections()


async def _seed(participants: int, statements: int, density: float, seed_value: int) -> Conversation:
    group, p_agree, p_disagree, rate = conversation_shape(participants, statements, seed_value)
    rng = np.random.default_rng(seed_value + 1)
    secret = secrets.token_urlsafe(12)
    tokens = [f"{secret}.{i}" for i in range(participants)]
    now = dt.datetime.now(dt.UTC)

    assembly = await Assembly.create(title="สมัชชาทดสอบแผนที่ความเห็น", province_code="83")
    theme = await Theme.create(assembly=assembly, name="สวัสดิการชุมชน", position=0)
    # "voting" lets participants both support proposals and mark statements.
    session = await Session.create(assembly=assembly, title="เวทีทดสอบแผนที่ความเห็น", code=new_code(), phase="voting")
    vote_round = await VoteRound.create(session=session, method="agree", options=Options().as_dict())
    await Participant.bulk_create(
        [
            Participant(session=session, display_name=f"ผู้เข้าร่วม {i + 1}", token_hash=token_hash(t), consent_at=now)
            for i, t in enumerate(tokens)
        ],
        batch_size=BATCH,
    )
    people = await Participant.filter(session_id=session.id).order_by("id").values_list("id", flat=True)
    await Proposal.bulk_create(
        [
            Proposal(session=session, theme=theme, kind="statement", title=f"ข้อความทดสอบที่ {i + 1}", body="")
            for i in range(statements)
        ],
        batch_size=BATCH,
    )
    await Proposal.bulk_create(
        [
            Proposal(session=session, theme=theme, title=f"ข้อเสนอทดสอบที่ {i + 1}", body="ข้อเสนอสำหรับวัดความเร็ว")
            for i in range(PROPOSALS)
        ],
        batch_size=BATCH,
    )
    statement_ids = await int_column(Proposal.filter(session_id=session.id, kind="statement").order_by("id"), "id")
    proposal_ids = await int_column(Proposal.filter(session_id=session.id, kind="proposal").order_by("id"), "id")

    marks = 0
    insert, as_db = _ballot_insert()
    for lo in range(0, participants, BATCH // 10):
        hi = min(lo + BATCH // 10, participants)
        g = group[lo:hi]
        seen = rng.random((hi - lo, statements)) < np.minimum(1.0, density * rate[lo:hi, None])
        u = rng.random((hi - lo, statements))
        value = np.where(u < p_agree[g], 1, np.where(u < p_agree[g] + p_disagree[g], -1, 0))
        rows, cols = np.nonzero(seen)
        when = [as_db(now - dt.timedelta(seconds=float(s))) for s in rng.uniform(0, SEEDED_OVER_S, size=rows.size)]
        await Ballot._meta.db.execute_many(
            insert,
            [
                [vote_round.id, statement_ids[c], people[lo + r], int(value[r, c]), "phone", "", 1, w, w]
                for r, c, w in zip(rows.tolist(), cols.tolist(), when, strict=True)
            ],
        )
        marks += int(rows.size)
    return Conversation(session.code, tokens, group, statement_ids, proposal_ids, p_agree, p_disagree, marks)


def _ballot_insert() -> tuple[str, Callable[[dt.datetime], object]]:
    """A plain INSERT for the marks: building a model object per mark made seeding take longer than the run."""
    sqlite = Ballot._meta.db.capabilities.dialect == "sqlite"
    marks = ["?"] * len(COLUMNS) if sqlite else [f"${i + 1}" for i in range(len(COLUMNS))]
    sql = f'INSERT INTO "ballot" ({", ".join(COLUMNS)}) VALUES ({", ".join(marks)})'  # noqa: S608 (constants)
    # The ORM keeps SQLite timestamps as ISO text; asyncpg takes datetimes.
    return sql, (str if sqlite else lambda when: when)
