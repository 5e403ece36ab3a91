from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from deliberate.i18n import N_

if TYPE_CHECKING:
    from deliberate.sessions.models import Assembly


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    OFFICIAL = "official"


ROLE_LABELS = {Role.ADMIN: N_("Administrator"), Role.FACILITATOR: N_("Facilitator"), Role.OFFICIAL: N_("Official")}


class GrantRole(StrEnum):
    """What one staff member may do in one assembly (an administrator may do everything everywhere)."""

    OWNER = "owner"  # runs it and decides who else may
    FACILITATOR = "facilitator"  # runs it: the console, the desk, moderation
    OFFICIAL = "official"  # reads it and files its outcomes: the brief, answers, action items, follow-up


GRANT_LABELS = {
    GrantRole.OWNER: N_("Owner"),
    GrantRole.FACILITATOR: N_("Co-facilitator"),
    GrantRole.OFFICIAL: N_("Official"),
}


class StaffUser(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    display_name = fields.CharField(max_length=80, default="")
    role = fields.CharEnumField(Role, max_length=16)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_user"


class StaffToken(Model):
    """A bearer token (API) or a browser login, stored only as a hash."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name="tokens", on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=8)  # "api" or "web"
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "staff_token"


class StaffLink(Model):
    """A one-time link: an invitation to join the staff, or a password reset. Only the token's SHA-256 is
    kept; the link itself is shown once, to the person who made it, and never stored or logged."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=8)  # "invite" or "reset"
    token_hash = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254)
    # The role an invitation grants; empty for a reset.
    role = fields.CharField(max_length=16, default="")
    # The scope an invitation carries, granted when it is taken up: an assembly with a GrantRole, or for an
    # official a province (its two-digit code). Both empty: an account with no assembly yet.
    assembly: fields.ForeignKeyNullableRelation[Assembly] = fields.ForeignKeyField(
        "models.Assembly", related_name=False, null=True, on_delete=fields.CASCADE
    )
    assembly_id: int | None
    grant_role = fields.CharField(max_length=16, default="", db_default="")
    province_code = fields.CharField(max_length=2, default="", db_default="")
    # A reset's account; an invitation's once it is taken up.
    user: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name="links", null=True, on_delete=fields.CASCADE
    )
    user_id: int | None
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_link"


class AssemblyGrant(Model):
    """One staff member's part in one assembly. Whoever makes an assembly owns it, and its owners and administrators
    add and withdraw the others."""

    id = fields.IntField(primary_key=True)
    assembly: fields.ForeignKeyRelation[Assembly] = fields.ForeignKeyField(
        "models.Assembly", related_name="grants", on_delete=fields.CASCADE
    )
    assembly_id: int
    user: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name="grants", on_delete=fields.CASCADE
    )
    user_id: int
    role = fields.CharEnumField(GrantRole, max_length=16)
    granted_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    granted_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "assembly_grant"
        unique_together = (("assembly", "user"),)


class ProvinceGrant(Model):
    """An official who follows every assembly of a province (a provincial social-development office), granted
    by an administrator."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name="province_grants", on_delete=fields.CASCADE
    )
    user_id: int
    province_code = fields.CharField(max_length=2)
    granted_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    granted_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "province_grant"
        unique_together = (("user", "province_code"),)
