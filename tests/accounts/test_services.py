"""Staff accounts and their tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.applications import Starlette

from deliberate.accounts.models import StaffToken, StaffUser
from deliberate.accounts.services import authenticate, create_staff_user, issue_token, revoke_token, user_for_token
from deliberate.errors import Conflict, NotAuthenticated, ValidationError
from tests.conftest import PASSWORD, unique_email


async def test_create_and_authenticate(app: Starlette) -> None:
    email = unique_email()
    user = await create_staff_user(email.upper(), "facilitator", PASSWORD)
    assert user.email == email
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert (await authenticate(f"  {email.upper()} ", PASSWORD)).id == user.id
    for wrong in (PASSWORD + "!", "", None):
        with pytest.raises(NotAuthenticated):
            await authenticate(email, wrong)
    with pytest.raises(NotAuthenticated):
        await authenticate(unique_email(), PASSWORD)


async def test_refusals_write_nothing(app: Starlette) -> None:
    email = unique_email()
    await create_staff_user(email, "official", PASSWORD)
    before = await StaffUser.all().count()
    with pytest.raises(Conflict):
        await create_staff_user(email, "facilitator", PASSWORD)
    for bad in ({"email": "not-an-email"}, {"role": "king"}, {"password": "short"}, {"password": "x" * 257}):
        args = {"email": unique_email(), "role": "facilitator", "password": PASSWORD} | bad
        with pytest.raises(ValidationError):
            await create_staff_user(**args)
    assert await StaffUser.all().count() == before


async def test_inactive_users_cannot_sign_in(app: Starlette) -> None:
    email = unique_email()
    user = await create_staff_user(email, "facilitator", PASSWORD)
    token = await issue_token(user, "api")
    user.is_active = False
    await user.save(update_fields=["is_active"])
    with pytest.raises(NotAuthenticated):
        await authenticate(email, PASSWORD)
    assert await user_for_token(token, "api") is None


async def test_tokens_by_kind_expiry_and_revocation(app: Starlette) -> None:
    user = await create_staff_user(unique_email(), "facilitator", PASSWORD)
    api, web = await issue_token(user, "api"), await issue_token(user, "web")
    assert (await user_for_token(api, "api")).id == user.id  # type: ignore[union-attr]
    assert await user_for_token(api, "web") is None
    assert await StaffToken.filter(token_hash=api).count() == 0  # stored only as a hash
    await StaffToken.filter(user_id=user.id, kind="web").update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert await user_for_token(web, "web") is None
    await revoke_token(api)
    assert await user_for_token(api, "api") is None
