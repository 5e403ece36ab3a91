"""Sessions over the JSON API: create, read, phases, joining with consent."""

from __future__ import annotations

import unicodedata

import httpx
import pytest

from deliberate.sessions.codes import looks_like_code
from deliberate.sessions.models import Participant
from deliberate.sessions.phases import PHASES
from tests.conftest import PASSWORD, THAI_THEMES, UNNORMALISED_THAI, Api, row_counts, unique_email


async def test_staff_token_for_right_password_only(api: Api, client: httpx.AsyncClient) -> None:
    from deliberate.accounts.services import create_staff_user

    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    good = await client.post("/api/v1/auth/token", json={"email": email.upper(), "password": PASSWORD})
    assert good.status_code == 201
    assert len(good.json()["token"]) >= 32
    bad = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD + "x"})
    assert bad.status_code == 401
    assert set(bad.json()) >= {"error", "message"}
    assert "token" not in bad.json()


async def test_create_session_answers_code_join_url_and_lobby(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    r = await client.post("/api/v1/sessions", json={"title": "เวทีทดสอบ", "themes": THAI_THEMES}, headers=facilitator)
    assert r.status_code == 201
    body = r.json()
    assert isinstance(body["id"], int)
    assert looks_like_code(body["code"])
    assert body["phase"] == "lobby"
    assert body["join_url"] == f"http://testserver/s/{body['code']}/join"


async def test_session_detail_needs_no_token(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    created = await api.new_session(facilitator)
    r = await client.get(f"/api/v1/sessions/{created['code']}")
    assert r.status_code == 200
    body = r.json()
    assert body["code"] == created["code"]
    assert body["title"] == "สมัชชาพัฒนาสังคม ทดสอบ"
    assert body["phase"] == "lobby"
    assert [t["name"] for t in body["themes"]] == THAI_THEMES
    assert all(isinstance(t["id"], int) for t in body["themes"])
    assert body["counts"] == {"participants": 0, "proposals": 0, "supports": 0}


async def test_code_is_read_case_and_dash_insensitively(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    r = await client.get(f"/api/v1/sessions/{code[:3].lower()}-{code[3:].lower()}")
    assert r.status_code == 200
    assert r.json()["code"] == code


async def test_counts_follow_joins_proposals_and_supports(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    alice, bob = await api.join(s["code"], "อลิส"), await api.join(s["code"], "บ๊อบ")
    p = await api.propose(alice, s["code"], s["themes"][0]["id"])
    await api.set_phase(facilitator, s["code"], "voting")
    await api.support(alice, p["id"])
    await api.support(bob, p["id"])
    r = await client.get(f"/api/v1/sessions/{s['code']}")
    assert r.json()["counts"] == {"participants": 2, "proposals": 1, "supports": 2}


@pytest.mark.parametrize("role", ["official", None])
async def test_only_facilitators_create_sessions(api: Api, client: httpx.AsyncClient, role: str | None) -> None:
    headers = await api.staff(role) if role else {}
    r = await client.post("/api/v1/sessions", json={"title": "ไม่ควรสร้างได้", "themes": ["ก"]}, headers=headers)
    assert r.status_code == (403 if role else 401)
    assert set(r.json()) >= {"error", "message"}


@pytest.mark.parametrize(
    "body",
    [
        {"assembly_title": "สมัชชาสวัสดิการชุมชน", "title": "", "themes": ["ผู้สูงอายุ"]},
        {"assembly_title": "สมัชชาสวัสดิการชุมชน", "title": "ก" * 201, "themes": ["ผู้สูงอายุ"]},
        {"assembly_title": "สมัชชาสวัสดิการชุมชน", "title": ["not", "text"], "themes": ["ผู้สูงอายุ"]},
    ],
)
async def test_a_refused_session_leaves_no_assembly_behind(
    client: httpx.AsyncClient, facilitator: dict[str, str], body: dict[str, object]
) -> None:
    before = await row_counts()
    r = await client.post("/api/v1/sessions", json=body, headers=facilitator | {"accept-language": "en"})
    assert r.status_code == 422 and r.json()["field"] == "title", r.text
    assert await row_counts() == before


async def test_facilitator_can_set_every_phase_in_any_order(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    for phase in (*reversed(PHASES), *PHASES):
        await api.set_phase(facilitator, code, phase)
        assert (await client.get(f"/api/v1/sessions/{code}")).json()["phase"] == phase


async def test_unknown_phase_is_refused(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    code = (await api.new_session(facilitator))["code"]
    r = await client.post(f"/api/v1/sessions/{code}/phase", json={"phase": "party"}, headers=facilitator)
    assert r.status_code == 422
    assert r.json()["error"] == "invalid"
    assert (await client.get(f"/api/v1/sessions/{code}")).json()["phase"] == "lobby"


async def test_participant_cannot_change_phase(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    someone = await api.join(code)
    r = await client.post(f"/api/v1/sessions/{code}/phase", json={"phase": "voting"}, headers=someone)
    assert r.status_code in (401, 403)
    assert (await client.get(f"/api/v1/sessions/{code}")).json()["phase"] == "lobby"


async def test_join_gives_a_participant_token(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    code = (await api.new_session(facilitator))["code"]
    r = await client.post(
        f"/api/v1/sessions/{code}/participants",
        json={
            "display_name": "มาลี",
            "consent": True,
            "subdistrict_code": "830101",
            "sector": "volunteer",
            "organization": "อพม. ภูเก็ต",
        },
    )
    assert r.status_code == 201
    body = r.json()
    stored = await Participant.get(id=body["participant_id"])
    assert (stored.display_name, stored.subdistrict_code, stored.sector) == ("มาลี", "830101", "volunteer")
    assert stored.consent_at is not None
    assert body["token"] not in stored.token_hash  # only a hash is kept
    token = {"authorization": f"Bearer {body['token']}"}
    assert (await client.get(f"/api/v1/sessions/{code}/proposals", headers=token)).status_code == 200


@pytest.mark.parametrize("consent", [None, False, "yes", 1])
async def test_join_without_consent_shows_the_notice_and_writes_nothing(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], consent: object
) -> None:
    code = (await api.new_session(facilitator))["code"]
    body: dict[str, object] = {"display_name": "ไม่ยินยอม"}
    if consent is not None:
        body["consent"] = consent
    r = await client.post(f"/api/v1/sessions/{code}/participants", json=body)
    assert r.status_code == 422
    data = r.json()
    assert set(data) >= {"error", "message", "notice"}
    assert data["notice"]["paragraphs"]
    assert await Participant.filter(session__code=code).count() == 0


async def test_join_is_refused_when_closed(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    code = (await api.new_session(facilitator, phase="closed"))["code"]
    r = await client.post(f"/api/v1/sessions/{code}/participants", json={"display_name": "มาสาย", "consent": True})
    assert r.status_code == 403
    assert await Participant.filter(session__code=code).count() == 0


async def test_display_name_is_stored_nfc(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    code = (await api.new_session(facilitator))["code"]
    decomposed = UNNORMALISED_THAI
    assert unicodedata.normalize("NFC", decomposed) != decomposed
    r = await client.post(f"/api/v1/sessions/{code}/participants", json={"display_name": decomposed, "consent": True})
    assert r.status_code == 201
    stored = await Participant.get(id=r.json()["participant_id"])
    assert stored.display_name == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize(
    "field,value",
    [("subdistrict_code", "999999"), ("sector", "aliens"), ("display_name", ""), ("display_name", "ก" * 61)],
)
async def test_join_rejects_bad_fields(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], field: str, value: str
) -> None:
    code = (await api.new_session(facilitator))["code"]
    body = {"display_name": "ทดสอบ", "consent": True, field: value}
    r = await client.post(f"/api/v1/sessions/{code}/participants", json=body)
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert await Participant.filter(session__code=code).count() == 0


async def test_join_url_answers_a_thai_page(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    from bs4 import BeautifulSoup

    created = await api.new_session(facilitator)
    r = await client.get(created["join_url"])
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    root = BeautifulSoup(r.text, "html.parser").find("html")
    assert root is not None
    assert root.get("lang") == "th"
