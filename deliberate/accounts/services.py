from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from deliberate.accounts.models import Role, StaffToken, StaffUser
from deliberate.accounts.passwords import hash_password, verify_password
from deliberate.errors import Conflict, NotAuthenticated, ValidationError
from deliberate.i18n import N_
from deliberate.text import clean_text
from deliberate.tokens import new_token, token_hash

TOKEN_LIFETIME = {"api": timedelta(days=30), "web": timedelta(hours=12)}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256


def clean_email(value: object) -> str:
    email = clean_text(value, field="email", max_length=254).lower()
    if not _EMAIL.match(email):
        raise ValidationError(N_("Please enter a valid e-mail address."), field="email")
    return email


async def create_staff_user(email: str, role: str, password: str, display_name: str = "") -> StaffUser:
    email = clean_email(email)
    if role not in {r.value for r in Role}:
        raise ValidationError(N_("Please choose one of the options."), field="role")
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationError(N_("The password must be {n} to {m} characters long."), field="password",
                              n=MIN_PASSWORD, m=MAX_PASSWORD)
    name = clean_text(display_name, field="display_name", max_length=80, required=False) or email.split("@")[0]
    try:
        return await StaffUser.create(email=email, role=Role(role), password_hash=hash_password(password),
                                      display_name=name)
    except IntegrityError as exc:
        raise Conflict(N_("An account with this e-mail already exists."), field="email") from exc


async def authenticate(email: object, password: object) -> StaffUser:
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > MAX_PASSWORD:
        raise NotAuthenticated(N_("Wrong e-mail or password."))
    user = await StaffUser.get_or_none(email=email.strip().lower()[:254], is_active=True)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise NotAuthenticated(N_("Wrong e-mail or password."))
    return user


async def issue_token(user: StaffUser, kind: str) -> str:
    raw = new_token()
    await StaffToken.create(user=user, token_hash=token_hash(raw), kind=kind,
                            expires_at=datetime.now(UTC) + TOKEN_LIFETIME[kind])
    return raw


async def user_for_token(raw: str | None, kind: str) -> StaffUser | None:
    if not raw or len(raw) > 100:
        return None
    token = await StaffToken.get_or_none(token_hash=token_hash(raw), kind=kind).prefetch_related("user")
    if token is None or token.expires_at < datetime.now(UTC) or not token.user.is_active:
        return None
    return token.user


async def revoke_token(raw: str | None) -> None:
    if raw:
        await StaffToken.filter(token_hash=token_hash(raw)).delete()
