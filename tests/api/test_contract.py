"""The open-data contract: every documented operation, called for real on a session world with one of
everything, answers what /api/v1/openapi.json says it answers: a JSON body that validates against the
operation's response schema, or a file of a documented media type. The brief and the resolution JSON are
checked against their components too, the ones `briefs/schema.md` and `resolutions/schema.md` describe."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
from starlette.applications import Starlette

from deliberate.statements.polis_import import import_polis
from tests.conftest import ROOT, on_team
from tests.security.matrix import PASSWORD, Matrix, World

METHODS = {"get", "post", "put", "patch", "delete"}


@dataclass
class Answer:
    template: str
    method: str
    status: int
    media_type: str
    body: bytes
    headers: httpx.Headers


@dataclass
class Journey:
    """Calls the API as each actor and keeps every answer by its documented path and method."""

    matrix: Matrix
    world: World
    answers: list[Answer] = field(default_factory=list)

    async def call(
        self,
        method: str,
        template: str,
        who: str | None,
        body: object = None,
        *,
        query: str = "",
        expect: int | None = None,
        **params: object,
    ) -> Any:
        values = {
            "code": self.world.code,
            "proposal_id": self.world.proposal_id,
            "comment_id": self.world.comment_id,
            "assembly_id": self.world.assembly_id,
            "round_id": self.world.round_id,
            "clause_id": self.world.clause_id,
            "check_id": self.world.check_id,
            "amendment_id": self.world.amendment_id,
            "item_id": self.world.item_id,
            "link_id": self.world.link_id,
            "grant_id": self.world.grant_id,
        } | params
        path = template.format(**values) + (f"?{query}" if query else "")
        headers = self.matrix.bearer(who, self.world) if who else {}
        r = await self.matrix.send(method, path, {}, headers=headers, json=body)
        ok = r.status_code == expect if expect else 200 <= r.status_code < 300
        assert ok, (method, path, who, r.status_code, r.text[:500])
        media = r.headers.get("content-type", "").split(";")[0].strip()
        self.answers.append(Answer(template, method.lower(), r.status_code, media, r.content, r.headers))
        return r.json() if media == "application/json" else r.content


async def journey(matrix: Matrix) -> Journey:
    """One of every documented operation, in an order where each succeeds."""
    await matrix.sign_in_staff()
    world = await matrix.world("deliberation")
    j = Journey(matrix, world)
    fac, off, admin, phone = "facilitator", "official", "admin", "participant_a"
    s, a = "/api/v1/sessions/{code}", "/api/v1/assemblies/{assembly_id}"

    # Staff accounts and scope.
    await j.call("POST", "/api/v1/auth/token", None, {"email": matrix.staff[fac].email, "password": PASSWORD})
    await j.call("GET", "/api/v1/me", fac)
    await j.call("GET", "/api/v1/me", phone)
    invited = await j.call(
        "POST",
        "/api/v1/staff/invitations",
        fac,
        {"email": f"new-{uuid.uuid4().hex[:8]}@example.org", "role": "official", "assembly_id": world.assembly_id},
    )
    await j.call(
        "POST",
        "/api/v1/staff/invitations/accept",
        None,
        {"token": invited["token"], "display_name": "นางสาวทดลอง", "password": PASSWORD},
    )
    await j.call("DELETE", "/api/v1/staff/invitations/{link_id}", fac)
    await j.call("GET", "/api/v1/staff/province-grants", admin)
    await j.call("POST", "/api/v1/staff/province-grants", admin, {"email": world.spare_official, "province_code": "10"})
    await j.call("DELETE", "/api/v1/staff/province-grants/{grant_id}", admin, grant_id=world.province_grant_id)
    plan = {"title": "แผนพัฒนาจังหวัดภูเก็ต", "issues": [{"name": "พัฒนาคุณภาพชีวิต", "approaches": ["ดูแลผู้สูงอายุ"]}]}
    await j.call("PUT", "/api/v1/provinces/{province_code}/plan", admin, plan, province_code="83")
    await j.call("GET", "/api/v1/provinces/{province_code}/plan", None, province_code="83")
    reset = await j.call("POST", "/api/v1/staff/password-resets", admin, {"email": matrix.staff[off].email})
    await j.call("POST", "/api/v1/staff/password-resets/accept", None, {"token": reset["token"], "password": PASSWORD})
    matrix.staff[off].bearer = (
        await j.call("POST", "/api/v1/auth/token", None, {"email": matrix.staff[off].email, "password": PASSWORD})
    )["token"]
    await j.call("GET", a + "/team", fac)
    await j.call("POST", a + "/team", fac, {"email": world.spare_email, "role": "facilitator"})
    await j.call("DELETE", a + "/team/{grant_id}", fac)

    # A session, its doors and its projector.
    later = await j.call("POST", "/api/v1/sessions", fac, {"title": "เวทีติดตามผล", "themes": ["น้ำ"]})
    await j.call("GET", s, None)
    await j.call("GET", s + "/joining", fac)
    await j.call("POST", s + "/joining", fac, {"open": True})
    await j.call("POST", s + "/screen", fac, {"view": "board"})
    await j.call("POST", s + "/screen", fac, {"view": "spotlight", "proposal_id": world.proposal_id})

    # Ideas: proposals, comments, support, moderation.
    await j.call("POST", s + "/phase", fac, {"phase": "ideas"})
    second = await j.call("POST", s + "/participants", None, {"display_name": "ผู้ร่วมเวที ข", "consent": True})
    world.tokens["second"] = second["token"]  # a second phone: to support, back, answer and erase
    theme = (await j.call("GET", s, None))["themes"][0]["id"]
    extra = await j.call("POST", s + "/proposals", phone, {"title": "ลานกีฬาชุมชน", "body": "", "theme_id": theme})
    await j.call("GET", s + "/proposals", phone)
    await j.call("GET", s + "/proposals", fac)
    await j.call("POST", "/api/v1/proposals/{proposal_id}/comments", phone, {"body": "ควรมีไฟส่องสว่าง", "stance": "note"})
    await j.call(
        "POST", "/api/v1/proposals/{proposal_id}/moderation", fac, {"action": "approve"}, proposal_id=extra["id"]
    )
    await j.call("POST", "/api/v1/comments/{comment_id}/moderation", fac, {"action": "hide", "reason": "นอกประเด็น"})
    await j.call("POST", "/api/v1/comments/{comment_id}/moderation", fac, {"action": "restore"})
    await j.call("POST", s + "/statements", phone, {"text": "ทุกตำบลควรมีศูนย์ดูแล"})
    await j.call("GET", s + "/statements/next", phone)
    await j.call("GET", s + "/opinion-map", None)
    await j.call(
        "POST",
        s + "/participants/{participant_id}/map",
        fac,
        {"on_map": False, "reason": "ทดสอบ"},
        participant_id=second["participant_id"],
    )

    # Screening on the assembly's criteria.
    await j.call("GET", a + "/criteria", None)
    criteria = await j.call("POST", a + "/criteria", fac, {"criteria": [{"name": "ความเป็นไปได้"}]})
    scores = {str(c["id"]): 4 for c in criteria["criteria"]}
    await j.call("POST", "/api/v1/proposals/{proposal_id}/screening", fac, {"scores": scores})
    await j.call("GET", s + "/screening", fac)

    # Voting: rounds of every kind, paper ballots, results.
    await j.call("POST", s + "/phase", fac, {"phase": "voting"})
    await j.call("POST", "/api/v1/proposals/{proposal_id}/support", "second")
    await j.call("DELETE", "/api/v1/proposals/{proposal_id}/support", "second")
    await j.call("POST", "/api/v1/proposals/{proposal_id}/support", "second")
    await j.call("POST", "/api/v1/proposals/{proposal_id}/support", "second")  # again: 200, nothing changed
    await j.call("POST", "/api/v1/proposals/{proposal_id}/votes", phone, {"method": "dots", "value": 1})
    await j.call("GET", s + "/results", None)
    await j.call("GET", s + "/results", fac, query="by=sector")
    await j.call("POST", s + "/rounds/{round_id}/reveal", fac, {"shown": True})
    await j.call("POST", s + "/rounds/{round_id}/close", fac)
    paper = await j.call("POST", s + "/rounds", fac, {"method": "score", "options": {"allow_paper": True}})
    await j.call(
        "POST",
        s + "/rounds/{round_id}/paper",
        fac,
        {"marks": [{"proposal_id": world.proposal_id, "value": 4}]},
        round_id=paper["id"],
    )
    await j.call("POST", s + "/rounds/{round_id}/close", fac, round_id=paper["id"])
    ranked = await j.call("POST", s + "/rounds", fac, {"method": "rank", "options": {"k": 1}})
    await j.call("POST", s + "/rankings", phone, {"order": [world.proposal_id]})
    await j.call("POST", s + "/rounds/{round_id}/close", fac, round_id=ranked["id"])
    hidden = await j.call("POST", s + "/rounds", fac, {"method": "dots", "options": {"hidden": True}})
    assert (await j.call("GET", s + "/results", phone))["hidden"] is True  # no figures for a participant
    await j.call("POST", s + "/rounds/{round_id}/close", fac, round_id=hidden["id"])

    # Outcomes: answers, pledges, action items and their progress.
    await j.call("POST", s + "/phase", fac, {"phase": "commitments"})
    await j.call(
        "POST",
        "/api/v1/proposals/{proposal_id}/answer",
        off,
        {"state": "adopted", "reason": "สอดคล้องกับแผน", "lead_agency": "เทศบาล", "budget": 50000, "fiscal_year": 2570},
    )
    await j.call(
        "POST",
        "/api/v1/proposals/{proposal_id}/commitments",
        phone,
        {"role": "support", "what": "ช่วยจัดสถานที่", "due": "2030-01-01"},
    )
    item = await j.call(
        "POST",
        "/api/v1/proposals/{proposal_id}/action-items",
        off,
        {"title": "สำรวจพื้นที่", "community_owner": "สภาองค์กรชุมชน", "agency_owner": "เทศบาล", "due": "2030-01-01"},
    )
    await j.call(
        "POST",
        "/api/v1/action-items/{item_id}/updates",
        off,
        {"status": "in_progress", "note": "เริ่มแล้ว"},
        item_id=item["id"],
    )
    await j.call("GET", a + "/follow-up", None)

    # Resolutions: drafts, amendments, comments, checks.
    await j.call("POST", s + "/phase", fac, {"phase": "deliberation"})
    await j.call("POST", s + "/resolution-rules", fac, {"voters": "everyone", "amenders": "everyone"})
    await j.call(
        "POST", s + "/delegates", fac, {"participant_id": second["participant_id"], "network": "เครือข่ายผู้สูงอายุ"}
    )
    drafted = await j.call(
        "POST", s + "/items", fac, {"title": "น้ำสะอาด", "clauses": [{"text": "ขอให้การประปาขยายเขตบริการน้ำประปา"}]}
    )
    await j.call("GET", s + "/items", None)
    await j.call(
        "POST",
        "/api/v1/items/{item_id}",
        fac,
        {"title": "น้ำสะอาดทุกบ้าน", "base_version": 1},
        item_id=drafted["id"],
    )
    added = await j.call(
        "POST", "/api/v1/items/{item_id}/clauses", fac, {"text": "ขอให้ อบต. จัดหาถังเก็บน้ำ"}, item_id=drafted["id"]
    )
    await j.call(
        "POST",
        "/api/v1/clauses/{clause_id}/draft",
        fac,
        {"text": "ขอให้ อบต. จัดหาถังเก็บน้ำฝน", "base_version": 1},
        clause_id=added["id"],
    )
    await j.call("POST", "/api/v1/clauses/{clause_id}/comments", phone, {"body": "เห็นด้วยกับข้อนี้"})
    await j.call("POST", "/api/v1/amendments/{amendment_id}/backers", "second")
    await j.call("POST", "/api/v1/amendments/{amendment_id}/backers", "second")  # again: 200
    other = await j.call(
        "POST",
        "/api/v1/clauses/{clause_id}/amendments",
        "second",
        {"op": "replace", "text": "ขอให้ อบจ. และเทศบาลจัดตั้งศูนย์", "reason": "ร่วมกัน", "base_version": 1},
    )
    await j.call(
        "POST",
        "/api/v1/clauses/{clause_id}/merge",
        fac,
        {"amendment_ids": [world.amendment_id, other["id"]], "text": "ขอให้ อบจ. ร่วมกับเทศบาลจัดตั้งศูนย์"},
    )
    third = await j.call(
        "POST",
        "/api/v1/clauses/{clause_id}/amendments",
        "second",
        {"op": "insert", "text": "ภายในปี ๒๕๗๑", "reason": "กำหนดเวลา", "base_version": 2},
    )
    await j.call(
        "POST", "/api/v1/amendments/{amendment_id}/decision", fac, {"decision": "reject"}, amendment_id=third["id"]
    )
    await j.call("GET", "/api/v1/checks/{check_id}", None)
    await j.call(
        "POST", "/api/v1/checks/{check_id}/answers", phone, {"answer": "reservation", "reason": "งบประมาณไม่พอ"}
    )
    await j.call("POST", "/api/v1/checks/{check_id}/answers", "second", {"answer": "agree"})
    await j.call("POST", "/api/v1/checks/{check_id}/close", fac)
    adopting = await j.call("POST", "/api/v1/clauses/{clause_id}/checks", fac)
    for who in (phone, "second"):
        await j.call("POST", "/api/v1/checks/{check_id}/answers", who, {"answer": "agree"}, check_id=adopting["id"])
    closed = await j.call("POST", "/api/v1/checks/{check_id}/close", fac, check_id=adopting["id"])
    assert closed["outcome"] == "adopted"
    assert (await j.call("GET", a + "/follow-up", None))["clauses"]  # now with the adopted clause

    # Check-in from this assembly, then the files an office takes away.
    await j.call(
        "POST",
        a + "/check-in",
        fac,
        {"from_assembly_id": world.assembly_id, "title": "ติดตามผล"},
        assembly_id=later["assembly_id"],
    )
    brief = await j.call("GET", s + "/brief.{fmt}", off, fmt="json")
    clauses = [c for i in brief["resolution"]["items"] for c in i["clauses"]]
    assert {c["status"] for c in clauses} >= {"adopted", "not_adopted"} and brief["plan_rows"] and brief["follow_up"]
    assert (await j.call("GET", s + "/brief.{fmt}", off, query="lang=en", fmt="json"))["language"] == "en"
    for fmt in ("md", "csv", "xlsx", "docx", "pdf"):
        await j.call("GET", s + "/brief.{fmt}", off, fmt=fmt)
    await j.call("GET", s + "/brief.{fmt}", off, query="sheet=proposals", fmt="csv")
    for fmt in ("docx", "pdf"):
        await j.call("GET", s + "/minutes.{fmt}", off, fmt=fmt)
    for fmt in ("json", "docx", "pdf"):
        await j.call("GET", s + "/resolution.{fmt}", off, fmt=fmt)

    # Leaving: a participant erases their data.
    mine = await j.call("GET", "/api/v1/me", phone)  # now with votes, pledges, amendments, answers
    assert mine["votes"] and mine["pledges"] and mine["check_answers"] and mine["clause_comments"]
    theirs = await j.call("GET", "/api/v1/me", "second")
    assert theirs["supports"] and theirs["backed_amendments"] and theirs["delegate_of"]
    await j.call("DELETE", "/api/v1/me", "second", query="confirm=true")
    return j


def validator(doc: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A validator for one schema of the document, its `$ref`s resolved against the document's components."""
    return jsonschema_rs.validator_for({**schema, "components": doc["components"]}, validate_formats=True)


def check_answers(doc: dict[str, Any], answers: list[Answer]) -> tuple[list[str], dict[str, set[str]]]:
    """What in these answers the document does not describe, and the media types each path answered."""
    problems: list[str] = []
    media_seen: dict[str, set[str]] = {}
    for x in answers:
        responses = doc["paths"][x.template][x.method]["responses"]
        response = responses.get(str(x.status)) or responses.get(f"{x.status // 100}XX")
        if response is None:
            problems.append(f"{x.method.upper()} {x.template}: {x.status} is not documented")
            continue
        content = response["content"]
        if x.media_type not in content:
            problems.append(f"{x.method.upper()} {x.template}: {x.media_type} is not among {sorted(content)}")
            continue
        media_seen.setdefault(x.template, set()).add(x.media_type)
        for name, header in response.get("headers", {}).items():
            value = x.headers.get(name)
            if value is None or not re.fullmatch(header["schema"]["pattern"], value):
                problems.append(f"{x.method.upper()} {x.template}: header {name} is {value!r}")
        if x.media_type == "application/json":
            for error in validator(doc, content[x.media_type]["schema"]).iter_errors(json.loads(x.body)):
                problems.append(
                    f"{x.method.upper()} {x.template} {x.status}: {error.message} at {list(error.instance_path)}"
                )
        elif x.media_type == "application/pdf":
            assert x.body.startswith(b"%PDF-"), x.template
        elif "openxmlformats" in x.media_type:
            assert x.body.startswith(b"PK"), x.template  # a zip, as Office files are
        elif x.media_type == "text/csv":
            assert x.body.startswith("\ufeff".encode()), x.template  # Excel reads Thai only after the mark
        else:
            x.body.decode("utf-8")
    return problems, media_seen


async def test_every_answer_is_what_the_contract_says(app: Starlette, client: httpx.AsyncClient) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()
    j = await journey(Matrix(app, client))
    documented = {(path, m) for path, ops in doc["paths"].items() for m in ops if m in METHODS}
    assert {(x.template, x.method) for x in j.answers} == documented  # every operation answered for real
    statuses = {(x.template, x.method, x.status) for x in j.answers}
    for path, ops in doc["paths"].items():  # and every success it documents, too
        for method, op in ops.items():
            if method in METHODS:
                assert {(path, method, int(s)) for s in op["responses"] if s.startswith("2")} <= statuses
    problems, media_seen = check_answers(doc, j.answers)
    assert not problems, "\n".join(problems[:40])
    # Each download answered in every media type it documents.
    for template in (
        "/api/v1/sessions/{code}/brief.{fmt}",
        "/api/v1/sessions/{code}/minutes.{fmt}",
        "/api/v1/sessions/{code}/resolution.{fmt}",
    ):
        assert media_seen[template] == set(doc["paths"][template]["get"]["responses"]["200"]["content"])


def names(schema: Any, components: dict[str, Any], seen: frozenset[str] = frozenset()) -> set[str]:
    """Every property name a schema can answer with, through its `$ref`s and nested objects."""
    if isinstance(schema, list):
        return set().union(*(names(s, components, seen) for s in schema))
    if not isinstance(schema, dict):
        return set()
    found: set[str] = set()
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            found |= names(components[name], components, seen | {name})
    found |= set(schema.get("properties", {}))
    for key in ("properties", "items", "anyOf", "oneOf", "additionalProperties"):
        value = schema.get(key)
        found |= names(
            list(value.values()) if isinstance(value, dict) and key == "properties" else value, components, seen
        )
    return found


def documented_keys(path: str) -> set[str]:
    """The keys of the JSON example in a schema.md (the ```jsonc block)."""
    text = (Path(__file__).parents[2] / path).read_text(encoding="utf-8")
    block = text.split("```jsonc", 1)[1].split("```", 1)[0]
    return {k for k in re.findall(r'"([A-Za-z_][A-Za-z_0-9]*)"\s*:', block)}


async def test_the_resolution_and_the_brief_are_documented_as_served(client: httpx.AsyncClient) -> None:
    components = (await client.get("/api/v1/openapi.json")).json()["components"]["schemas"]
    resolution = names(components["Resolution"], components)
    assert documented_keys("deliberate/resolutions/schema.md") == resolution
    brief = names(components["Brief"], components)
    assert documented_keys("deliberate/briefs/schema.md") == brief


async def test_an_imported_opinion_map_answers_its_contract(app: Starlette, client: httpx.AsyncClient) -> None:
    """A Pol.is conversation (tests/data, CC BY 4.0) fills what the session world leaves empty: groups, their
    representative statements, consensus and divisiveness, in the opinion map and in the brief."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    matrix = Matrix(app, client)
    await matrix.sign_in_staff()
    session = await import_polis(ROOT / "tests" / "data" / "polis" / "15-per-hour-seattle")
    await on_team(matrix.staff["facilitator"].email, session.code)
    j = Journey(matrix, await matrix.world())
    s = "/api/v1/sessions/{code}"
    opinion_map = await j.call("GET", s + "/opinion-map", None, code=session.code)
    assert opinion_map["groups"] and opinion_map["representative"] and opinion_map["divisiveness"]
    await j.call("GET", s, None, code=session.code)
    await j.call("GET", s + "/results", "facilitator", code=session.code)
    await j.call("GET", s + "/proposals", "facilitator", code=session.code)
    brief = await j.call("GET", s + "/brief.{fmt}", "facilitator", code=session.code, fmt="json")
    assert brief["opinion"]["groups"] and brief["opinion"]["consensus"]  # the brief's findings are the map's
    problems, _ = check_answers(doc, j.answers)
    assert not problems, "\n".join(problems[:40])


async def test_refusals_answer_the_error_schema(app: Starlette, client: httpx.AsyncClient) -> None:
    """A refusal is an Error in the caller's language, whatever refused: the sign-in, the rights, the input,
    a stale version."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    matrix = Matrix(app, client)
    await matrix.sign_in_staff()
    j = Journey(matrix, await matrix.world("deliberation"))
    s = "/api/v1/sessions/{code}"
    await j.call("POST", "/api/v1/auth/token", None, {"email": "nobody@example.org", "password": "x" * 12}, expect=401)
    await j.call("GET", s + "/brief.{fmt}", None, fmt="json", expect=401)
    await j.call("GET", s + "/resolution.{fmt}", "participant_a", fmt="json", expect=403)
    await j.call("GET", s, None, code="ZZZZZZ", expect=404)
    invalid = await j.call("POST", s + "/phase", "facilitator", {"phase": "dreaming"}, expect=422)
    assert invalid["field"] == "phase"
    stale = {"op": "replace", "text": "ขอให้เทศบาลจัดตั้งศูนย์", "reason": "ถ้อยคำ", "base_version": 9}
    await j.call("POST", "/api/v1/clauses/{clause_id}/amendments", "participant_a", stale, expect=409)
    problems, _ = check_answers(doc, j.answers)
    assert not problems, "\n".join(problems)
    assert {x.status for x in j.answers} == {401, 403, 404, 409, 422}
