"""Bad input anywhere in the API gets a 4xx JSON answer with an error and a message, and writes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Api, row_counts

UNKNOWN_CODE = "XXXXXX"  # looks like a code (letters from the alphabet) but no session has it


@pytest.fixture
async def scene(api: Api, facilitator: dict[str, str]) -> dict[str, Any]:
    """A session in ideas with a participant and one proposal."""
    s = await api.new_session(facilitator, phase="ideas")
    who = await api.join(s["code"])
    pid = (await api.propose(who, s["code"], s["themes"][0]["id"]))["id"]
    return {"code": s["code"], "theme": s["themes"][0]["id"], "participant": who, "staff": facilitator, "pid": pid}


WRITES = [
    ("POST", "/api/v1/sessions", "staff"),
    ("POST", "/api/v1/sessions/{code}/phase", "staff"),
    ("POST", "/api/v1/sessions/{code}/participants", None),
    ("POST", "/api/v1/sessions/{code}/proposals", "participant"),
    ("POST", "/api/v1/proposals/{pid}/comments", "participant"),
    ("POST", "/api/v1/proposals/{pid}/moderation", "staff"),
    ("POST", "/api/v1/auth/token", None),
]


def assert_error(r: httpx.Response, status: int) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]


@pytest.mark.parametrize("method,path,who", WRITES)
@pytest.mark.parametrize("raw", [b"{not json", b'{"title": "\xff\xfe"}', b"[1, 2]", b'"text"', b"null"])
async def test_malformed_json_is_400(
    client: httpx.AsyncClient, scene: dict[str, Any], method: str, path: str, who: str | None, raw: bytes
) -> None:
    before = await row_counts()
    r = await client.request(
        method,
        path.format(**scene),
        content=raw,
        headers={"content-type": "application/json", **(scene[who] if who else {})},
    )
    assert_error(r, 400)
    assert r.json()["error"] == "bad_json"
    assert await row_counts() == before


@pytest.mark.parametrize("method,path,who", [w for w in WRITES if w[2] != "staff" or "{code}" in w[1]])
async def test_oversized_body_is_refused(
    client: httpx.AsyncClient, scene: dict[str, Any], method: str, path: str, who: str | None
) -> None:
    before = await row_counts()
    r = await client.request(
        method, path.format(**scene), json={"body": "ก" * 70_000}, headers=scene[who] if who else {}
    )
    assert_error(r, 413)
    assert await row_counts() == before


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/v1/sessions/{code}"),
        ("GET", "/api/v1/sessions/{code}/results"),
        ("GET", "/api/v1/sessions/{code}/proposals"),
        ("POST", "/api/v1/sessions/{code}/proposals"),
        ("POST", "/api/v1/sessions/{code}/participants"),
        ("POST", "/api/v1/sessions/{code}/phase"),
    ],
)
@pytest.mark.parametrize("code", [UNKNOWN_CODE, "nope", "%E0%B8%81%E0%B8%82", "A" * 300])
async def test_unknown_code_is_404(
    client: httpx.AsyncClient, scene: dict[str, Any], method: str, path: str, code: str
) -> None:
    before = await row_counts()
    headers = scene["staff"] if path.endswith("phase") else scene["participant"]
    body = {
        "title": "ข้อเสนอ",
        "theme_id": scene["theme"],
        "display_name": "ใครสักคน",
        "consent": True,
        "phase": "voting",
    }
    r = await client.request(method, path.format(code=code), headers=headers, json=body if method == "POST" else None)
    assert_error(r, 404)
    assert await row_counts() == before


@pytest.mark.parametrize(
    "path",
    ["/api/v1/proposals/{bad}/support", "/api/v1/proposals/{bad}/comments", "/api/v1/proposals/{bad}/moderation"],
)
async def test_unknown_proposal_is_404(client: httpx.AsyncClient, scene: dict[str, Any], path: str) -> None:
    before = await row_counts()
    headers = scene["staff"] if path.endswith("moderation") else scene["participant"]
    r = await client.post(
        path.format(bad=scene["pid"] + 100_000),
        headers=headers,
        json={"body": "ไม่มีข้อเสนอนี้", "stance": "for", "action": "approve"},
    )
    assert_error(r, 404)
    assert await row_counts() == before


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"title": "ก" * 141}, "title"),
        ({"title": "กข"}, "title"),
        ({"title": ""}, "title"),
        ({"title": 42}, "title"),
        ({"title": "หัวข้อที่ดี", "body": "ข" * 2001}, "body"),
        ({"title": "หัวข้อที่ดี", "target_groups": ["martians"]}, "target_groups"),
    ],
)
async def test_bad_proposals_are_422(
    client: httpx.AsyncClient, scene: dict[str, Any], payload: dict, field: str
) -> None:
    before = await row_counts()
    r = await client.post(
        f"/api/v1/sessions/{scene['code']}/proposals",
        headers=scene["participant"],
        json={"theme_id": scene["theme"], **payload},
    )
    assert_error(r, 422)
    assert r.json()["field"] == field
    assert await row_counts() == before


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"title": "ก" * 201, "themes": ["ประเด็น"]}, "title"),
        ({"title": "เวที", "themes": []}, "themes"),
        ({"title": "เวที", "themes": "ไม่ใช่รายการ"}, "themes"),
        ({"title": "เวที", "themes": ["ประเด็น"] * 2 + [str(i) for i in range(40)]}, "themes"),
        ({"title": "เวที", "themes": ["ประเด็น"], "province_code": "99"}, "province_code"),
    ],
)
async def test_bad_sessions_are_422(
    client: httpx.AsyncClient, scene: dict[str, Any], payload: dict, field: str
) -> None:
    before = await row_counts()
    r = await client.post("/api/v1/sessions", headers=scene["staff"], json=payload)
    assert_error(r, 422)
    assert r.json()["field"] == field
    assert await row_counts() == before


async def test_wrong_phase_is_403(api: Api, client: httpx.AsyncClient, scene: dict[str, Any]) -> None:
    await api.set_phase(scene["staff"], scene["code"], "closed")
    before = await row_counts()
    calls = [
        client.post(
            f"/api/v1/sessions/{scene['code']}/proposals",
            headers=scene["participant"],
            json={"title": "ปิดแล้ว", "theme_id": scene["theme"]},
        ),
        client.post(
            f"/api/v1/proposals/{scene['pid']}/comments",
            headers=scene["participant"],
            json={"body": "ปิดแล้ว", "stance": "note"},
        ),
        client.post(f"/api/v1/proposals/{scene['pid']}/support", headers=scene["participant"]),
        client.delete(f"/api/v1/proposals/{scene['pid']}/support", headers=scene["participant"]),
        client.post(f"/api/v1/sessions/{scene['code']}/participants", json={"display_name": "มาช้า", "consent": True}),
    ]
    for call in calls:
        assert_error(await call, 403)
    assert await row_counts() == before
    readable = await client.get(f"/api/v1/sessions/{scene['code']}/proposals", headers=scene["participant"])
    assert [item["id"] for item in readable.json()["items"]] == [scene["pid"]]


async def test_unknown_api_path_and_method_answer_json(client: httpx.AsyncClient, scene: dict[str, Any]) -> None:
    assert_error(await client.get("/api/v1/nothing-here"), 404)
    assert_error(await client.put(f"/api/v1/sessions/{scene['code']}"), 405)
    assert_error(await client.get("/api/v1/auth/token"), 405)


async def test_error_message_names_what_was_wrong(client: httpx.AsyncClient, scene: dict[str, Any]) -> None:
    r = await client.get(f"/api/v1/sessions/{UNKNOWN_CODE.lower()}", headers={"accept-language": "en"})
    assert_error(r, 404)
    assert r.json()["field"] == "code"
    assert UNKNOWN_CODE in r.json()["message"]


async def test_errors_speak_the_callers_language(client: httpx.AsyncClient) -> None:
    thai = await client.get(f"/api/v1/sessions/{UNKNOWN_CODE}")
    english = await client.get(f"/api/v1/sessions/{UNKNOWN_CODE}", headers={"accept-language": "en-GB,en;q=0.8"})
    assert_error(thai, 404)
    assert_error(english, 404)
    assert UNKNOWN_CODE in thai.json()["message"] and UNKNOWN_CODE in english.json()["message"]
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in thai.json()["message"])
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in english.json()["message"])
