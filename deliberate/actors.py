"""Who is acting: an anonymous visitor, a participant of one session, or a staff member."""

from __future__ import annotations

from dataclasses import dataclass

from deliberate.accounts.models import Role, StaffUser
from deliberate.errors import NotAuthenticated, PermissionDenied
from deliberate.i18n import N_
from deliberate.sessions.models import Participant, Session


@dataclass(frozen=True)
class Actor:
    participant: Participant | None = None
    staff: StaffUser | None = None

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


def require_facilitator(actor: Actor) -> StaffUser:
    if actor.is_anonymous:
        raise NotAuthenticated(N_("Please sign in as staff to do this."))
    if not actor.is_facilitator():
        raise PermissionDenied(N_("Only facilitators can do this."))
    assert actor.staff is not None
    return actor.staff


def require_participant(actor: Actor, session: Session) -> Participant:
    participant = actor.participant_in(session)
    if participant is None:
        if actor.is_anonymous:
            raise NotAuthenticated(N_("Please join the session first."))
        raise PermissionDenied(N_("You are not a participant of this session."))
    return participant
