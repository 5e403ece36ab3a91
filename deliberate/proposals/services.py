"""Putting proposals and reading them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from deliberate import events, rawsql
from deliberate.actors import Actor, assembly_of, require_facilitator, require_participant, runs
from deliberate.comments.models import Comment
from deliberate.db import int_column
from deliberate.errors import Conflict, NotFound, ValidationError
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Assembly, Participant, Session, Theme
from deliberate.sessions.services import assisted_participant, require_phase
from deliberate.sessions.vocab import TARGET_GROUPS
from deliberate.supports.models import Support
from deliberate.text import as_int, clean_text, display_name, is_id

TITLE_MAX = 140
BODY_MAX = 2000


@dataclass
class ProposalView:
    proposal: Proposal
    supports: int = 0
    comments: int = 0
    supported: bool = False
    mine: bool = False
    credits: tuple[str, ...] = ()

    @property
    def id(self) -> int:
        return self.proposal.id


def _clean_target_groups(values: object) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or len(values) > len(TARGET_GROUPS):
        raise ValidationError(N_("Please choose one of the options."), field="target_groups")
    for v in values:
        if v not in TARGET_GROUPS:
            raise ValidationError(N_("Please choose one of the options."), field="target_groups")
    return list(dict.fromkeys(values))


async def submit_proposal(
    actor: Actor,
    session: Session,
    *,
    title: object,
    body: object,
    theme_id: object,
    target_groups: object = None,
    on_behalf_of: object = None,
) -> Proposal:
    """A participant puts a proposal; a facilitator may enter one for someone without a phone."""
    assisted = on_behalf_of not in (None, "")
    if assisted:
        staff = await require_facilitator(actor, session.assembly_id)
        author_name = display_name(on_behalf_of, field="on_behalf_of")
    else:
        author = require_participant(actor, session)
        require_phase(session, "propose")
    clean_title = clean_text(title, field="title", max_length=TITLE_MAX, min_length=3)
    clean_body = clean_text(body, field="body", max_length=BODY_MAX, multiline=True, required=False)
    theme = await Theme.get_or_none(id=as_int(theme_id, field="theme_id"), assembly_id=session.assembly_id)
    if theme is None:
        raise ValidationError(N_("Please choose one of the strategic issues."), field="theme_id")
    groups = _clean_target_groups(target_groups)
    if session.phase == "closed":
        require_phase(session, "propose")
    if assisted:
        # The same person as their earlier proposals, supports and votes entered by staff: one name, one person.
        author = await assisted_participant(actor, session, author_name)
    elif await Proposal.filter(session_id=session.id, author_id=author.id, title=clean_title).exists():
        raise Conflict(N_("You have already put a proposal with this title."), field="title")
    status = ProposalStatus.PENDING if session.premoderation and not assisted else ProposalStatus.PUBLISHED
    async with in_transaction():
        proposal = await Proposal.create(
            session=session,
            theme=theme,
            author=author,
            title=clean_title,
            body=clean_body,
            target_groups=groups,
            status=status,
            assisted=assisted,
            entered_by=staff if assisted else None,
        )
    await events.publish(
        events.Event(
            f"proposal.{'submitted' if status == 'pending' else 'published'}", session.id, proposal_ids=(proposal.id,)
        )
    )
    return proposal


@cache
def _PROPOSAL_SQL() -> str:  # noqa: N802 (a constant, built once the models are known)
    columns = ", ".join(rawsql.columns(m, a) for m, a in ((Proposal, "p"), (Session, "s"), (Assembly, "a")))
    return (
        f"SELECT {columns} FROM proposal p JOIN session s ON s.id = p.session_id "  # noqa: S608 (no input)
        "JOIN assembly a ON a.id = s.assembly_id WHERE p.id = ?"
    )


async def get_proposal(proposal_id: object) -> Proposal:
    if not is_id(proposal_id):
        raise NotFound(N_("No such proposal."))
    # Every support starts here: one plain SQL read (rawsql.py) instead of a select_related 12 times the CPU.
    found = await rawsql.rows(_PROPOSAL_SQL(), proposal_id)
    if not found:
        raise NotFound(N_("No such proposal."))
    proposal, session = rawsql.part(Proposal, found[0], "p"), rawsql.part(Session, found[0], "s")
    rawsql.attach(session, "assembly", rawsql.part(Assembly, found[0], "a"))
    rawsql.attach(proposal, "session", session)
    return proposal


async def can_see(actor: Actor, proposal: Proposal) -> bool:
    """Published proposals are for everyone; a pending one for its author; the rest for the assembly's staff."""
    if proposal.status == ProposalStatus.PUBLISHED:
        return True
    me = actor.participant
    if me is not None and proposal.author_id == me.id and proposal.status == ProposalStatus.PENDING:
        return True
    return actor.is_facilitator() and await runs(actor, await assembly_of(proposal.session_id))


async def visible_proposal(actor: Actor, proposal_id: object) -> Proposal:
    proposal = await get_proposal(proposal_id)
    if not await can_see(actor, proposal):
        raise NotFound(N_("No such proposal."))
    return proposal


async def support_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await (
        Support.filter(proposal_id__in=ids)
        .annotate(n=Count("id"))
        .group_by("proposal_id")
        .values_list("proposal_id", "n")
    )
    return {pid: n for pid, n in rows}


async def comment_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await (
        Comment.filter(proposal_id__in=ids, hidden=False)
        .annotate(n=Count("id"))
        .group_by("proposal_id")
        .values_list("proposal_id", "n")
    )
    return {pid: n for pid, n in rows}


async def credits(proposals: list[Proposal]) -> dict[int, tuple[str, ...]]:
    """Authors credited on each proposal: its own, then those of the duplicates merged into it."""
    ids = [p.id for p in proposals]
    rows = await Proposal.filter(merged_into_id__in=ids).values_list("merged_into_id", "author_id")
    author_ids = {p.author_id for p in proposals} | {a for _, a in rows}
    names = dict(await Participant.filter(id__in=[a for a in author_ids if a]).values_list("id", "display_name"))
    out: dict[int, list[str]] = {p.id: [names.get(p.author_id, "")] for p in proposals}
    for into, author in rows:
        if author in names and names[author] not in out[into]:
            out[into].append(names[author])
    return {k: tuple(n for n in v if n) for k, v in out.items()}


async def decorate(actor: Actor, proposals: list[Proposal]) -> list[ProposalView]:
    ids = [p.id for p in proposals]
    supports, comments, names = await support_counts(ids), await comment_counts(ids), await credits(proposals)
    mine: set[int] = set()
    if actor.participant is not None and ids:
        mine = set(
            await int_column(Support.filter(participant_id=actor.participant.id, proposal_id__in=ids), "proposal_id")
        )
    me = actor.participant.id if actor.participant else None
    return [
        ProposalView(
            p,
            supports.get(p.id, 0),
            comments.get(p.id, 0),
            p.id in mine,
            me is not None and p.author_id == me,
            names.get(p.id, ()),
        )
        for p in proposals
    ]


async def published_views(session: Session) -> list[ProposalView]:
    """The session's published proposals with their counts, as anyone sees them (see `personalise`)."""
    return await decorate(
        Actor(),
        await Proposal.filter(session_id=session.id, kind="proposal", status=ProposalStatus.PUBLISHED).order_by("id"),
    )


async def personalise(actor: Actor, session: Session, shared: list[ProposalView]) -> list[ProposalView]:
    """`published_views` as this actor sees them: which they support and wrote, then their own pending ones
    (what `list_proposals` gives, for a caller that shares the published part between people)."""
    me = actor.participant_in(session)
    if me is None:
        return list(shared)
    backed, pending = await own_part(actor, session)
    views = [replace(v, supported=v.id in backed, mine=v.proposal.author_id == me.id) for v in shared]
    if not pending:
        return views
    own = await Proposal.filter(
        session_id=session.id, status=ProposalStatus.PENDING, kind="proposal", author_id=me.id
    ).order_by("id")
    return views + await decorate(actor, own)


async def live_counts(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Supports and (visible) comments per proposal of the session, in one query (plain SQL: every phone's
    board asks when voting opens)."""
    found = await rawsql.rows(
        "SELECT 0 AS comments, s.proposal_id AS id, COUNT(*) AS n FROM support s "
        "JOIN proposal p ON p.id = s.proposal_id WHERE p.session_id = ? GROUP BY s.proposal_id UNION ALL "
        "SELECT 1, c.proposal_id, COUNT(*) FROM comment c "
        "JOIN proposal p ON p.id = c.proposal_id WHERE p.session_id = ? AND c.hidden = ? GROUP BY c.proposal_id",
        session.id,
        session.id,
        False,
    )
    supports = {r["id"]: int(r["n"]) for r in found if not r["comments"]}
    return supports, {r["id"]: int(r["n"]) for r in found if r["comments"]}


async def own_part(actor: Actor, session: Session) -> tuple[set[int], bool]:
    """What `personalise` adds for this actor in one query: the proposals they back, and whether a proposal of
    theirs waits for moderation. When voting opens most phones in a hall have neither, and share one board."""
    me = actor.participant_in(session)
    if me is None:
        return set(), False
    found = await rawsql.rows(
        "SELECT proposal_id AS id, 0 AS pending FROM support WHERE participant_id = ? UNION ALL "
        "SELECT id, 1 FROM proposal WHERE author_id = ? AND status = ? AND kind = ?",
        me.id,
        me.id,
        ProposalStatus.PENDING.value,
        "proposal",
    )
    return {r["id"] for r in found if not r["pending"]}, any(r["pending"] for r in found)


async def list_proposals(actor: Actor, session: Session, *, include_all: bool = False) -> list[ProposalView]:
    """Published proposals, plus the actor's own pending ones; facilitators may ask for every status."""
    if include_all and await runs(actor, session.assembly_id):
        return await decorate(actor, await Proposal.filter(session_id=session.id, kind="proposal").order_by("id"))
    return await personalise(actor, session, await published_views(session))


async def ranked(session: Session) -> list[ProposalView]:
    return sorted(await published_views(session), key=lambda v: (-v.supports, -v.comments, v.id))
