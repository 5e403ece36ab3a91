"""Hostile input (tests/security/hostile.py) through every API write field and every HTML form.

Each value must be stored as inert, cleaned text or refused with a message in the caller's language; never
a server error. Then, for everything the run stored: no row holds what the text policy removes (controls,
zero-width and bidi characters, lone surrogates, combining floods), every page that shows it escapes it,
the JSON API gives it back as it was cleaned, and the spreadsheet exports do not turn it into formulas.

The API's fields are found in its OpenAPI document, the forms by reading the pages of a session world
(tests/security/matrix.py) as the participant and as the facilitator.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import openpyxl
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from tortoise import Tortoise

from deliberate.briefs.render_tables import CSV_SHEETS
from deliberate.sessions.models import Participant
from deliberate.text import clean_text
from tests.conftest import row_counts
from tests.security import loose
from tests.security.hostile import CORE, HOSTILE, PARTICIPANT_OPS, strings_in, unclean, unsafe_markup
from tests.security.matrix import CSRF, Matrix, World

app, client = loose.app, loose.client  # the fixtures: limits out of the way, 500s reported

THAI = re.compile(r"[\u0e01-\u0e5b]")
# The fields people type most get the whole corpus; every other field gets CORE.
WHOLE_CORPUS = {
    ("POST /api/v1/sessions/{code}/proposals", "title"),
    ("POST /api/v1/sessions/{code}/proposals", "body"),
    ("POST /api/v1/proposals/{proposal_id}/comments", "body"),
    ("POST /api/v1/sessions/{code}/participants", "display_name"),
    ("POST /api/v1/sessions/{code}/statements", "text"),
    ("POST /api/v1/clauses/{clause_id}/comments", "body"),
}
PLAIN = "ข้อความทดสอบที่ถูกต้อง"


@pytest.fixture
async def scene(app: Starlette, client: httpx.AsyncClient) -> tuple[Matrix, World]:
    matrix = Matrix(app, client)
    await matrix.sign_in_staff()
    return matrix, await matrix.world("deliberation")


# -- what the run stored -------------------------------------------------------------------------------------
async def high_water() -> dict[type, int]:
    marks = {}
    for models in Tortoise.apps.values():
        for model in models.values():
            last = await model.all().order_by("-id").first().values_list("id", flat=True)
            marks[model] = int(last or 0)
    return marks


async def stored_since(marks: dict[type, int]) -> list[str]:
    """Every string stored in rows made since `marks` that breaks the text policy."""
    found = []
    for model, last in marks.items():
        for row in await model.filter(id__gt=last).values():
            for column, value in row.items():
                for text in strings_in(value):
                    why = unclean(text)
                    if why:
                        found.append(f"{model.__name__}.{column} #{row['id']}: {why}: {text[:60]!r}")
    return found


# -- the API's fields ----------------------------------------------------------------------------------------
def base_bodies(w: World) -> dict[str, dict[str, Any]]:
    """A body each write accepts, for the operations whose text fields we fill (others get one made from
    their schema)."""
    return {
        "POST /api/v1/sessions": {"title": PLAIN, "themes": ["ผู้สูงอายุ"]},
        "POST /api/v1/sessions/{code}/participants": {
            "display_name": "ผู้ร่วมเวที",
            "consent": True,
            "organization": "สภาองค์กรชุมชน",
        },
        "POST /api/v1/sessions/{code}/proposals": {
            "title": PLAIN,
            "body": PLAIN,
            "theme_id": w.theme_id,
            "target_groups": [],
        },
        "POST /api/v1/proposals/{proposal_id}/comments": {"body": PLAIN, "stance": "for"},
        "POST /api/v1/sessions/{code}/statements": {"text": PLAIN},
        "POST /api/v1/sessions/{code}/rounds": {"method": "dots", "title": PLAIN},
        "POST /api/v1/sessions/{code}/items": {
            "title": PLAIN,
            "background": PLAIN,
            "preamble": [PLAIN],
            "clauses": [{"text": PLAIN, "lead_agency": "เทศบาล", "partners": ["อบต."]}],
        },
        "POST /api/v1/items/{item_id}/clauses": {"text": PLAIN, "lead_agency": "เทศบาล", "partners": ["อบต."]},
        "POST /api/v1/clauses/{clause_id}/amendments": {
            "op": "replace",
            "text": PLAIN,
            "reason": PLAIN,
            "base_version": 1,
        },
        "POST /api/v1/clauses/{clause_id}/comments": {"body": PLAIN},
        "POST /api/v1/sessions/{code}/delegates": {"participant_id": w.participant_id, "network": PLAIN},
        "POST /api/v1/assemblies/{assembly_id}/criteria": {"criteria": [{"name": PLAIN, "description": PLAIN}]},
        "POST /api/v1/proposals/{proposal_id}/answer": {
            "state": "adopted",
            "reason": PLAIN,
            "programme": PLAIN,
            "lead_agency": "เทศบาล",
            "partners": "อบต.",
            "budget": 1000,
            "fiscal_year": 2570,
        },
        "POST /api/v1/proposals/{proposal_id}/action-items": {
            "title": PLAIN,
            "community_owner": "ชุมชน",
            "agency_owner": "เทศบาล",
            "due": "2030-01-01",
        },
        "POST /api/v1/action-items/{item_id}/updates": {"status": "started", "note": PLAIN, "on": "2030-01-01"},
        "POST /api/v1/proposals/{proposal_id}/moderation": {"action": "approve", "reason": PLAIN},
        "POST /api/v1/comments/{comment_id}/moderation": {"action": "hide", "reason": PLAIN},
        "POST /api/v1/checks/{check_id}/answers": {"answer": "reservation", "reason": PLAIN},
        "POST /api/v1/assemblies/{assembly_id}/check-in": {"from_assembly_id": w.assembly_id, "title": PLAIN},
    }


def from_schema(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {k: from_schema(v) for k, v in schema.get("properties", {}).items() if k in schema.get("required", [])}
    if kind == "array":
        return [from_schema(schema["items"])] * max(1, schema.get("minItems", 1))
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return "2030-01-01" if schema.get("format") == "date" else PLAIN


def text_fields(schema: dict[str, Any], path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every free-text string in a body schema (a list's first item stands for all)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" in kinds and "enum" not in schema and "format" not in schema:
        yield path
    if "object" in kinds:
        for name, sub in schema.get("properties", {}).items():
            yield from text_fields(sub, (*path, name))
    if "array" in kinds:
        yield from text_fields(schema["items"], (*path, 0))


def put(body: Any, path: tuple[Any, ...], value: str) -> Any:
    body = copy.deepcopy(body)
    target = body
    for step in path[:-1]:
        if isinstance(step, int):
            while len(target) <= step:
                target.append({})
        elif step not in target:
            target[step] = [] if isinstance(path[path.index(step) + 1], int) else {}
        target = target[step]
    if isinstance(path[-1], int):
        while len(target) <= path[-1]:
            target.append(None)
    target[path[-1]] = value
    return body


def api_path(template: str, w: World) -> str:
    ids = {
        "code": w.code,
        "proposal_id": w.proposal_id,
        "assembly_id": w.assembly_id,
        "round_id": w.round_id,
        "clause_id": w.clause_id,
        "check_id": w.check_id,
        "amendment_id": w.amendment_id,
        "comment_id": w.comment_id,
        "item_id": w.action_item_id if "action-items" in template else w.item_id,
        "province_code": "83",
        "participant_id": getattr(w, "someone", 0),
        "link_id": w.link_id,
        "grant_id": w.grant_id,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)


def refusal_problem(r: httpx.Response) -> str | None:
    """Why a 4xx is not a clear refusal: JSON with an error code and a Thai message (the default language)."""
    if r.status_code >= 500:
        return f"server error {r.status_code}"
    if r.status_code < 400:
        return None
    if r.headers.get("content-type", "").startswith("application/json"):
        body = r.json()
        clear = body.get("error") and THAI.search(str(body.get("message", "")))
        return None if clear else f"no message: {r.text[:120]}"
    return None if THAI.search(BeautifulSoup(r.text, "html.parser").get_text()) else f"no message: {r.text[:120]}"


async def test_every_api_text_field(scene: tuple[Matrix, World], client: httpx.AsyncClient) -> None:
    matrix, w = scene
    w.theme_id = (await client.get(f"/api/v1/sessions/{w.code}")).json()["themes"][0]["id"]  # type: ignore[attr-defined]
    w.participant_id = 0  # type: ignore[attr-defined]
    someone = await Participant.filter(session__code=w.code).order_by("id").first()
    w.someone = someone.id if someone else 0  # type: ignore[attr-defined]  # whom the map placement names
    doc = (await client.get("/api/v1/openapi.json")).json()
    bases = base_bodies(w)
    marks = await high_water()
    problems: list[str] = []
    stored: list[tuple[str, str]] = []
    sent = 0
    for template, ops in doc["paths"].items():
        for method, op in ops.items():
            if method not in ("post", "put", "patch") or "requestBody" not in op:
                continue
            key = f"{method.upper()} {template}"
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            base = bases.get(key) or from_schema(schema)
            who = matrix.bearer("participant_a" if key in PARTICIPANT_OPS else "facilitator", w)
            if key == "POST /api/v1/auth/token":
                who = {}
            for field in text_fields(schema):
                names = HOSTILE if (key, field[0]) in WHOLE_CORPUS else CORE
                for name in names:
                    # Escaped as \uXXXX, so that a lone surrogate can be sent at all.
                    body = json.dumps(put(base, field, HOSTILE[name])).encode()
                    r = await client.post(
                        api_path(template, w), content=body, headers=who | {"content-type": "application/json"}
                    )
                    sent += 1
                    why = refusal_problem(r)
                    if why:
                        problems.append(f"{key} {field} {name}: {why}")
                    elif r.status_code < 300:
                        stored.append((key, name))
    assert sent > 300, sent
    assert not problems, "\n".join(problems[:40])
    # The run stored hostile text in many places (not only refused it), and all of it is clean.
    assert len({key for key, _ in stored}) >= 12, sorted({key for key, _ in stored})
    assert {"script_th", "formula_eq", "combining_flood_th", "zero_width"} <= {n for _, n in stored}
    assert not (bad := await stored_since(marks)), "\n".join(bad[:40])
    await pages_are_safe(matrix, w)
    await exports_are_safe(matrix, w)


async def pages_are_safe(matrix: Matrix, w: World) -> None:
    """Every page that shows what was stored escapes it."""
    staff = matrix.cookies("facilitator", w.code, w)
    phone = matrix.cookies("participant_a", w.code, w)
    listed = await matrix.send(
        "GET", f"/api/v1/sessions/{w.code}/proposals", {}, headers=matrix.bearer("facilitator", w)
    )
    pages = [
        (f"/s/{w.code}", phone),
        (f"/s/{w.code}/vote", phone),
        (f"/s/{w.code}/resolutions", phone),
        (f"/s/{w.code}/screen", phone),
        (f"/s/{w.code}/live?view=participant", phone),
        (f"/s/{w.code}/live?view=console", staff),
        (f"/staff/s/{w.code}", staff),
        (f"/staff/s/{w.code}/outcomes", staff),
        (f"/staff/s/{w.code}/resolutions", staff),
        (f"/a/{w.assembly_id}/follow-up", phone),
        (f"/staff/assemblies/{w.assembly_id}", staff),
        ("/staff/portal", staff),
        ("/staff", staff),
    ]
    pages += [(f"/s/{w.code}/p/{p['id']}", phone) for p in listed.json()["items"]]
    for path, jar in pages:
        r = await matrix.send("GET", path, jar)
        assert r.status_code in (200, 204), (path, r.status_code, r.text[:200])
        assert not (bad := unsafe_markup(r.text)), (path, bad)


async def exports_are_safe(matrix: Matrix, w: World) -> None:
    """No cell of the CSV or XLSX brief starts a formula, and the JSON brief parses."""
    staff = matrix.bearer("facilitator", w)
    base = f"/api/v1/sessions/{w.code}/brief"
    for sheet in CSV_SHEETS:
        r = await matrix.send("GET", f"{base}.csv?sheet={sheet}", {}, headers=staff)
        assert r.status_code == 200, r.text[:200]
        for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))):
            assert not [c for c in row if c[:1] in ("=", "+", "-", "@")], (sheet, row)
    r = await matrix.send("GET", f"{base}.xlsx", {}, headers=staff)
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    formulas = [(ws.title, c.coordinate) for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert not formulas, formulas[:10]
    r = await matrix.send("GET", f"{base}.json", {}, headers=staff)
    assert json.loads(r.content)


# -- round trips and the name policy --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "script_th",
        "attr_double",
        "sql_th",
        "formula_eq",
        "emoji",
        "template",
        "zero_width",
        "bidi",
        "combining_flood_th",
        "entities",
    ],
)
async def test_json_gives_back_the_cleaned_text(
    scene: tuple[Matrix, World], client: httpx.AsyncClient, name: str
) -> None:
    matrix, w = scene
    value = HOSTILE[name]
    theme = (await client.get(f"/api/v1/sessions/{w.code}")).json()["themes"][0]["id"]
    who = matrix.bearer("participant_a", w)
    r = await client.post(
        f"/api/v1/sessions/{w.code}/proposals",
        headers=who,
        json={"title": value[:140], "body": value, "theme_id": theme},
    )
    assert r.status_code == 201, r.text
    mine = (await client.get(f"/api/v1/sessions/{w.code}/proposals", headers=who)).json()["items"]
    got = next(p for p in mine if p["id"] == r.json()["id"])
    assert got["title"] == clean_text(value[:140], field="title", max_length=140)
    assert got["body"] == clean_text(value, field="body", max_length=5000, multiline=True)
    assert unclean(got["title"]) is None and unclean(got["body"]) is None


async def test_display_names(scene: tuple[Matrix, World], client: httpx.AsyncClient) -> None:
    _, w = scene
    join = f"/api/v1/sessions/{w.code}/participants"
    before = await row_counts()
    for name in ("homoglyph", "homoglyph_th", "blank_name"):
        r = await client.post(join, json={"display_name": HOSTILE[name], "consent": True})
        assert r.status_code == 422 and r.json()["field"] == "display_name", r.text
        assert THAI.search(r.json()["message"])
    english = await client.post(
        join, json={"display_name": HOSTILE["homoglyph"], "consent": True}, headers={"accept-language": "en"}
    )
    assert "one alphabet" in english.json()["message"]
    assert await row_counts() == before
    # Thai and Latin words side by side, and names cleaned of what cannot be seen, are welcome.
    for given, kept in (
        ("สมชาย Smith", "สมชาย Smith"),
        ("สม\u200bชาย\u202e ใจดี", "สมชาย ใจดี"),
        ("ก" + "\u0e49" * 9, "ก" + "\u0e49" * 3),
    ):
        r = await client.post(join, json={"display_name": given, "consent": True})
        assert r.status_code == 201, r.text
        assert (await Participant.get(id=r.json()["participant_id"])).display_name == kept


# -- bodies that are too big or not what they claim ---------------------------------------------------------
async def test_huge_and_malformed_bodies(scene: tuple[Matrix, World], client: httpx.AsyncClient) -> None:
    matrix, w = scene
    who = matrix.bearer("participant_a", w)
    proposals = f"/api/v1/sessions/{w.code}/proposals"
    megabyte = json.dumps({"title": "ก" * 100, "body": "ข" * (1024 * 1024 // 3 + 10), "theme_id": 1}).encode()
    cases = [
        (proposals, megabyte, (413, 422)),
        (proposals, b'{"title": "\xff\xfe\xfa", "body": ""}', (400, 422)),  # not UTF-8
        (proposals, b'{"title": "ok", "body": ', (400,)),  # cut short
        (proposals, b"[1, 2, 3]", (400,)),
        (proposals, b'{"title": NaN, "theme_id": 1e999}', (400,)),
        (proposals, b'{"title": "t", "theme_id": 123456789012345678901234567890}', (400,)),
        (f"/api/v1/proposals/{w.proposal_id}/comments", megabyte, (413, 422)),
        (f"/api/v1/sessions/{w.code}/participants", b"\x00\x01\x02", (400,)),
    ]
    before = await row_counts()
    for path, body, allowed in cases:
        r = await client.post(path, content=body, headers=who | {"content-type": "application/json"})
        assert r.status_code in allowed, (path, body[:40], r.status_code, r.text[:200])
        assert r.json()["error"] and THAI.search(r.json()["message"]), r.text[:200]
    # The same through the HTML forms: a megabyte, and bytes that are not UTF-8.
    jar = matrix.cookies("participant_a", w.code, w)
    form = {"content-type": "application/x-www-form-urlencoded"}
    for body, allowed in (
        (b"csrf_token=" + CSRF.encode() + b"&title=" + b"%E0%B8%81" * 350_000, (413,)),
        (b"csrf_token=" + CSRF.encode() + b"&title=%FF%FE%FA&body=\xff\xfe", (303, 400, 422)),
        (b"\xff" * 100, (400, 403, 422)),
    ):
        r = await matrix.send("POST", f"/s/{w.code}/proposals", jar, content=body, headers=form)
        assert r.status_code in allowed, (body[:40], r.status_code, r.text[:200])
        if r.status_code >= 400:
            assert THAI.search(BeautifulSoup(r.text, "html.parser").get_text())
    assert await row_counts() == before


# -- the HTML forms --------------------------------------------------------------------------------------------
# A browser cannot send a lone surrogate in a form (it sends U+FFFD): the rest of CORE goes everywhere.
FORM_CORE = tuple(n for n in CORE if n != "lone_surrogate")
FORM_FEW = ("script_th", "controls", "long")
TEXT_INPUTS = ("text", "search", "url", "tel", "email", None)


def form_fields(form: Any) -> tuple[dict[str, str], list[str]]:
    """A form's values as a browser would send them untouched, and the names of its free-text fields
    (`#name` for a number typed as text)."""
    values: dict[str, str] = {}
    texts: list[str] = []
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "textarea":
            values[name] = field.get_text() or PLAIN
            texts.append(name)
        elif field.name == "select":
            option = field.find("option", selected=True) or next(
                (o for o in field.find_all("option") if o.get("value")), None
            )
            values[name] = option.get("value", option.get_text()) if option else ""
        else:
            kind = field.get("type")
            if kind in ("checkbox", "radio"):
                if field.has_attr("checked") or name not in values:
                    values[name] = field.get("value", "on")
            elif kind in ("submit", "button", "password", "file"):
                continue
            elif kind in TEXT_INPUTS and name not in ("csrf_token", "idempotency_key"):
                numeric = field.get("inputmode") in ("numeric", "decimal")
                values[name] = field.get("value") or ("1" if numeric else PLAIN)
                texts.append(f"#{name}" if numeric else name)
            else:
                values[name] = field.get("value", "")
    return values, texts


async def test_every_html_form(scene: tuple[Matrix, World], client: httpx.AsyncClient) -> None:
    matrix, w = scene
    staff = matrix.cookies("facilitator", w.code, w)
    phone = matrix.cookies("participant_a", w.code, w)
    pages = [
        (f"/s/{w.code}", phone),
        (f"/s/{w.code}/p/{w.proposal_id}", phone),
        (f"/s/{w.code}/vote", phone),
        (f"/s/{w.code}/resolutions", phone),
        (f"/staff/s/{w.code}", staff),
        ("/staff", staff),
        (f"/staff/s/{w.code}/outcomes", staff),
        (f"/staff/s/{w.code}/resolutions", staff),
        (f"/staff/assemblies/{w.assembly_id}", staff),
    ]
    forms: dict[tuple[str, tuple[str, ...]], tuple[dict[str, str], list[str], dict[str, str]]] = {}
    for path, jar in pages:
        page = await matrix.send("GET", path, jar)
        assert page.status_code == 200, (path, page.status_code)
        for form in BeautifulSoup(page.text, "html.parser").find_all("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            action = (form.get("action") or path).split("#")[0]
            values, texts = form_fields(form)
            values = {k: v for k, v in values.items() if k != "idempotency_key"}  # each post is a new write
            if texts and not action.endswith("/logout"):
                forms.setdefault((action, tuple(sorted(values))), (values, texts, jar))
    actions = {a for a, _ in forms}
    assert len(forms) >= 15 and any("/proposals" in a for a in actions) and any("/staff/s/" in a for a in actions)
    marks = await high_water()
    problems: list[str] = []
    stored = 0
    for (action, _), (values, texts, jar) in forms.items():
        # A form that refuses plain text in this world's phase (a round opened in deliberation) can only
        # show that its refusals are clear: it gets a few values, not the whole set.
        plain = await matrix.send("POST", action, jar, data=values | {"csrf_token": CSRF})
        names = FORM_CORE if plain.status_code < 400 else FORM_FEW
        # Each value goes into every text field of the form at once; numbers typed as text get it one by one.
        tries = [([t for t in texts if not t.startswith("#")], name) for name in names]
        tries += [([t], name) for t in texts if t.startswith("#") for name in FORM_FEW]
        for fields, name in tries:
            data = values | {f.lstrip("#"): HOSTILE[name] for f in fields} | {"csrf_token": CSRF}
            r = await matrix.send("POST", action, jar, data=data)
            why = refusal_problem(r)
            if why:
                problems.append(f"{action} {fields} {name}: {why}")
            stored += r.status_code < 400
    assert not problems, "\n".join(problems[:40])
    assert stored > 50, stored
    assert not (bad := await stored_since(marks)), "\n".join(bad[:40])
    await pages_are_safe(matrix, w)
