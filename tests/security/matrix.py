"""The machinery behind the authorization matrix: the six actors, a session world to aim at, and one
request per (route, method) with each actor's own credentials.

Actors are made the way people become them: staff sign in through the login form (browser cookie) and
`POST /api/v1/auth/token` (bearer); participants join session A or session B through the join API, and the
token they get is also their phone's cookie for that session. Pages are asked with cookies, the API with
bearer tokens, so each face is tried with the credential it really takes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from deliberate.accounts.services import create_staff_user
from deliberate.web.identity import STAFF_COOKIE, participant_cookie
from deliberate.web.security import CSRF_COOKIE, csrf_key, form_token

ACTORS = (
    "anonymous",
    "participant_a",
    "participant_b",
    "other_facilitator",
    "outsider_official",
    "facilitator",
    "official",
    "admin",
)
# Least privileged first: on a fresh world per route, a refused actor can never spoil what a later,
# permitted one sees. "facilitator" owns session A's assembly and "official" was added to its team;
# "other_facilitator" runs session B's assembly only, "outsider_official" was granted nothing.
STAFF_ROLES = {
    "other_facilitator": "facilitator",
    "outsider_official": "official",
    "facilitator": "facilitator",
    "official": "official",
    "admin": "admin",
}
PASSWORD = "correct horse battery staple"
PLAN_PROVINCE = "96"  # Narathiwat: no other test keeps a plan for it
CSRF = "m" * 43  # the cookie's nonce: any 43 characters are kept as they are; `send` signs it for each jar
WS_VIEWS = ("participant", "projector", "console")
MOUNT_FILES = {
    "static": "/static/css/app.css",
    "htmx": "/vendor/htmx/htmx.min.js",
    "sarabun": "/vendor/sarabun/sarabun-latin-100-italic.woff2",
}

DRAFT = {
    "title": "การดูแลผู้สูงอายุโดยชุมชน",
    "background": "ผู้สูงอายุติดบ้านติดเตียงเพิ่มขึ้นทุกปี",
    "preamble": ["ตระหนักว่าผู้สูงอายุที่อยู่ลำพังต้องการการดูแลใกล้บ้าน"],
    "clauses": [
        {"text": "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๗๐", "lead_agency": "เทศบาล"},
        {"text": "ขอให้สภาองค์กรชุมชนจัดอาสาสมัครเยี่ยมบ้าน", "lead_agency": "สภาองค์กรชุมชน"},
    ],
}


def route_keys(routes: list[BaseRoute]) -> Iterator[tuple[str, str]]:
    """Every (route name, method) the app answers; websockets once per view, file mounts once each."""
    for route in routes:
        if isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield route.name, method
        elif isinstance(route, WebSocketRoute):
            for view in WS_VIEWS:
                yield route.name, f"WS {view}"
        elif isinstance(route, Mount):
            yield str(route.name), "GET"
        else:  # pragma: no cover (a new kind of route must be taught to the matrix)
            raise AssertionError(f"the matrix does not know how to call {route!r}")


@dataclass
class Staff:
    email: str
    bearer: str = ""
    cookie: str = ""


@dataclass
class World:
    """Session A, where participant A belongs and every object of the route table has one instance."""

    code: str
    other_code: str
    assembly_id: int
    proposal_id: int
    comment_id: int
    round_id: int
    item_id: int
    clause_id: int
    check_id: int
    amendment_id: int
    action_item_id: int
    link_id: int  # an invitation the facilitator made, still pending
    grant_id: int  # a spare co-facilitator's part in session A's assembly
    province_grant_id: int  # a spare official following a province
    spare_email: str  # a staff account on nobody's team yet, to add
    spare_official: str  # an official's account, to give a province
    tokens: dict[str, str] = field(default_factory=dict)  # participant_a / participant_b


class Matrix:
    def __init__(self, app: Starlette, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.staff: dict[str, Staff] = {}
        self.other_code = ""
        self.other_token = ""

    # -- actors -----------------------------------------------------------------------------------------
    async def sign_in_staff(self) -> None:
        for actor, role in STAFF_ROLES.items():
            email = f"{actor.replace('_', '-')}-{uuid.uuid4().hex[:10]}@example.org"
            await create_staff_user(email, role, PASSWORD)
            r = await self.client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
            assert r.status_code == 201, r.text
            self.staff[actor] = Staff(email, r.json()["token"])
            self.staff[actor].cookie = await self.fresh_cookie(actor)
        other = await self.api(
            "POST", "/api/v1/sessions", "other_facilitator", {"title": "เวทีอื่น", "themes": ["ผู้สูงอายุ"]}, expect=201
        )
        self.other_code = other["code"]
        await self.api("POST", f"/api/v1/sessions/{self.other_code}/phase", "other_facilitator", {"phase": "ideas"})
        # A province whose plan only the matrix writes, so reading it answers the same in any test order.
        plan = {"title": "แผนพัฒนาจังหวัดนราธิวาส", "issues": [{"name": "สังคมคุณภาพ", "approaches": ["สวัสดิการชุมชน"]}]}
        r = await self.send(
            "PUT", f"/api/v1/provinces/{PLAN_PROVINCE}/plan", {}, json=plan, headers=self.bearer_of("admin")
        )
        assert r.status_code == 200, r.text
        self.other_token = (
            await self.api(
                "POST",
                f"/api/v1/sessions/{self.other_code}/participants",
                None,
                {"display_name": "คนเวทีอื่น", "consent": True},
                expect=201,
            )
        )["token"]

    def bearer_of(self, actor: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.staff[actor].bearer}"}

    async def fresh_cookie(self, role: str) -> str:
        form = await self.send(
            "POST",
            "/staff/login",
            {CSRF_COOKIE: CSRF},
            data={"email": self.staff[role].email, "password": PASSWORD, "csrf_token": CSRF},
        )
        assert form.status_code == 303, form.text
        return form.cookies[STAFF_COOKIE]

    async def send(self, method: str, path: str, cookies: dict[str, str], **kw: Any) -> httpx.Response:
        """A request carrying exactly these cookies and nothing the client kept from earlier answers."""
        self.client.cookies.clear()
        headers = kw.pop("headers", {}) | {"cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        # The CSRF stand-in becomes the token a page would have drawn for exactly these cookies.
        token = form_token(csrf_key(self.app.state.settings.secret_key), CSRF, cookies)
        if isinstance(kw.get("data"), dict) and kw["data"].get("csrf_token") == CSRF:
            kw["data"] = kw["data"] | {"csrf_token": token}
        if isinstance(kw.get("content"), bytes):
            kw["content"] = kw["content"].replace(b"csrf_token=" + CSRF.encode(), b"csrf_token=" + token.encode())
        return await self.client.request(method, path, headers=headers, **kw)

    async def api(self, method: str, path: str, who: str | None, body: object = None, *, expect: int = 200) -> Any:
        headers = {"authorization": f"Bearer {self.staff[who].bearer}"} if who else {}
        r = await self.send(method, path, {}, json=body, headers=headers)
        assert r.status_code == expect, (method, path, r.status_code, r.text)
        return r.json()

    async def world(self, phase: str = "ideas") -> World:
        """A fresh session A with one of everything, left in `phase` with every action open."""
        fac, off = "facilitator", "official"
        s = await self.api(
            "POST", "/api/v1/sessions", fac, {"title": "เวทีทดสอบสิทธิ์", "themes": ["ผู้สูงอายุ", "เด็กและเยาวชน"]}, expect=201
        )
        code = s["code"]
        base = f"/api/v1/sessions/{code}"
        team = f"/api/v1/assemblies/{s['assembly_id']}/team"
        await self.api("POST", team, fac, {"email": self.staff[off].email, "role": "official"}, expect=201)
        spare, spare_official = await self.spare("facilitator"), await self.spare("official")
        grant = await self.api("POST", team, fac, {"email": spare, "role": "facilitator"}, expect=201)
        province = await self.api(
            "POST",
            "/api/v1/staff/province-grants",
            "admin",
            {"email": spare_official, "province_code": "83"},
            expect=201,
        )
        link = await self.api(
            "POST",
            "/api/v1/staff/invitations",
            fac,
            {
                "email": f"invited-{uuid.uuid4().hex[:10]}@example.org",
                "role": "official",
                "assembly_id": s["assembly_id"],
            },
            expect=201,
        )
        await self.api("POST", f"{base}/phase", fac, {"phase": "ideas"})
        theme = (await self.api("GET", base, None))["themes"][0]["id"]
        token = (
            await self.api(
                "POST", f"{base}/participants", None, {"display_name": "ผู้ร่วมเวที ก", "consent": True}, expect=201
            )
        )["token"]
        r = await self.client.post(
            f"{base}/proposals",
            headers={"authorization": f"Bearer {token}"},
            json={"title": "ศูนย์ดูแลผู้สูงอายุกลางวัน", "body": "", "theme_id": theme},
        )
        assert r.status_code == 201, r.text
        proposal = r.json()["id"]
        r = await self.client.post(
            f"/api/v1/proposals/{proposal}/comments",
            headers={"authorization": f"Bearer {token}"},
            json={"body": "เห็นด้วย ควรเริ่มที่ตำบลเรา", "stance": "for"},
        )
        assert r.status_code == 201, r.text
        comment = r.json()["id"]
        await self.api(
            "POST",
            f"/api/v1/proposals/{proposal}/answer",
            fac,
            {
                "state": "adopted",
                "reason": "สอดคล้องกับแผน",
                "programme": "จัดตั้งศูนย์",
                "lead_agency": "เทศบาล",
                "partners": "",
                "budget": 1000,
                "fiscal_year": 2570,
            },
        )
        action_item = await self.api(
            "POST",
            f"/api/v1/proposals/{proposal}/action-items",
            off,
            {"title": "หาสถานที่", "community_owner": "สภาองค์กรชุมชน", "agency_owner": "เทศบาล", "due": "2030-01-01"},
            expect=201,
        )
        await self.api("POST", f"{base}/statements", fac, {"text": "ควรมีศูนย์ดูแลในทุกตำบล"}, expect=201)
        await self.api("POST", f"{base}/phase", fac, {"phase": "deliberation"})
        item = await self.api("POST", f"{base}/items", fac, DRAFT, expect=201)
        first, second = item["clauses"]
        r = await self.client.post(
            f"/api/v1/clauses/{first['id']}/amendments",
            headers={"authorization": f"Bearer {token}"},
            json={"op": "replace", "text": "ขอให้ อบจ. จัดตั้งศูนย์", "reason": "งบ", "base_version": 1},
        )
        assert r.status_code == 201, r.text
        amendment = r.json()["id"]
        check = await self.api("POST", f"/api/v1/clauses/{second['id']}/checks", fac, None, expect=201)
        await self.api("POST", f"{base}/phase", fac, {"phase": "voting"})
        vote_round = await self.api("POST", f"{base}/rounds", fac, {"method": "dots"}, expect=201)
        await self.api("POST", f"{base}/phase", fac, {"phase": phase})
        every = {"phase": phase, **{a: "on" for a in ("join", "propose", "comment", "react", "support", "pledge")}}
        r = await self.send(
            "POST", f"/staff/s/{code}/permissions", self.cookies("facilitator", code), data=every | {"csrf_token": CSRF}
        )
        assert r.status_code == 303, r.text
        return World(
            code=code,
            other_code=self.other_code,
            assembly_id=s["assembly_id"],
            proposal_id=proposal,
            comment_id=comment,
            round_id=vote_round["id"],
            item_id=item["id"],
            clause_id=first["id"],
            check_id=check["id"],
            amendment_id=amendment,
            action_item_id=action_item["id"],
            link_id=link["id"],
            grant_id=grant["id"],
            province_grant_id=province["id"],
            spare_email=await self.spare("facilitator"),
            spare_official=spare_official,
            tokens={"participant_a": token, "participant_b": self.other_token},
        )

    async def spare(self, role: str) -> str:
        """A staff account nobody signs in with: someone to add to a team or give a province."""
        email = f"spare-{role}-{uuid.uuid4().hex[:10]}@example.org"
        await create_staff_user(email, role, PASSWORD)
        return email

    # -- credentials ------------------------------------------------------------------------------------
    def cookies(self, actor: str, code: str, world: World | None = None) -> dict[str, str]:
        jar = {CSRF_COOKIE: CSRF}
        if actor in self.staff:
            jar[STAFF_COOKIE] = self.staff[actor].cookie
        elif actor == "participant_a" and world is not None:
            jar[participant_cookie(world.code)] = world.tokens[actor]
        elif actor == "participant_b":
            jar[participant_cookie(self.other_code)] = self.other_token
        return jar

    def bearer(self, actor: str, world: World) -> dict[str, str]:
        if actor in self.staff:
            return {"authorization": f"Bearer {self.staff[actor].bearer}"}
        if actor in world.tokens:
            return {"authorization": f"Bearer {world.tokens[actor]}"}
        return {}

    # -- one call ---------------------------------------------------------------------------------------
    def path_for(self, route: BaseRoute, world: World) -> str:
        if isinstance(route, Mount):
            return MOUNT_FILES[str(route.name)]
        params: dict[str, Any] = {
            "code": world.code,
            "proposal_id": world.proposal_id,
            "comment_id": world.comment_id,
            "assembly_id": world.assembly_id,
            "round_id": world.round_id,
            "clause_id": world.clause_id,
            "check_id": world.check_id,
            "amendment_id": world.amendment_id,
            "participant_id": 1,  # api_map_placement: the matrix's minimal body is refused before the lookup
            "fmt": FORMATS.get(route.name, "json"),  # type: ignore[attr-defined]
            "item_id": world.action_item_id if route.name == "api_progress" else world.item_id,  # type: ignore[attr-defined]
            "link_id": world.link_id,
            "province_code": PLAN_PROVINCE,
            "grant_id": world.province_grant_id if route.name == "api_province_grant" else world.grant_id,  # type: ignore[attr-defined]
        }
        names = route.param_convertors  # type: ignore[attr-defined]
        return str(route.url_path_for(route.name, **{k: params[k] for k in names}))  # type: ignore[attr-defined]

    async def call(self, route: BaseRoute, method: str, actor: str, world: World) -> int | str:
        path = self.path_for(route, world)
        if method.startswith("WS "):
            return await self.websocket(path, method[3:], self.cookies(actor, world.code, world))
        path += f"?{QUERIES[route.name]}" if route.name in QUERIES else ""  # type: ignore[attr-defined]
        given = bodies(world).get(route.name, {})  # type: ignore[attr-defined]
        if path.startswith("/api/"):
            headers = self.bearer(actor, world)
            body = None if method in ("GET", "DELETE") else json.dumps(given).encode()
            r = await self.send(method, path, {}, headers=headers | {"content-type": "application/json"}, content=body)
        else:
            data = None if method == "GET" else {"csrf_token": CSRF, **given}
            jar = self.cookies(actor, world.code, world)
            if route.name == "logout" and actor in self.staff:  # type: ignore[attr-defined]
                jar[STAFF_COOKIE] = await self.fresh_cookie(actor)  # signing out must not sign out the rest
            r = await self.send(method, path, jar, data=data)
        if r.status_code in (302, 303) and "/staff/login" in r.headers.get("location", ""):
            return "login"
        return r.status_code

    async def websocket(self, path: str, view: str, cookies: dict[str, str]) -> int | str:
        """Drive the websocket endpoint in process: 'accept', or the close code the server chose."""
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "http_version": "1.1",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": f"view={view}".encode(),
            "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
            "subprotocols": [],
            "state": {},
        }
        sent: list[dict[str, Any]] = []
        connected = False

        async def receive() -> dict[str, Any]:
            nonlocal connected
            if not connected:
                connected = True
                return {"type": "websocket.connect"}
            return {"type": "websocket.disconnect", "code": 1000}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        first = sent[0]
        return "accept" if first["type"] == "websocket.accept" else int(first.get("code", 1000))


# Which file format each parameterised route is asked with.
FORMATS = {
    "staff_brief": "json",
    "api_brief": "json",
    "staff_minutes": "docx",
    "api_minutes": "docx",
    "api_resolution": "json",
    "staff_resolution": "json",
}


# Writes whose empty body would be refused by validation before anyone's rights are looked at get a
# well-formed body, so the matrix sees the permission answer.
def bodies(world: World) -> dict[str, dict[str, Any]]:
    return {
        "vote": {"proposal_id": world.proposal_id, "method": "dots", "value": "1"},
        "api_votes": {"method": "dots", "value": 1},
        "rank": {"order": str(world.proposal_id)},
        "api_rankings": {"order": [world.proposal_id]},
        "api_check_in": {"from_assembly_id": world.assembly_id},
        "resolutions_comment": {"clause_id": world.clause_id, "body": "เห็นด้วยกับข้อนี้"},
        "resolutions_amend": {
            "clause_id": world.clause_id,
            "op": "replace",
            "text": "ขอให้ อบต. จัดตั้งศูนย์",
            "base_version": "1",
        },
        "resolutions_back": {"amendment_id": world.amendment_id},
        "resolutions_answer": {"check_id": world.check_id, "answer": "agree"},
        "console_assisted_proposal": {"title": "ลานกีฬาชุมชน", "on_behalf_of": "ป้าสมศรี"},
        "console_hide_comment": {"comment_id": world.comment_id, "reason_choice": "นอกประเด็น"},
        "console_restore_comment": {"comment_id": world.comment_id},
        "api_clause_comments": {"body": "เห็นด้วยกับข้อนี้"},
        # Staff scope: whom to add, which grant or invitation to withdraw.
        "api_team": {"email": world.spare_email, "role": "facilitator"},
        "assembly_team_add": {"email": world.spare_email, "role": "facilitator"},
        "assembly_team_remove": {"grant_id": str(world.grant_id)},
        "api_province_grants": {"email": world.spare_official, "province_code": "10"},
        "staff_province_grant": {"email": world.spare_official, "province_code": "10"},
        "staff_province_withdraw": {"grant_id": str(world.province_grant_id)},
        "withdraw_invitation": {"id": str(world.link_id)},
    }


QUERIES = {"live_poll": "view=console"}
# The phase the world is left in for routes that only work in another one; writes that act once (a
# round closed stays closed) get a fresh world for every actor.
PHASES = {
    name: "deliberation"
    for name in (
        "api_amendments",
        "api_checks",
        "api_merge",
        "api_clause_comments",
        "api_backers",
        "api_check_answers",
        "resolutions_amend",
        "resolutions_back",
        "resolutions_answer",
        "resolutions_comment",
    )
}
ONE_SHOT = {
    "api_team_member",
    "assembly_team_remove",
    "api_invitation",
    "withdraw_invitation",
    "api_province_grant",
    "staff_province_withdraw",
    "console_hide_comment",
    "api_round_close",
    "api_round_reveal",
    "api_check_close",
    "api_support",
    "support",
    "api_resolution_rules",
    "api_checks",
    "resolutions_back",
    "resolutions_answer",
}

Runner = Callable[[BaseRoute, str, str, World], Awaitable[int | str]]
