"""For elderly eyes and thumbs, on every phone page in both languages: body text of 18 px or more, touch
targets of 48 px or more, no sideways scrolling at 200% zoom, Thai lines tall enough for every mark, focus
that shows, and a larger-text setting that is remembered and applied before the first paint."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.pages import LANGS, PHONE, Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

NAME = """const name = el => el.tagName.toLowerCase() +
  (el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : "");"""
# Text a person reads: elements with their own visible text, not the screen-reader-only copies.
SMALL_TEXT = (
    "() => {"
    + NAME
    + """
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest(".sr-only, [hidden], script, style, .skip")) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === "hidden") continue;
    const px = parseFloat(cs.fontSize), lh = cs.lineHeight === "normal" ? 1.2 * px : parseFloat(cs.lineHeight);
    out.push({what: name(el), text: el.textContent.trim().slice(0, 40), px, ratio: lh / px});
  }
  return out;
}"""
)
# What a thumb presses. A checkbox or radio is pressed through its label, so the label is measured.
TARGETS = (
    "() => {"
    + NAME
    + """
  const sel = "button, .button, summary, select, textarea, .tools a, " +
              "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), label.check";
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest("[hidden], .sr-only")) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    out.push({what: name(el), text: (el.textContent || el.name || "").trim().slice(0, 30), w: r.width, h: r.height});
  }
  return out;
}"""
)
WIDE = """() => {
  const W = document.documentElement.clientWidth, extra = document.documentElement.scrollWidth - W;
  const culprits = [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > W + 1)
    .map(el => el.tagName.toLowerCase() + "#" + el.id + "." + String(el.className).trim().split(/\\s+/).join("."));
  return {extra, culprits: culprits.slice(0, 4)};
}"""


def phone_pages(site: Site) -> list[Any]:
    return [p for p in site.pages if p.screen == "phone"]


@pytest.mark.parametrize("lang", LANGS)
async def test_phone_pages_have_big_text_big_targets_and_no_sideways_scroll_at_200_percent(
    site: Site, as_role: Any, lang: str
) -> None:
    problems: list[str] = []
    for role in site.by_role():
        page = await as_role(role, lang)
        zoomed = await as_role(
            role, lang, viewport={"width": PHONE["width"] // 2, "height": PHONE["height"] // 2}, device_scale_factor=2
        )
        for p in phone_pages(site):
            if p.role != role:
                continue
            await page.goto(p.path)
            for t in await page.evaluate(SMALL_TEXT):
                if t["px"] < 17.9:
                    problems.append(f"{p.name}: {t['what']} '{t['text']}' is {t['px']:.1f}px")
                if lang == "th" and t["ratio"] < 1.59:  # 1.6 less rounding to whole pixels
                    problems.append(f"{p.name}: {t['what']} '{t['text']}' line height {t['ratio']:.2f} < 1.6")
            for t in await page.evaluate(TARGETS):
                if t["h"] < 47.5 or t["w"] < 47.5:
                    problems.append(f"{p.name}: target {t['what']} '{t['text']}' is {t['w']:.0f}x{t['h']:.0f}px")
            await zoomed.goto(p.path)
            wide = await zoomed.evaluate(WIDE)
            if wide["extra"] > 1:
                problems.append(f"{p.name}: scrolls {wide['extra']}px sideways at 200% zoom ({wide['culprits']})")
    assert not problems, "\n".join(dict.fromkeys(problems))


async def test_larger_text_is_remembered_and_applied_before_the_first_paint(site: Site, as_role: Any) -> None:
    page = await as_role("participant", "th")
    path = next(p.path for p in site.pages if p.name == "session")
    await page.goto(path)
    before = await page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    toggle = page.locator(".tools [data-text-size]")
    await expect_pressed(toggle, "false")
    await toggle.click()
    await expect_pressed(toggle, "true")
    # On the next page, the moment <body> exists (before anything is painted), <html> already has the class.
    await page.add_init_script("""new MutationObserver((_, obs) => {
        if (document.body) { window.__largeAtBody = document.documentElement.classList.contains("large-text");
                             obs.disconnect(); }
      }).observe(document, {childList: true, subtree: true});""")
    await page.reload()
    assert await page.evaluate("() => window.__largeAtBody") is True
    after = await page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert after >= before * 1.2
    await expect_pressed(page.locator(".tools [data-text-size]"), "true")
    await page.locator(".tools [data-text-size]").click()  # and back
    await page.reload()
    assert await page.evaluate("() => window.__largeAtBody") is False


async def expect_pressed(locator: Any, value: str) -> None:
    from playwright.async_api import expect

    await expect(locator).to_have_attribute("aria-pressed", value)


async def test_keyboard_focus_is_always_visible(site: Site, as_role: Any) -> None:
    page = await as_role("participant", "th")
    await page.goto(next(p.path for p in site.pages if p.name == "proposal"))
    seen = 0
    for _ in range(25):
        await page.keyboard.press("Tab")
        shown = await page.evaluate("""() => {
          const el = document.activeElement; if (!el || el === document.body) return null;
          const cs = getComputedStyle(el);
          const ok = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
          return {what: el.tagName + "." + el.className, ok};
        }""")
        if shown is None:
            continue
        seen += 1
        assert shown["ok"], f"no visible focus on {shown['what']}"
    assert seen >= 10
