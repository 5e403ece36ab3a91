"""Assemblies, sessions, phases and joining: one function per user action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from deliberate import events, geo, rawsql
from deliberate.accounts.models import AssemblyGrant, GrantRole, StaffUser
from deliberate.actors import Actor, require_facilitator, require_facilitator_role
from deliberate.errors import NotFound, PermissionDenied, ValidationError
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.codes import looks_like_code, new_code, normalise_code
from deliberate.sessions.doors import doors_open, require_door
from deliberate.sessions.models import Assembly, Participant, Session, Theme
from deliberate.sessions.phases import ACTIONS, PHASES, allowed_actions
from deliberate.sessions.vocab import SECTORS
from deliberate.staffrecord.models import StaffAction
from deliberate.supports.models import Support
from deliberate.text import choice, clean_text, is_id
from deliberate.text import display_name as clean_name
from deliberate.tokens import new_token, token_hash

MAX_THEMES = 30
MAX_TIMER_MINUTES = 240


def clean_themes(values: object) -> list[str]:
    if not isinstance(values, list):
        raise ValidationError(N_("Please give the strategic issues as a list."), field="themes")
    names = [clean_text(v, field="themes", max_length=200) for v in values]
    names = list(dict.fromkeys(names))  # drop repeats, keep order
    if not 1 <= len(names) <= MAX_THEMES:
        raise ValidationError(N_("Give between 1 and {n} strategic issues."), field="themes", n=MAX_THEMES)
    return names


def _clean_date(value: object, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(N_("Please enter a date as YYYY-MM-DD."), field=field) from exc


async def create_assembly(
    actor: Actor,
    *,
    title: object,
    themes: object,
    subtitle: object = "",
    province_code: object = "",
    venue: object = "",
    starts_on: object = None,
    ends_on: object = None,
) -> Assembly:
    staff = require_facilitator_role(actor)
    clean_title = clean_text(title, field="title", max_length=200)
    theme_names = clean_themes(themes)
    province = clean_text(province_code, field="province_code", max_length=2, required=False)
    if province and not geo.province_name(province):
        raise ValidationError(N_("Please choose one of the options."), field="province_code")
    clean_subtitle = clean_text(subtitle, field="subtitle", max_length=200, required=False)
    clean_venue = clean_text(venue, field="venue", max_length=200, required=False)
    first, last = _clean_date(starts_on, "starts_on"), _clean_date(ends_on, "ends_on")
    if first and last and last < first:
        raise ValidationError(N_("The end date must not be before the start date."), field="ends_on")
    async with in_transaction():
        assembly = await Assembly.create(
            created_by=staff,
            title=clean_title,
            subtitle=clean_subtitle,
            province_code=province,
            venue=clean_venue,
            starts_on=first,
            ends_on=last,
        )
        for position, name in enumerate(theme_names):
            await Theme.create(assembly=assembly, name=name, position=position)
        # Whoever makes an assembly owns it: runs it and decides who else may.
        await AssemblyGrant.create(assembly=assembly, user=staff, role=GrantRole.OWNER, granted_by=staff)
    return assembly


async def create_session(actor: Actor, assembly: Assembly, *, title: object, premoderation: bool = False) -> Session:
    await require_facilitator(actor, assembly.id)
    clean_title = clean_text(title, field="title", max_length=200)
    for _ in range(10):
        try:
            async with in_transaction():
                return await Session.create(
                    assembly=assembly, title=clean_title, code=new_code(), premoderation=bool(premoderation)
                )
        except IntegrityError:
            continue  # the random code was taken: draw again
    raise RuntimeError("could not draw a free join code")


async def create_assembly_with_session(
    actor: Actor,
    *,
    title: object,
    assembly_title: object,
    themes: object,
    province_code: object = "",
    venue: object = "",
    premoderation: bool = False,
) -> Session:
    """A new assembly around its first session, in one act: everything the two take is checked before either is
    written, so a session title that would be refused leaves no assembly and no themes behind."""
    require_facilitator_role(actor)
    clean_text(title, field="title", max_length=200)
    assembly = await create_assembly(
        actor, title=assembly_title or title, themes=themes, province_code=province_code, venue=venue
    )
    return await create_session(actor, assembly, title=title, premoderation=premoderation)


async def get_assembly(assembly_id: object) -> Assembly:
    """An assembly by id, given as a number or as the digits of a URL path."""
    if isinstance(assembly_id, str) and assembly_id.isdigit() and len(assembly_id) < 12:
        assembly_id = int(assembly_id)
    if not is_id(assembly_id):
        raise NotFound(N_("No such assembly."), field="id")
    assembly = await Assembly.get_or_none(id=assembly_id)
    if assembly is None:
        raise NotFound(N_("No such assembly."), field="id")
    return assembly


@cache
def _SESSION_SQL() -> str:  # noqa: N802 (a constant, built once the models are known)
    columns = ", ".join(rawsql.columns(m, a) for m, a in ((Session, "s"), (Assembly, "a")))
    return f"SELECT {columns} FROM session s JOIN assembly a ON a.id = s.assembly_id WHERE s.code = ?"  # noqa: S608


async def get_session(code: object) -> Session:
    clean = normalise_code(code)
    # Every page and socket of a session starts here: one plain SQL read (rawsql.py) of the session with its
    # assembly, instead of two through the ORM (when voting opens, a whole hall asks at once).
    found = await rawsql.rows(_SESSION_SQL(), clean) if looks_like_code(clean) else None
    if not found:
        raise NotFound(
            N_("There is no session with the code {code}. Please check the code and try again."),
            field="code",
            code=clean or "-",
        )
    session = rawsql.part(Session, found[0], "s")
    rawsql.attach(session, "assembly", rawsql.part(Assembly, found[0], "a"))
    return session


async def themes_of(session: Session) -> list[Theme]:
    return await Theme.filter(assembly_id=session.assembly_id).order_by("position", "id")


def can(session: Session, action: str) -> bool:
    return action in allowed_actions(session.phase, session.permissions)


def require_phase(session: Session, action: str) -> None:
    if not can(session, action):
        messages = {
            "join": N_("This session is not open for joining now."),
            "propose": N_("Proposals are not open in this phase."),
            "comment": N_("Comments are not open in this phase."),
            "react": N_("Agreeing or disagreeing with statements is not open in this phase."),
            "support": N_("Support is not open in this phase."),
            "pledge": N_("Pledges are not open in this phase."),
        }
        raise PermissionDenied(messages[action])


async def set_phase(actor: Actor, session: Session, phase: object) -> Session:
    staff = await require_facilitator(actor, session.assembly_id)
    new_phase = choice(phase, PHASES, field="phase")
    if new_phase != session.phase:
        async with in_transaction():
            old = session.phase
            session.phase = new_phase
            session.phase_changed_at = datetime.now(UTC)
            # A timer belongs to the phase it was set in: left running, it would sit on every screen as a red
            # "0:00" through the phases after. The live update redraws the phase banner, timer and all.
            session.timer_ends_at = None
            session.timer_label = ""
            await session.save(update_fields=["phase", "phase_changed_at", "timer_ends_at", "timer_label"])
            await StaffAction.create(session=session, action="phase", actor=staff, data={"from": old, "to": new_phase})
        await events.publish(events.Event("phase.changed", session.id, data={"phase": new_phase}))
    return session


async def set_permissions(actor: Actor, session: Session, phase: object, switches: dict[str, object]) -> Session:
    staff = await require_facilitator(actor, session.assembly_id)
    target = choice(phase, PHASES, field="phase")
    current = dict(session.permissions or {})
    current[target] = {a: bool(switches.get(a)) for a in ACTIONS}
    session.permissions = current
    async with in_transaction():
        await session.save(update_fields=["permissions"])
        await StaffAction.create(
            session=session, action="permissions", actor=staff, data={"phase": target, "switches": current[target]}
        )
    await events.publish(events.Event("phase.changed", session.id, data={"phase": session.phase}))
    return session


async def set_premoderation(actor: Actor, session: Session, on: bool) -> Session:
    staff = await require_facilitator(actor, session.assembly_id)
    session.premoderation = bool(on)
    async with in_transaction():
        await session.save(update_fields=["premoderation"])
        await StaffAction.create(session=session, action="premoderation", actor=staff, data={"on": bool(on)})
    return session


async def set_timer(actor: Actor, session: Session, minutes: object, label: object = "") -> Session:
    staff = await require_facilitator(actor, session.assembly_id)
    try:
        mins = float(str(minutes))
    except ValueError as exc:
        raise ValidationError(N_("Please enter the minutes as a number."), field="minutes") from exc
    if not 0 <= mins <= MAX_TIMER_MINUTES:
        raise ValidationError(N_("The timer can run from 0 to {n} minutes."), field="minutes", n=MAX_TIMER_MINUTES)
    session.timer_ends_at = datetime.now(UTC) + timedelta(minutes=mins) if mins > 0 else None
    session.timer_label = clean_text(label, field="label", max_length=80, required=False)
    async with in_transaction():
        await session.save(update_fields=["timer_ends_at", "timer_label"])
        await StaffAction.create(session=session, action="timer", actor=staff, data={"minutes": mins})
    await events.publish(events.Event("timer.set", session.id))
    return session


async def set_spotlight(actor: Actor, session: Session, proposal_id: int | None) -> Session:
    staff = await require_facilitator(actor, session.assembly_id)
    if proposal_id is not None:
        exists = await Proposal.filter(id=proposal_id, session_id=session.id, status=ProposalStatus.PUBLISHED).exists()
        if not exists:
            raise NotFound(N_("No such proposal."))
    session.spotlight_id = proposal_id
    # Putting a proposal in the spotlight also puts the spotlight on the projector (presenter mode).
    if proposal_id is not None:
        session.screen_view = "spotlight"
    async with in_transaction():
        await session.save(update_fields=["spotlight_id", "screen_view"])
        await StaffAction.create(session=session, action="spotlight", actor=staff, proposal_id=proposal_id)
    await events.publish(
        events.Event("spotlight.changed", session.id, proposal_ids=(proposal_id,) if proposal_id else ())
    )
    if proposal_id is not None:
        await events.publish(events.Event("screen.changed", session.id))
    return session


async def drop_spotlight(staff: StaffUser, proposal: Proposal) -> bool:
    """Take `proposal` off the projector if it is in the spotlight there, recorded as `set_spotlight` records a
    clearing. For a hide or a merge: call it inside their transaction, and when it answers True publish
    `spotlight_cleared` after the commit, so no screen goes on showing what was just taken off the board."""
    # One conditional write, so a facilitator spotlighting another proposal meanwhile is never undone.
    cleared = await Session.filter(id=proposal.session_id, spotlight_id=proposal.id).update(spotlight_id=None)
    if cleared:
        await StaffAction.create(session_id=proposal.session_id, action="spotlight", actor=staff, proposal_id=None)
    return bool(cleared)


def spotlight_cleared(session_id: int) -> events.Event:
    return events.Event("spotlight.changed", session_id)


@dataclass(frozen=True)
class Joined:
    participant: Participant
    token: str


async def join_session(
    session: Session,
    *,
    display_name: object,
    consent: object,
    subdistrict_code: object = "",
    sector: object = "",
    organization: object = "",
    actor: Actor | None = None,
    door: object = None,
) -> Joined:
    """Make a participant. With a staff `actor`, it is someone without a phone entered on their behalf."""
    assisted = actor is not None and actor.staff is not None
    if actor is not None and assisted:
        await require_facilitator(actor, session.assembly_id)
    elif consent is not True:
        raise ValidationError(N_("Please read the personal-data notice and agree before joining."), field="consent")
    if not assisted:
        require_phase(session, "join")
        if not doors_open(session):
            raise PermissionDenied(
                N_("The facilitator has closed the doors: no one new can join this session now."), field="code"
            )
        require_door(session, door)
    elif session.phase == "closed":
        raise PermissionDenied(N_("This session is closed."))
    name = clean_name(display_name, field="display_name")
    sub = clean_text(subdistrict_code, field="subdistrict_code", max_length=6, required=False)
    if sub and not geo.is_subdistrict(sub):
        raise ValidationError(N_("Please choose a sub-district from the list."), field="subdistrict_code")
    sector_value = choice(sector, tuple(SECTORS), field="sector", required=False)
    org = clean_text(organization, field="organization", max_length=120, required=False)
    raw = new_token()
    participant = await Participant.create(
        session=session,
        display_name=name,
        subdistrict_code=sub,
        sector=sector_value,
        organization=org,
        token_hash=token_hash(raw),
        consent_at=None if assisted else datetime.now(UTC),
        assisted=assisted,
        entered_by=actor.staff if assisted and actor else None,
    )
    await events.publish(events.Event("participant.joined", session.id))
    return Joined(participant, raw)


async def assisted_participant(actor: Actor, session: Session, name: object) -> Participant:
    """The person without a phone that staff act for, found by name, or entered now the first time."""
    await require_facilitator(actor, session.assembly_id)
    person_name = clean_name(name, field="on_behalf_of")
    # The first one entered under this name: sessions from before assisted proposals reused the person may hold
    # several, and one of them must answer rather than none (a 500).
    person = (
        await Participant.filter(session_id=session.id, display_name=person_name, assisted=True).order_by("id").first()
    )
    if person is None:
        person = (await join_session(session, display_name=person_name, consent=False, actor=actor)).participant
    return person


async def participant_for_token(raw: str | None) -> Participant | None:
    if not raw or len(raw) > 100:
        return None
    # Every participant write starts here: plain SQL (rawsql.py says why).
    return await rawsql.one(Participant, "SELECT * FROM participant WHERE token_hash = ?", token_hash(raw))


@dataclass(frozen=True)
class Counts:
    participants: int
    proposals: int
    supports: int


async def counts(session: Session) -> Counts:
    participants = await Participant.filter(session_id=session.id).count()
    proposals = await Proposal.filter(session_id=session.id, status=ProposalStatus.PUBLISHED, kind="proposal").count()
    supports = await Support.filter(proposal__session_id=session.id, proposal__status=ProposalStatus.PUBLISHED).count()
    return Counts(participants, proposals, supports)
