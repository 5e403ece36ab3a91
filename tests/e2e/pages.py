"""Every page of the app, in the state a person meets it, for the accessibility, HTML and screenshot checks.

`build_site` seeds the Phuket demo (deliberate/demo.py) into the served app's database, then adds, over the
JSON API, one session for each thing the demo does not show: a dots, a score and a ranking round, a
commitments phase with a pledge form, a deliberation phase with a draft resolution and an open consensus
check. Each page is opened as the role that uses it, with that role's cookies; `lang` is the language cookie.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import httpx
from bs4 import BeautifulSoup

from tests.api.test_resolutions import DRAFT
from tests.conftest import ROOT, Served, child_env

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGS = ("th", "en")
PHONE = {"width": 360, "height": 640}
LARGE_PHONE = {"width": 412, "height": 915}
PROJECTOR = {"width": 1920, "height": 1080}
THEMES = ["ผู้สูงอายุ", "อาชีพและรายได้"]
IDEAS = [
    ("ศูนย์ดูแลผู้สูงอายุในตำบล", "ให้มีศูนย์ดูแลผู้สูงอายุติดบ้านติดเตียงโดยอาสาสมัครในชุมชน"),
    ("ตลาดนัดสินค้าชุมชนทุกวันเสาร์", "เปิดพื้นที่ให้กลุ่มอาชีพขายสินค้าโดยไม่เก็บค่าที่"),
    ("รถรับส่งผู้สูงอายุไปโรงพยาบาล", "จัดรถของท้องถิ่นรับส่งผู้สูงอายุที่ไม่มีญาติพาไปตามนัด"),
]
SEED = """
import asyncio, json, sys
from deliberate.demo import seed
from deliberate.settings import Settings
print(json.dumps(asyncio.run(seed(Settings(database_url=sys.argv[1]))).__dict__))
"""


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str  # "public", "participant", "facilitator" or "official": whose cookies open it
    screen: str = "phone"  # "phone", or "projector" for the hall's screen and the facilitator's desks

    def sizes(self) -> list[dict[str, int]]:
        return [PROJECTOR] if self.screen == "projector" else [PHONE]


@dataclass
class Site:
    base_url: str
    pages: list[Page]
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> cookie name -> value
    codes: dict[str, str] = field(default_factory=dict)  # what each session is for -> its code
    facilitator: dict[str, str] = field(default_factory=dict)  # API authorization headers

    def playwright_cookies(self, role: str, lang: str) -> list[dict[str, Any]]:
        jar = self.cookies.get(role, {}) | {"lang": lang}
        return [{"name": k, "value": v, "url": self.base_url} for k, v in jar.items()]

    def by_role(self) -> dict[str, list[Page]]:
        out: dict[str, list[Page]] = {}
        for p in self.pages:
            out.setdefault(p.role, []).append(p)
        return out


_built: dict[str, Site] = {}


async def build_site(served: Served) -> Site:
    """The pages of one served app, built once per test run whichever module asks first."""
    if served.base_url not in _built:
        _built[served.base_url] = await _build(served)
    return _built[served.base_url]


def _seed_demo(database_url: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SEED, database_url],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(database_url),
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


async def _ok(r: httpx.Response) -> Any:
    assert r.status_code in (200, 201, 303), f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}"
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else None


async def sign_in(base_url: str, email: str, password: str) -> dict[str, str]:
    """The cookies of a staff member signed in through the login form."""
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as web:
        r = await web.get("/staff/login")
        field = BeautifulSoup(r.text, "html.parser").find("input", attrs={"name": "csrf_token"})
        assert field is not None, f"/staff/login: {r.status_code} {r.text[:500]}"
        token = field["value"]
        await _ok(await web.post("/staff/login", data={"csrf_token": token, "email": email, "password": password}))
        return dict(web.cookies.items())


async def _build(served: Served) -> Site:
    demo = _seed_demo(served.database_url)
    code = demo["code"]
    async with httpx.AsyncClient(base_url=served.base_url, timeout=20) as http:
        tok = await _ok(
            await http.post("/api/v1/auth/token", json={"email": demo["email"], "password": demo["password"]})
        )
        staff = {"authorization": f"Bearer {tok['token']}"}
        participant: dict[str, str] = {}

        async def post(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
            return await _ok(await http.post(path, json=body, headers=staff if headers is None else headers))

        async def join(c: str, name: str = "ป้าแดง ใจงาม") -> dict[str, str]:
            body = await post(
                f"/api/v1/sessions/{c}/participants",
                {"display_name": name, "consent": True, "subdistrict_code": "830101", "sector": "community"},
                headers={},
            )
            participant[f"dlb_p_{c}"] = body["token"]
            return {"authorization": f"Bearer {body['token']}"}

        async def session(phase: str, title: str) -> tuple[str, list[int]]:
            """A session with three proposals, moved to `phase`; the participant has joined it."""
            made = await post("/api/v1/sessions", {"title": title, "themes": THEMES, "province_code": "83"})
            c = made["code"]
            detail = (await http.get(f"/api/v1/sessions/{c}")).json()
            await post(f"/api/v1/sessions/{c}/phase", {"phase": "ideas"})
            author = await join(c, "ลุงเพิ่ม รักถิ่น")
            ids = [
                (
                    await post(
                        f"/api/v1/sessions/{c}/proposals",
                        {"title": t, "body": b, "theme_id": detail["themes"][i % 2]["id"]},
                        author,
                    )
                )["id"]
                for i, (t, b) in enumerate(IDEAS)
            ]
            await post(f"/api/v1/sessions/{c}/phase", {"phase": phase})
            await join(c)
            return c, ids

        detail = (await http.get(f"/api/v1/sessions/{code}")).json()
        assembly = detail["assembly"]["id"]
        me = await join(code)
        demo_ids = sorted(
            (await http.get(f"/api/v1/sessions/{code}/proposals", headers=me)).json()["items"],
            key=lambda p: -p.get("supports", 0),
        )
        proposal = demo_ids[0]["id"]

        rounds: dict[str, str] = {}
        for method, options in (
            ("dots", {"budget": 5, "max_per": 3}),
            ("score", None),
            ("rank", {"k": 3}),
            ("support", None),
        ):
            c, ids = await session("voting", f"เวทีจัดลำดับข้อเสนอ ({method})")
            await post(
                f"/api/v1/sessions/{c}/rounds", {"method": method, "options": options, "title": "เลือกข้อเสนอที่ควรทำก่อน"}
            )
            rounds[method] = c

        pledge_code, pledge_ids = await session("ideas", "เวทีร่วมทำ")
        await post(
            f"/api/v1/proposals/{pledge_ids[0]}/answer",
            {"state": "adopted", "reason": "ที่ประชุมเห็นพ้องว่าจำเป็นเร่งด่วน", "lead_agency": "เทศบาลตำบลวิชิต"},
        )
        await post(f"/api/v1/sessions/{pledge_code}/phase", {"phase": "commitments"})

        res = await post("/api/v1/sessions", {"title": "เวทีพิจารณาร่างข้อมติ", "themes": THEMES, "province_code": "83"})
        res_code = res["code"]
        await post(f"/api/v1/sessions/{res_code}/phase", {"phase": "deliberation"})
        item = await post(f"/api/v1/sessions/{res_code}/items", DRAFT)
        first = item["clauses"][0]
        delegate = await join(res_code, "ลุงเพิ่ม รักถิ่น")
        await post(
            f"/api/v1/clauses/{first['id']}/amendments",
            {
                "op": "replace",
                "text": "ขอให้องค์การบริหารส่วนจังหวัดร่วมกับเทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๗๐",
                "reason": "ให้ อบจ. ร่วมงบประมาณ",
                "base_version": 1,
            },
            delegate,
        )
        await post(f"/api/v1/clauses/{first['id']}/checks", {})
        await join(res_code)

    official_email, official_password = served.add_staff("official")
    served.grant(official_email, assembly)
    site = Site(
        served.base_url,
        [],
        codes={
            "demo": code,
            "pledge": pledge_code,
            "resolutions": res_code,
            **{f"round-{m}": c for m, c in rounds.items()},
        },
        facilitator=staff,
    )
    site.cookies = {
        "public": {},
        "participant": participant,
        "facilitator": await sign_in(served.base_url, demo["email"], demo["password"]),
        "official": await sign_in(served.base_url, official_email, official_password),
    }
    P = Page
    site.pages = [
        P("home", "/", "public"),
        P("join", f"/s/{code}/join", "public"),
        P("session", f"/s/{code}", "participant"),
        P("proposal", f"/s/{code}/p/{proposal}", "participant"),
        P("vote-statements", f"/s/{code}/vote", "participant"),
        *[P(f"session-{m}", f"/s/{c}", "participant") for m, c in rounds.items() if m == "dots"],
        *[P(f"vote-{m}", f"/s/{c}/vote", "participant") for m, c in rounds.items()],
        P("proposal-pledge", f"/s/{pledge_code}/p/{pledge_ids[0]}", "participant"),
        P("session-commitments", f"/s/{pledge_code}", "participant"),
        P("resolutions", f"/s/{res_code}/resolutions", "participant"),
        P("follow-up", f"/a/{assembly}/follow-up", "public"),
        P("screen", f"/s/{code}/screen", "public", "projector"),
        P("screen-map", f"/s/{code}/screen?show=map", "public", "projector"),
        P("screen-cloud", f"/s/{code}/screen?show=cloud", "public", "projector"),
        P("screen-results", f"/s/{rounds['dots']}/screen?show=results", "public", "projector"),
        P("screen-resolution", f"/s/{res_code}/screen?show=resolution", "public", "projector"),
        P("screen-pledges", f"/s/{pledge_code}/screen?show=pledges", "public", "projector"),
        P("login", "/staff/login", "public"),
        P("dashboard", "/staff", "facilitator"),
        P("assembly", f"/staff/assemblies/{assembly}", "facilitator"),
        P("console", f"/staff/s/{code}", "facilitator", "projector"),
        P("console-voting", f"/staff/s/{rounds['dots']}", "facilitator", "projector"),
        P("outcomes-desk", f"/staff/s/{code}/outcomes", "facilitator", "projector"),
        P("resolutions-desk", f"/staff/s/{res_code}/resolutions", "facilitator", "projector"),
        P("portal", "/staff/portal", "official"),
    ]
    # Pages other work is adding: audited once they answer 200 to their role.
    maybe = [
        P("my-data", f"/s/{code}/me", "participant"),
        P("invitations", "/staff/invitations", "facilitator"),
        P("staff-users", "/staff/users", "facilitator"),
        P("accept-invitation", "/staff/invite", "public"),
        P("reset-password", "/staff/reset", "public"),
    ]
    for p in maybe:
        async with httpx.AsyncClient(base_url=served.base_url, cookies=site.cookies[p.role], timeout=20) as web:
            r = await web.get(p.path)
            if r.status_code == 200 and r.headers.get("content-type", "").startswith("text/html"):
                site.pages.append(p)
    return site


async def fetch_all(site: Site) -> dict[str, str]:
    """Each page's HTML in each language, as its role receives it: `name.lang` -> HTML."""
    out: dict[str, str] = {}
    for role, pages in site.by_role().items():
        for lang in LANGS:
            async with httpx.AsyncClient(
                base_url=site.base_url, cookies=site.cookies[role] | {"lang": lang}, timeout=20
            ) as web:
                for p in pages:
                    r = await web.get(p.path)
                    assert r.status_code == 200, f"{p.name} ({p.path}) as {role}: {r.status_code}"
                    out[f"{p.name}.{lang}"] = r.text
    return out
