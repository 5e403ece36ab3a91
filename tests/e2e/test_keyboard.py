"""Keyboard-only use, on every page as its role sees it: Tab reaches every control a mouse could use, in a
visible order and with a focus ring of 2 px or more on each, and never gets stuck inside one part of the
page. (A radio group is one Tab stop; its options are chosen with the arrow keys, as browsers do.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.pages import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Every control on the page that a pointer could use, keyed so the walk below can tick them off.
CONTROLS = """() => {
  const sel = "a[href], button:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, " +
              "input:not([type=hidden]):not([disabled]), [tabindex]:not([tabindex='-1'])";
  const keys = new Set(), out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest("[hidden], [inert]") || !el.getClientRects().length) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    if (el.matches("details:not([open]) *:not(summary)")) continue;
    const key = el.type === "radio" && el.name ? "radio:" + el.form?.id + ":" + el.name : null;
    if (key && keys.has(key)) continue;
    if (key) keys.add(key);
    el.dataset.kbd = key || "c" + out.length;
    out.push(el.dataset.kbd);
  }
  return out;
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const ring = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
  const key = el.type === "radio" && el.name ? "radio:" + el.form?.id + ":" + el.name : el.dataset.kbd;
  const what = el.tagName.toLowerCase() + (el.type ? "[type=" + el.type + "]" : "") +
    (el.name ? "[name=" + el.name + "]" : "") + "." + String(el.className).trim().split(/\\s+/).join(".");
  return {key, ring, what: what + " (outline " + cs.outlineStyle + " " + cs.outlineWidth + ")"};
}"""

DESCRIBE = """keys => keys.map(k => {
  const el = document.querySelector(`[data-kbd='${k}']`);
  return el ? el.outerHTML.slice(0, 90) : k;
})"""


async def test_tab_reaches_every_control_of_every_page_with_a_visible_focus(site: Site, as_role: Any) -> None:
    problems: list[str] = []
    walked = 0
    for spec in site.pages:
        page = await as_role(spec.role, "th", viewport=spec.sizes()[0])
        await page.goto(spec.path)
        controls: list[str] = await page.evaluate(CONTROLS)
        reached: set[str] = set()
        # Twice round the page and a little more: a focus trap or a control out of the tab order shows as a
        # control never reached; a missing focus ring on any stop is reported by name.
        for _ in range(2 * len(controls) + 5):
            await page.keyboard.press("Tab")
            focused = await page.evaluate(FOCUSED)
            if focused is None:
                continue
            if focused["key"]:
                reached.add(focused["key"])
            if not focused["ring"]:
                problems.append(f"{spec.name}: no visible focus on {focused['what']}")
            if reached >= set(controls):
                break
        missed = [c for c in controls if c not in reached]
        if missed:
            names = await page.evaluate(DESCRIBE, missed[:3])
            problems.append(f"{spec.name}: {len(missed)} of {len(controls)} controls never reached by Tab: {names}")
        walked += len(controls)
        await page.context.close()
    assert walked > 100, "the walk found too few controls to mean anything"
    assert not problems, "\n".join(dict.fromkeys(problems))
