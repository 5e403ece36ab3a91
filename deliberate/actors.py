"""Who is acting: an anonymous visitor, a participant of one session, or a staff member, and what staff may do
where.

Staff stay in their assembly (see docs/security.md, "Who may do what"): an administrator may do everything; a
facilitator runs the assemblies they own or were added to as a co-facilitator; an official reads and files the
outcomes of the assemblies they were added to, or of every assembly of a province they follow. The services ask
`require_facilitator` / `require_steward` with the assembly an act touches, so the JSON API and the pages share
one answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deliberate.accounts.models import AssemblyGrant, GrantRole, ProvinceGrant, Role, StaffUser
from deliberate.errors import NotAuthenticated, PermissionDenied
from deliberate.i18n import N_
from deliberate.sessions.models import Assembly, Participant, Session

RUNS = (GrantRole.OWNER, GrantRole.FACILITATOR)


@dataclass(frozen=True)
class Actor:
    participant: Participant | None = None
    staff: StaffUser | None = None
    # Answers already looked up in this request: (what, assembly id) -> allowed.
    known: dict[tuple[str, int], bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.participant is None and self.staff is None

    @property
    def key(self) -> str:
        """A stable name for idempotency and rate limits."""
        if self.staff is not None:
            return f"staff:{self.staff.id}"
        if self.participant is not None:
            return f"participant:{self.participant.id}"
        return "anonymous"

    def is_facilitator(self) -> bool:
        return self.staff is not None and self.staff.role in (Role.FACILITATOR, Role.ADMIN)

    def is_official(self) -> bool:
        return self.staff is not None and self.staff.role in (Role.OFFICIAL, Role.ADMIN)

    def participant_in(self, session: Session) -> Participant | None:
        if self.participant is not None and self.participant.session_id == session.id:
            return self.participant
        return None

    @property
    def is_admin(self) -> bool:
        return self.staff is not None and self.staff.role == Role.ADMIN


async def assembly_of(session_id: int) -> int:
    """The assembly a session belongs to, for acts that hold only a session's id (a proposal, a comment)."""
    found: list[object] = list(await Session.filter(id=session_id).values_list("assembly_id", flat=True))
    if not found:
        raise PermissionDenied(N_("Only facilitators of this assembly can do this."))
    return int(str(found[0]))


async def runs(actor: Actor, assembly_id: int) -> bool:
    """May this actor run the assembly: its console, desk, moderation and rounds?"""
    if actor.staff is None or not actor.is_facilitator():
        return False
    if actor.is_admin:
        return True
    key = ("runs", assembly_id)
    if key not in actor.known:
        actor.known[key] = await AssemblyGrant.filter(
            assembly_id=assembly_id, user_id=actor.staff.id, role__in=RUNS
        ).exists()
    return actor.known[key]


async def reads(actor: Actor, assembly_id: int) -> bool:
    """May this actor read the assembly's staff pages and file its outcomes (brief, answers, follow-up)?"""
    if actor.staff is None:
        return False
    if actor.is_admin or await runs(actor, assembly_id):
        return True
    key = ("reads", assembly_id)
    if key not in actor.known:
        granted = await AssemblyGrant.filter(assembly_id=assembly_id, user_id=actor.staff.id).exists()
        if not granted and actor.staff.role == Role.OFFICIAL:
            provinces = await ProvinceGrant.filter(user_id=actor.staff.id).values_list("province_code", flat=True)
            granted = bool(provinces) and await Assembly.filter(id=assembly_id, province_code__in=provinces).exists()
        actor.known[key] = granted
    return actor.known[key]


def _signed_in(actor: Actor) -> StaffUser:
    if actor.staff is None:
        if actor.is_anonymous:
            raise NotAuthenticated(N_("Please sign in as staff to do this."))
        raise PermissionDenied(N_("Only staff can do this."))
    return actor.staff


def require_facilitator_role(actor: Actor) -> StaffUser:
    """A facilitator's (or an administrator's) account, for acts that belong to no assembly yet: making one."""
    staff = _signed_in(actor)
    if not actor.is_facilitator():
        raise PermissionDenied(N_("Only facilitators can do this."))
    return staff


async def require_facilitator(actor: Actor, assembly_id: int) -> StaffUser:
    """A facilitator of this assembly (its owner, a co-facilitator) or an administrator."""
    staff = require_facilitator_role(actor)
    if not await runs(actor, assembly_id):
        raise PermissionDenied(N_("Only facilitators of this assembly can do this."))
    return staff


def require_steward_role(actor: Actor) -> StaffUser:
    """A facilitator's or an official's account (or an administrator's), before it is known which assembly."""
    staff = _signed_in(actor)
    if not (actor.is_facilitator() or actor.is_official()):
        raise PermissionDenied(N_("Only facilitators and officials can do this."))
    return staff


async def require_steward(actor: Actor, assembly_id: int) -> StaffUser:
    """Facilitators of this assembly and the officials it was granted to: its brief, answers and follow-up."""
    staff = require_steward_role(actor)
    if not await reads(actor, assembly_id):
        raise PermissionDenied(N_("Only facilitators and officials of this assembly can do this."))
    return staff


async def readable_assemblies(actor: Actor) -> set[int] | None:
    """The ids of the assemblies this staff member may read; None for an administrator (all of them)."""
    if actor.staff is None:
        return set()
    if actor.is_admin:
        return None
    ids = set(await AssemblyGrant.filter(user_id=actor.staff.id).values_list("assembly_id", flat=True))
    if actor.staff.role == Role.OFFICIAL:
        provinces = await ProvinceGrant.filter(user_id=actor.staff.id).values_list("province_code", flat=True)
        if provinces:
            ids |= set(await Assembly.filter(province_code__in=provinces).values_list("id", flat=True))
    return {int(str(i)) for i in ids}


def require_participant(actor: Actor, session: Session) -> Participant:
    participant = actor.participant_in(session)
    if participant is None:
        if actor.is_anonymous:
            raise NotAuthenticated(N_("Please join the session first."))
        raise PermissionDenied(N_("You are not a participant of this session."))
    return participant
