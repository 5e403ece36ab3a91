from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from deliberate.accounts.models import Role, StaffToken, StaffUser
from deliberate.accounts.passwords import hash_password, verify_password
from deliberate.errors import Conflict, NotAuthenticated, ValidationError
from deliberate.i18n import N_
from deliberate.ratelimit import Limiter, RateLimited
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


def clean_password(value: object) -> str:
    """The password policy: 10 to 256 characters, any of them (a passphrase in Thai is welcome). Not
    trimmed or normalised: what is typed is what is hashed."""
    if not isinstance(value, str) or not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise ValidationError(
            N_("The password must be {n} to {m} characters long."), field="password", n=MIN_PASSWORD, m=MAX_PASSWORD
        )
    if not _encodable(value):
        raise ValidationError(N_("This field must be text."), field="password")
    return value


def _encodable(value: str) -> bool:
    """False for what JSON lets through but no keyboard types and argon2 cannot hash: lone surrogates; and
    NUL, which PostgreSQL cannot hold in a text column (a query with one fails)."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


async def create_staff_user(email: str, role: str, password: str, display_name: str = "") -> StaffUser:
    email = clean_email(email)
    if role not in {r.value for r in Role}:
        raise ValidationError(N_("Please choose one of the options."), field="role")
    password = clean_password(password)
    name = clean_text(display_name, field="display_name", max_length=80, required=False) or email.split("@")[0]
    try:
        return await StaffUser.create(
            email=email, role=Role(role), password_hash=hash_password(password), display_name=name
        )
    except IntegrityError as exc:
        raise Conflict(N_("An account with this e-mail already exists."), field="email") from exc


async def authenticate(email: object, password: object) -> StaffUser:
    if (
        not isinstance(email, str)
        or not isinstance(password, str)
        or len(password) > MAX_PASSWORD
        or not _encodable(email)
        or not _encodable(password)
    ):
        raise NotAuthenticated(N_("Wrong e-mail or password."))
    user = await StaffUser.get_or_none(email=email.strip().lower()[:254], is_active=True)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise NotAuthenticated(N_("Wrong e-mail or password."))
    return user


async def issue_token(user: StaffUser, kind: str) -> str:
    raw = new_token()
    await StaffToken.create(
        user=user, token_hash=token_hash(raw), kind=kind, expires_at=datetime.now(UTC) + TOKEN_LIFETIME[kind]
    )
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


async def sign_in(email: object, password: object, *, address: str, limiter: Limiter) -> StaffUser:
    """`authenticate` behind a throttle: an account locks for a while after a few wrong passwords, and an
    address that tries many accounts is slowed too. Only failures count, so a hall of staff behind one
    router never locks itself out by signing in."""
    account = str(email).strip().lower()[:254] if isinstance(email, str) and _encodable(email) else ""
    wait = await limiter.wait(limiter.login_account, account)
    if wait:
        raise RateLimited(
            N_("Too many wrong passwords for this account. It is locked for {minutes} minutes; please try again then."),
            retry_after=wait,
        )
    wait = await limiter.wait(limiter.login_address, address)
    if wait:
        raise RateLimited(
            N_("Too many failed sign-ins from this network. Please try again in {minutes} minutes."), retry_after=wait
        )
    try:
        user = await authenticate(email, password)
    except NotAuthenticated:
        await limiter.hit(limiter.login_account, account)
        await limiter.hit(limiter.login_address, address)
        raise
    await limiter.clear(limiter.login_account, account)
    return user
