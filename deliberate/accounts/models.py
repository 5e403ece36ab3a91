from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from deliberate.i18n import N_


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    OFFICIAL = "official"


ROLE_LABELS = {Role.ADMIN: N_("Administrator"), Role.FACILITATOR: N_("Facilitator"), Role.OFFICIAL: N_("Official")}


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
