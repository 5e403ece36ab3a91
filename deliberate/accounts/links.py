"""One-time links for staff: invitations and password resets.

A venue has no mail server, so the app shows the link once, to whoever made it, to pass on by hand. The
token is 32 random bytes and only its SHA-256 is stored; the link carries it in the query string, which the
request log leaves out. A link works once and expires (invitations after 7 days, resets after 1 hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from deliberate.accounts.models import AssemblyGrant, GrantRole, ProvinceGrant, Role, StaffLink, StaffToken, StaffUser
from deliberate.accounts.passwords import hash_password
from deliberate.accounts.services import clean_email, clean_password
from deliberate.actors import Actor
from deliberate.errors import Conflict, DomainError, NotAuthenticated, NotFound, PermissionDenied, ValidationError
from deliberate.i18n import N_
from deliberate.text import choice, clean_text, is_id
from deliberate.tokens import new_token, token_hash

LIFETIME = {"invite": timedelta(days=7), "reset": timedelta(hours=1)}
# Who may invite whom. Admins invite any role. A facilitator may bring in a co-facilitator or an official
# for the work in the room (an admin is rarely at the venue), but never an admin: nobody hands out more
# rights than they hold. Officials invite nobody.
MAY_INVITE = {
    Role.ADMIN: (Role.ADMIN, Role.FACILITATOR, Role.OFFICIAL),
    Role.FACILITATOR: (Role.FACILITATOR, Role.OFFICIAL),
}


class LinkGone(DomainError):
    status = 410
    code = "link_gone"


@dataclass(frozen=True)
class Issued:
    link: StaffLink
    token: str  # the raw token: shown once, never stored


def _now() -> datetime:
    return datetime.now(UTC)


def _staff(actor: Actor) -> StaffUser:
    if actor.is_anonymous:
        raise NotAuthenticated(N_("Please sign in as staff to do this."))
    if actor.staff is None:
        raise PermissionDenied(N_("Only staff can do this."))
    return actor.staff


def invitable_roles(actor: Actor) -> tuple[Role, ...]:
    return MAY_INVITE.get(actor.staff.role, ()) if actor.staff is not None else ()


async def invite_staff(
    actor: Actor,
    *,
    email: object,
    role: object,
    assembly_id: object = None,
    grant_role: object = None,
    province_code: object = None,
) -> Issued:
    """Invite someone to join the staff with a role and a scope; any earlier pending invitation for the e-mail
    ends. A facilitator's invitation always names an assembly they own, so nobody they bring in reaches past it;
    an administrator may also leave the scope empty or, for an official, name a province."""
    staff = _staff(actor)
    allowed = MAY_INVITE.get(staff.role, ())
    if not allowed:
        raise PermissionDenied(N_("Only facilitators and administrators can invite staff."))
    clean_role = Role(choice(role, [r.value for r in Role], field="role"))
    if clean_role not in allowed:
        raise PermissionDenied(N_("You may not invite someone with this role."), field="role")
    address = clean_email(email)
    assembly, part, province = await _scope(actor, clean_role, assembly_id, grant_role, province_code)
    if await StaffUser.filter(email=address).exists():
        raise Conflict(N_("An account with this e-mail already exists."), field="email")
    raw = new_token()
    async with in_transaction():
        await StaffLink.filter(kind="invite", email=address, used_at=None).delete()
        link = await StaffLink.create(
            kind="invite",
            token_hash=token_hash(raw),
            email=address,
            role=clean_role.value,
            assembly_id=assembly,
            grant_role=part,
            province_code=province,
            created_by=staff,
            expires_at=_now() + LIFETIME["invite"],
        )
    return Issued(link, raw)


async def _scope(
    actor: Actor, role: Role, assembly_id: object, grant_role: object, province_code: object
) -> tuple[int | None, str, str]:
    """The (assembly, part in it, province) an invitation carries, checked against what the inviter holds."""
    from deliberate.accounts.grants import check_grantable, clean_grant_role, clean_province, owns

    if province_code not in (None, ""):
        if not actor.is_admin:
            raise PermissionDenied(N_("Only administrators can give a province."), field="province_code")
        if role != Role.OFFICIAL:
            raise ValidationError(N_("Only officials follow a province."), field="province_code")
        return None, "", clean_province(province_code)
    if assembly_id in (None, ""):
        if actor.is_admin:
            return None, "", ""
        raise ValidationError(N_("Please choose the assembly the person will work on."), field="assembly_id")
    if isinstance(assembly_id, str) and assembly_id.isdigit() and len(assembly_id) < 12:
        assembly_id = int(assembly_id)
    if not is_id(assembly_id) or not await owns(actor, int(str(assembly_id))):
        raise PermissionDenied(N_("You can only invite people to an assembly you own."), field="assembly_id")
    default = GrantRole.OFFICIAL if role == Role.OFFICIAL else GrantRole.FACILITATOR
    part = default if grant_role in (None, "") else clean_grant_role(grant_role)
    check_grantable(role, part)
    return int(str(assembly_id)), part.value, ""


async def pending_invitations(actor: Actor) -> list[StaffLink]:
    """Invitations not yet taken up and not expired: all of them for an admin, one's own for a facilitator."""
    staff = _staff(actor)
    query = StaffLink.filter(kind="invite", used_at=None, expires_at__gt=_now())
    if staff.role != Role.ADMIN:
        query = query.filter(created_by_id=staff.id)
    return await query.order_by("-id").prefetch_related("assembly")


async def withdraw_invitation(actor: Actor, link_id: object) -> None:
    """Take back an invitation not yet taken up: its link stops working at once (its maker, or an admin)."""
    staff = _staff(actor)
    if not MAY_INVITE.get(staff.role, ()):
        raise PermissionDenied(N_("Only facilitators and administrators can invite staff."))
    query = StaffLink.filter(id=link_id if is_id(link_id) else -1, kind="invite", used_at=None)
    if staff.role != Role.ADMIN:
        query = query.filter(created_by_id=staff.id)
    if not await query.delete():
        raise NotFound(N_("No such invitation, or it was already taken up."), field="id")


async def request_reset(actor: Actor, *, email: object) -> Issued:
    """An administrator makes a reset link for a staff account (a facilitator resetting a colleague's
    password could take over their account, so only admins may)."""
    staff = _staff(actor)
    if staff.role != Role.ADMIN:
        raise PermissionDenied(N_("Only administrators can reset passwords."))
    return await issue_reset(clean_email(email), by=staff)


async def issue_reset(email: str, *, by: StaffUser | None = None) -> Issued:
    """A reset link for the account; only the newest one works. `by` is None for the operator's CLI."""
    user = await StaffUser.get_or_none(email=email.strip().lower(), is_active=True)
    if user is None:
        raise NotFound(N_("There is no active staff account with this e-mail."), field="email")
    raw = new_token()
    async with in_transaction():
        await StaffLink.filter(kind="reset", user_id=user.id, used_at=None).delete()
        link = await StaffLink.create(
            kind="reset",
            token_hash=token_hash(raw),
            email=user.email,
            user=user,
            created_by=by,
            expires_at=_now() + LIFETIME["reset"],
        )
    return Issued(link, raw)


async def open_link(raw: object, kind: str) -> StaffLink:
    """The link a token names, if it still works; otherwise a refusal that says why."""
    link = None
    if isinstance(raw, str) and 20 <= len(raw) <= 100:
        link = await StaffLink.get_or_none(token_hash=token_hash(raw), kind=kind)
    if link is None:
        raise NotFound(N_("This link is not valid. Please ask for a new one."))
    if link.used_at is not None:
        raise LinkGone(N_("This link has already been used. Please ask for a new one."))
    if link.expires_at <= _now():
        raise LinkGone(N_("This link has expired. Please ask for a new one."))
    return link


async def _claim(link: StaffLink) -> None:
    """Mark the link used, once: of two people racing with the same link, one wins."""
    now = _now()
    claimed = await StaffLink.filter(id=link.id, used_at=None, expires_at__gt=now).update(used_at=now)
    if not claimed:
        raise LinkGone(N_("This link has already been used. Please ask for a new one."))


def _check_repeat(password: str, repeat: object) -> None:
    if repeat is not None and repeat != password:
        raise ValidationError(N_("The two passwords are not the same."), field="repeat")


async def accept_invitation(raw: object, *, display_name: object, password: object, repeat: object = None) -> StaffUser:
    """The invitee sets a name and a password; the account is made with the invited role."""
    link = await open_link(raw, "invite")
    name = clean_text(display_name, field="display_name", max_length=80)
    secret = clean_password(password)
    _check_repeat(secret, repeat)
    digest = hash_password(secret)
    try:
        async with in_transaction():
            await _claim(link)
            user = await StaffUser.create(
                email=link.email, role=Role(link.role), password_hash=digest, display_name=name
            )
            await StaffLink.filter(id=link.id).update(user_id=user.id)
            # The scope the invitation carried, granted by whoever made it.
            if link.assembly_id is not None and link.grant_role:
                await AssemblyGrant.create(
                    assembly_id=link.assembly_id,
                    user=user,
                    role=GrantRole(link.grant_role),
                    granted_by_id=link.created_by_id,
                )
            if link.province_code:
                await ProvinceGrant.create(
                    user=user, province_code=link.province_code, granted_by_id=link.created_by_id
                )
    except IntegrityError as exc:
        raise Conflict(N_("An account with this e-mail already exists."), field="email") from exc
    return user


async def reset_password(raw: object, *, password: object, repeat: object = None) -> StaffUser:
    """Set a new password. Every login and API token of the account ends, and so does every other link."""
    link = await open_link(raw, "reset")
    secret = clean_password(password)
    _check_repeat(secret, repeat)
    digest = hash_password(secret)
    async with in_transaction():
        await _claim(link)
        user = await StaffUser.get_or_none(id=link.user_id, is_active=True)
        if user is None:
            raise LinkGone(N_("This link is no longer valid. Please ask for a new one."))
        await StaffUser.filter(id=user.id).update(password_hash=digest)
        await StaffToken.filter(user_id=user.id).delete()
        await StaffLink.filter(kind="reset", user_id=user.id, used_at=None).update(used_at=_now())
    return user
