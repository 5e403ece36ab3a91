"""Who works on an assembly: its team (owners, co-facilitators, officials) and the provinces officials follow.

An assembly's owners and the administrators decide its team; the province an official follows is an
administrator's decision, as it opens every assembly of that province to them. Every grant keeps who gave it
and when; withdrawing one takes effect at the next request (the console's socket closes at its next connect).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from deliberate import geo
from deliberate.accounts.models import AssemblyGrant, GrantRole, ProvinceGrant, Role, StaffUser
from deliberate.actors import Actor, readable_assemblies, require_steward, require_steward_role, runs
from deliberate.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationError
from deliberate.i18n import N_
from deliberate.sessions.models import Assembly
from deliberate.text import choice, is_id

# Which grant an account can hold: an official's account never runs an assembly, whoever grants it.
GRANTS_FOR = {
    Role.ADMIN: (GrantRole.OWNER, GrantRole.FACILITATOR, GrantRole.OFFICIAL),
    Role.FACILITATOR: (GrantRole.OWNER, GrantRole.FACILITATOR, GrantRole.OFFICIAL),
    Role.OFFICIAL: (GrantRole.OFFICIAL,),
}


async def owns(actor: Actor, assembly_id: int) -> bool:
    """May this actor decide the assembly's team: an owner of it, or an administrator."""
    if actor.staff is None:
        return False
    if actor.is_admin:
        return True
    return await AssemblyGrant.filter(
        assembly_id=assembly_id, user_id=actor.staff.id, role=GrantRole.OWNER
    ).exists() and await runs(actor, assembly_id)


async def require_owner(actor: Actor, assembly_id: int) -> StaffUser:
    staff = require_steward_role(actor)
    if not await owns(actor, assembly_id):
        raise PermissionDenied(N_("Only the assembly's owners and administrators can change its team."))
    return staff


def _require_admin(actor: Actor) -> StaffUser:
    if actor.staff is None:
        if actor.participant is not None:
            raise PermissionDenied(N_("Only administrators can do this."))
        raise NotAuthenticated(N_("Please sign in as staff to do this."))
    if not actor.is_admin:
        raise PermissionDenied(N_("Only administrators can do this."))
    return actor.staff


async def visible_assemblies(actor: Actor) -> list[Assembly]:
    """The assemblies this staff member works on, newest first (administrators: all of them)."""
    readable = await readable_assemblies(actor)
    query = Assembly.all() if readable is None else Assembly.filter(id__in=sorted(readable))
    return list(await query.order_by("-id").prefetch_related("sessions", "themes"))


async def team(actor: Actor, assembly: Assembly) -> list[AssemblyGrant]:
    """The assembly's team, owners first; for anyone who may read the assembly."""
    await require_steward(actor, assembly.id)
    grants = await AssemblyGrant.filter(assembly_id=assembly.id).prefetch_related("user").order_by("id")
    order = {GrantRole.OWNER: 0, GrantRole.FACILITATOR: 1, GrantRole.OFFICIAL: 2}
    return sorted(grants, key=lambda g: (order[g.role], g.user.email))


def clean_grant_role(value: object) -> GrantRole:
    return GrantRole(choice(value, [r.value for r in GrantRole], field="role"))


def check_grantable(user_role: Role, role: GrantRole) -> None:
    if role not in GRANTS_FOR[user_role]:
        raise ValidationError(N_("An official's account can only be given the official's part."), field="role")


async def add_to_team(actor: Actor, assembly: Assembly, *, email: object, role: object) -> AssemblyGrant:
    """Give an existing staff account a part in the assembly, or change the part it has."""
    granter = await require_owner(actor, assembly.id)
    part = clean_grant_role(role)
    from deliberate.accounts.services import clean_email

    address = clean_email(email)
    user = await StaffUser.get_or_none(email=address, is_active=True)
    if user is None:
        raise NotFound(N_("There is no active staff account with this e-mail. Invite the person first."), field="email")
    check_grantable(user.role, part)
    async with in_transaction():
        grant = await AssemblyGrant.filter(assembly_id=assembly.id, user_id=user.id).select_for_update().first()
        if grant is not None and grant.role == GrantRole.OWNER and part != GrantRole.OWNER:
            await _keep_an_owner(assembly.id, leaving=grant.id)
        if grant is None:
            grant = await AssemblyGrant.create(assembly=assembly, user=user, role=part, granted_by=granter)
        else:
            grant.role, grant.granted_by_id = part, granter.id
            await grant.save(update_fields=["role", "granted_by_id"])
    grant.user = user
    return grant


async def _keep_an_owner(assembly_id: int, *, leaving: int) -> None:
    others = await AssemblyGrant.filter(assembly_id=assembly_id, role=GrantRole.OWNER).exclude(id=leaving).count()
    if not others:
        raise Conflict(N_("An assembly needs at least one owner. Make someone else an owner first."))


async def remove_from_team(actor: Actor, assembly: Assembly, grant_id: object) -> None:
    """Withdraw a part in the assembly. The last owner stays: an assembly nobody owns only an admin could run."""
    await require_owner(actor, assembly.id)
    async with in_transaction():
        grant = await AssemblyGrant.get_or_none(id=grant_id if is_id(grant_id) else -1, assembly_id=assembly.id)
        if grant is None:
            raise NotFound(N_("No such member of the team."), field="grant_id")
        if grant.role == GrantRole.OWNER:
            await _keep_an_owner(assembly.id, leaving=grant.id)
        await grant.delete()


async def province_grants(actor: Actor) -> list[ProvinceGrant]:
    _require_admin(actor)
    return list(await ProvinceGrant.all().prefetch_related("user").order_by("province_code", "id"))


async def grant_province(actor: Actor, *, email: object, province_code: object) -> ProvinceGrant:
    """Let an official follow every assembly of a province (administrators)."""
    granter = _require_admin(actor)
    from deliberate.accounts.services import clean_email

    province = clean_province(province_code)
    user = await StaffUser.get_or_none(email=clean_email(email), is_active=True)
    if user is None:
        raise NotFound(N_("There is no active staff account with this e-mail."), field="email")
    if user.role != Role.OFFICIAL:
        raise ValidationError(N_("Only officials follow a province."), field="email")
    grant, _ = await ProvinceGrant.get_or_create(user=user, province_code=province, defaults={"granted_by": granter})
    grant.user = user
    return grant


async def withdraw_province(actor: Actor, grant_id: object) -> None:
    _require_admin(actor)
    deleted = await ProvinceGrant.filter(id=grant_id if is_id(grant_id) else -1).delete()
    if not deleted:
        raise NotFound(N_("No such province grant."), field="grant_id")


async def operator_grant(email: str, *, assembly_id: int | None = None, role: str = "", province_code: str = "") -> str:
    """The operator's grant from the command line (`deliberate users grant`), for an assembly nobody owns yet
    (an imported Pol.is conversation, a synced one) or a first official's province. Answers what was given."""
    from deliberate.accounts.services import clean_email

    user = await StaffUser.get_or_none(email=clean_email(email), is_active=True)
    if user is None:
        raise NotFound(N_("There is no active staff account with this e-mail."), field="email")
    if province_code:
        province = clean_province(province_code)
        if user.role != Role.OFFICIAL:
            raise ValidationError(N_("Only officials follow a province."), field="email")
        await ProvinceGrant.get_or_create(user=user, province_code=province)
        return f"{user.email} follows province {province}"
    assembly = await Assembly.get_or_none(id=assembly_id) if assembly_id else None
    if assembly is None:
        raise NotFound(N_("No such assembly."), field="id")
    part = clean_grant_role(role)
    check_grantable(user.role, part)
    grant, created = await AssemblyGrant.get_or_create(assembly=assembly, user=user, defaults={"role": part})
    if not created and grant.role != part:
        grant.role = part
        await grant.save(update_fields=["role"])
    return f"{user.email} is {part.value} of assembly {assembly.id}"


def clean_province(value: object) -> str:
    province = value if isinstance(value, str) else ""
    if not geo.province_name(province):
        raise ValidationError(N_("Please choose one of the options."), field="province_code")
    return province
