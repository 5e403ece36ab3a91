"""axe-core on every page, in Thai and English, as the role that uses it: no WCAG 2.1 A or AA violation.

axe is run with `page.evaluate(source)`: the app's Content-Security-Policy allows no inline script, and
`add_script_tag` would add one, while evaluating through the DevTools protocol is not subject to the page's
policy. So the page is audited under its real policy, exactly as served.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.pages import AXE, LANGS, PHONE, Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def readable(name: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{name}: [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:4]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {' '.join(node['target'])}  {node['html'][:140]}  → {summary[:300]}")
        if len(v["nodes"]) > 4:
            lines.append(f"    … and {len(v['nodes']) - 4} more")
    return lines


@pytest.mark.parametrize("lang", LANGS)
async def test_every_page_has_no_wcag_a_or_aa_violation(site: Site, as_role: Any, lang: str) -> None:
    axe = AXE.read_text()
    problems: list[str] = []
    audited = 0
    for role, pages in site.by_role().items():
        page = await as_role(role, lang)
        for p in pages:
            for size in p.sizes():
                await page.set_viewport_size(size)  # type: ignore[arg-type]
                response = await page.goto(p.path, wait_until="load")
                assert response is not None and response.status == 200, f"{p.name}: {response and response.status}"
                await page.evaluate(axe)
                result = await page.evaluate(RUN, TAGS)
                problems += readable(f"{p.name} ({lang}, {role}, {size['width']}px)", result["violations"])
                audited += 1
    assert audited == len(site.pages)
    assert not problems, "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(problems)


async def test_live_updates_are_announced_politely_and_leave_focus_alone(chromium: Browser, site: Site) -> None:
    import httpx

    from tests.e2e.conftest import COUNT_SOCKETS

    async with httpx.AsyncClient(base_url=site.base_url, timeout=20) as http:
        made = await http.post(
            "/api/v1/sessions", json={"title": "เวทีทดสอบประกาศ", "themes": ["ผู้สูงอายุ"]}, headers=site.facilitator
        )
        code = made.json()["code"]
        await http.post(f"/api/v1/sessions/{code}/phase", json={"phase": "ideas"}, headers=site.facilitator)
        theme = (await http.get(f"/api/v1/sessions/{code}")).json()["themes"][0]["id"]
        me = (
            await http.post(f"/api/v1/sessions/{code}/participants", json={"display_name": "ป้าแดง", "consent": True})
        ).json()["token"]
        other = (
            await http.post(f"/api/v1/sessions/{code}/participants", json={"display_name": "ลุงเพิ่ม", "consent": True})
        ).json()["token"]
        context = await chromium.new_context(base_url=site.base_url, viewport=PHONE)
        try:
            await context.add_cookies([{"name": f"dlb_p_{code}", "value": me, "url": site.base_url}])
            await context.add_init_script(COUNT_SOCKETS)
            page = await context.new_page()
            await page.goto(f"/s/{code}")
            region = page.locator("#live-announce")
            assert await region.get_attribute("aria-live") == "polite"
            assert await region.get_attribute("role") == "status"
            await page.wait_for_function("() => (window.__liveOpened || 0) >= 1", timeout=15_000)
            await page.locator("#title").focus()
            await page.keyboard.type("ตลาด")
            r = await http.post(
                f"/api/v1/sessions/{code}/proposals",
                headers={"authorization": f"Bearer {other}"},
                json={"title": "ธนาคารเวลาผู้สูงอายุ", "body": "", "theme_id": theme},
            )
            assert r.status_code == 201, r.text
            await expect(region).to_have_text("ข้อเสนอใหม่: ธนาคารเวลาผู้สูงอายุ", timeout=10_000)
            assert await page.evaluate("() => document.activeElement.id") == "title"
            assert await page.locator("#title").input_value() == "ตลาด"
        finally:
            await context.close()
