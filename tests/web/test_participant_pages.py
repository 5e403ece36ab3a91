"""The participant's pages, driven like a phone browser: cookies, CSRF tokens from the forms, parsed HTML."""

from __future__ import annotations

from collections.abc import Callable

from bs4 import BeautifulSoup
from starlette.applications import Starlette

from deliberate.comments.models import Comment
from deliberate.proposals.models import Proposal
from deliberate.sessions.models import Participant, Session
from deliberate.supports.models import Support
from tests.conftest import Api, Browser, row_counts


async def test_join_page_is_thai_with_a_consent_form(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, province_code="83")
    phone = browser()
    r = await phone.get(f"/s/{s['code']}/join")
    assert r.status_code == 200
    page = phone.page(r)
    assert page.find("html")["lang"] == "th"
    form = page.find("form", attrs={"action": f"/s/{s['code']}/join"})
    assert form is not None and form["method"].lower() == "post"
    consent = form.find("input", attrs={"name": "consent"})
    assert (consent["type"], consent["value"]) == ("checkbox", "yes")
    assert not consent.has_attr("checked")
    assert form.find("input", attrs={"name": "display_name"}) is not None
    assert form.find("input", attrs={"name": "organization"}) is not None
    sectors = form.find_all("input", attrs={"name": "sector", "type": "radio"})  # big radio buttons, not a select
    assert [r["value"] for r in sectors if r.has_attr("checked")] == [""]  # "not saying" until one is picked
    assert "volunteer" in {r["value"] for r in sectors}
    subdistricts = form.find("select", attrs={"name": "subdistrict_code"})
    assert subdistricts.find("option", attrs={"value": "830101"}).get_text(strip=True) == "ตลาดใหญ่"
    token = form.find("input", attrs={"name": "csrf_token", "type": "hidden"})["value"]
    assert len(token) == 64 and token != r.cookies["dlb_csrf"]  # the cookie's nonce signed, never the nonce itself
    assert page.find(id="notice-title") is not None


async def test_join_requires_the_csrf_token(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    phone = browser()
    await phone.get(f"/s/{code}/join")
    token = phone.csrf()
    before = await row_counts()
    for data in (
        {"display_name": "ไม่มีโทเคน", "consent": "yes"},
        {"display_name": "โทเคนผิด", "consent": "yes", "csrf_token": "x" * 43},
    ):
        r = await phone.post(f"/s/{code}/join", data)
        assert r.status_code == 403
        assert phone.page(r).find("html")["lang"] == "th"
    stranger = browser()  # a form posted from elsewhere: right-looking token, but not this browser's cookie
    r = await stranger.post(f"/s/{code}/join", {"display_name": "ข้ามไซต์", "consent": "yes", "csrf_token": token})
    assert r.status_code == 403
    assert await row_counts() == before


async def test_join_with_csrf_and_consent_redirects_to_the_session(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator, province_code="83"))["code"]
    phone = browser()
    await phone.get(f"/s/{code}/join")
    r = await phone.post(
        f"/s/{code}/join",
        {
            "csrf_token": phone.csrf(),
            "display_name": "  สมศรี  ",
            "consent": "yes",
            "subdistrict_code": "830101",
            "sector": "volunteer",
            "organization": "อพม.ตำบลตลาดใหญ่",
        },
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/s/{code}"
    assert f"dlb_p_{code}" in r.cookies
    stored = await Participant.get(session__code=code)
    assert (stored.display_name, stored.subdistrict_code, stored.sector, stored.organization) == (
        "สมศรี",
        "830101",
        "volunteer",
        "อพม.ตำบลตลาดใหญ่",
    )
    page = phone.page(await phone.get(f"/s/{code}"))
    assert page.find(class_="who").get_text(" ", strip=True).endswith("สมศรี")
    again = await phone.get(f"/s/{code}/join")  # already joined: straight to the board
    assert again.status_code == 303


async def test_join_without_consent_keeps_what_was_typed(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    phone = browser()
    await phone.get(f"/s/{code}/join")
    before = await row_counts()
    r = await phone.post(
        f"/s/{code}/join", {"csrf_token": phone.csrf(), "display_name": "ลังเล", "organization": "กลุ่มแม่บ้าน"}
    )
    assert r.status_code == 422
    page = phone.page(r)
    assert page.find("input", attrs={"name": "display_name"})["value"] == "ลังเล"
    assert page.find("input", attrs={"name": "organization"})["value"] == "กลุ่มแม่บ้าน"
    assert page.find("input", attrs={"name": "consent"})["aria-invalid"] == "true"
    assert page.find(id="consent-error") is not None
    assert await row_counts() == before


async def test_join_page_when_closed_has_no_form(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator, phase="closed"))["code"]
    phone = browser()
    page = phone.page(await phone.get(f"/s/{code}/join"))
    assert page.find("input", attrs={"name": "consent"}) is None


async def test_session_page_groups_proposals_by_theme(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code, themes = s["code"], [t["id"] for t in s["themes"]]
    author = await api.join(code, "ผู้เสนอ")
    placed = {
        (await api.propose(author, code, themes[0], title="สนามเด็กเล่น"))["id"]: themes[0],
        (await api.propose(author, code, themes[0], title="ทุนการศึกษา"))["id"]: themes[0],
        (await api.propose(author, code, themes[1], title="ชมรมผู้สูงอายุ"))["id"]: themes[1],
    }
    hidden = (await api.propose(author, code, themes[2], title="ข้อความที่ถูกซ่อน"))["id"]
    assert (await api.moderate(facilitator, hidden, action="hide", reason="ไม่เหมาะสม")).status_code == 200

    phone = browser()
    await phone.join(code)
    r = await phone.get(f"/s/{code}")
    assert r.status_code == 200
    page = phone.page(r)
    assert page.find("html")["lang"] == "th"
    sections = {
        int(sec["id"].removeprefix("theme-")): sec
        for sec in page.find_all("section", id=True)
        if sec["id"].startswith("theme-")
    }
    assert list(sections) == themes
    for pid, theme in placed.items():
        card = page.find(id=f"proposal-{pid}")
        assert card is not None
        assert card.find_parent("section", id=f"theme-{theme}") is not None
        assert card.find(id=f"proposal-{pid}-supports").get_text(strip=True) == "0"
    assert [h.get_text(strip=True) for h in sections[themes[0]].find_all(class_="proposal-title")] == [
        "สนามเด็กเล่น",
        "ทุนการศึกษา",
    ]
    assert page.find(id=f"proposal-{hidden}") is None
    assert sections[themes[2]].find(class_="proposal") is None
    assert page.find(id="count-proposals").get_text(strip=True) == "3"


async def test_own_pending_proposal_is_shown_apart(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas", premoderation=True)
    phone, other = browser(), browser()
    await phone.join(s["code"], "ผู้เสนอ")
    await other.join(s["code"], "คนอื่น")
    await phone.get(f"/s/{s['code']}")
    r = await phone.post(
        f"/s/{s['code']}/proposals",
        {"csrf_token": phone.csrf(), "title": "รอการตรวจ", "theme_id": str(s["themes"][0]["id"])},
    )
    assert r.status_code == 303
    pid = (await Proposal.get(session__code=s["code"])).id
    page = phone.page(await phone.get(f"/s/{s['code']}"))
    card = page.find(id=f"proposal-{pid}")
    assert card is not None and card.find_parent(id="my-pending") is not None
    assert card.find_parent("section", id=f"theme-{s['themes'][0]['id']}") is None
    assert phone.page(await other.get(f"/s/{s['code']}")).find(id=f"proposal-{pid}") is None


async def test_session_page_sends_strangers_to_join(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    r = await browser().get(f"/s/{code}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/s/{code}/join"


async def test_propose_with_the_form(api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    phone = browser()
    await phone.join(s["code"])
    page = phone.page(await phone.get(f"/s/{s['code']}"))
    form = page.find("form", attrs={"action": f"/s/{s['code']}/proposals"})
    assert [o["value"] for o in form.find("select", attrs={"name": "theme_id"}).find_all("option")] == [
        str(t["id"]) for t in s["themes"]
    ]
    theme = s["themes"][1]["id"]
    r = await phone.post(
        f"/s/{s['code']}/proposals",
        {
            "csrf_token": phone.csrf(page),
            "title": "กองทุนสวัสดิการชุมชน",
            "body": "ออมวันละบาท",
            "theme_id": str(theme),
            "target_groups": ["elderly", "women"],
        },
    )
    assert r.status_code == 303
    proposal = await Proposal.get(session__code=s["code"])
    # back to a fresh form with the thank-you by its button (no personal data in the address)
    assert r.headers["location"].endswith(f"/s/{s['code']}?sent=propose#propose")
    assert (proposal.title, proposal.theme_id, proposal.target_groups) == (  # type: ignore[attr-defined]
        "กองทุนสวัสดิการชุมชน",
        theme,
        ["elderly", "women"],
    )
    board = phone.page(await phone.get(r.headers["location"]))
    assert board.find(id=f"proposal-{proposal.id}").find_parent("section", id=f"theme-{theme}") is not None
    sent = board.find("form", attrs={"action": f"/s/{s['code']}/proposals"}).find(id="propose-sent")
    assert sent["role"] == "status" and sent.get_text(strip=True).startswith("ส่งแล้ว")
    assert board.find(id="title").get("value", "") == ""
    plain = phone.page(await phone.get(f"/s/{s['code']}"))
    assert plain.find(id="propose-sent").get_text(strip=True) == ""


async def test_propose_with_htmx_answers_the_form_fragment(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    phone = browser()
    await phone.join(s["code"])
    await phone.get(f"/s/{s['code']}")
    headers = {"hx-request": "true", "x-csrf-token": phone.csrf()}
    too_long = await phone.post(
        f"/s/{s['code']}/proposals", {"title": "ก" * 141, "theme_id": str(s["themes"][0]["id"])}, headers=headers
    )
    assert too_long.status_code == 422
    fragment = phone.page(too_long)
    assert fragment.find("html") is None
    assert fragment.find(id="title")["aria-invalid"] == "true"
    assert await Proposal.filter(session__code=s["code"]).count() == 0
    ok = await phone.post(
        f"/s/{s['code']}/proposals", {"title": "ห้องน้ำสาธารณะ", "theme_id": str(s["themes"][0]["id"])}, headers=headers
    )
    assert ok.status_code == 200
    fragment = phone.page(ok)
    assert fragment.find("section", id="propose").find(attrs={"role": "status"}) is not None
    assert await Proposal.filter(session__code=s["code"]).count() == 1


async def test_forms_refuse_the_wrong_phase(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    phone = browser()
    await phone.join(s["code"])
    page = phone.page(await phone.get(f"/s/{s['code']}"))
    await api.set_phase(facilitator, s["code"], "voting")
    before = await row_counts()
    r = await phone.post(
        f"/s/{s['code']}/proposals",
        {"csrf_token": phone.csrf(page), "title": "ช้าไปแล้ว", "theme_id": str(s["themes"][0]["id"])},
    )
    assert r.status_code == 403
    assert await row_counts() == before
    board = phone.page(await phone.get(f"/s/{s['code']}"))
    assert board.find("form", attrs={"action": f"/s/{s['code']}/proposals"}) is None


async def test_support_and_comment_with_the_forms(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"], "ผู้เสนอ")
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"], title="ศูนย์เด็กเล็ก"))["id"]
    await api.set_phase(facilitator, s["code"], "voting")
    phone = browser()
    await phone.join(s["code"], "ผู้สนับสนุน")

    page = phone.page(await phone.get(f"/s/{s['code']}/p/{pid}"))
    support_form = page.find("form", attrs={"action": f"/s/{s['code']}/p/{pid}/support"})
    assert support_form.find("button")["aria-pressed"] == "false"
    r = await phone.post(f"/s/{s['code']}/p/{pid}/support", {"csrf_token": phone.csrf(page)})
    assert r.status_code == 303
    assert await Support.filter(proposal_id=pid).count() == 1

    page = phone.page(await phone.get(f"/s/{s['code']}/p/{pid}"))
    assert page.find(id=f"proposal-{pid}-supports").get_text(strip=True) == "1"
    assert page.find(id=f"proposal-{pid}-action").find("button")["aria-pressed"] == "true"

    comment_form = page.find("form", class_="comment-form")
    assert {i["value"] for i in comment_form.find_all("input", attrs={"name": "stance"})} == {"for", "against", "note"}
    r = await phone.post(
        f"/s/{s['code']}/p/{pid}/comments",
        {"csrf_token": phone.csrf(page), "stance": "against", "body": "ควรหาที่ตั้งใกล้โรงเรียน"},
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/s/{s['code']}/p/{pid}?sent=comments#comments"
    page = phone.page(await phone.get(r.headers["location"]))
    comment_form = page.find("form", class_="comment-form")
    assert comment_form.find(id="comments-sent").get_text(strip=True) == "ส่งแล้ว"  # by the button, fresh form
    assert comment_form.find("textarea").get_text() == ""
    comment = await Comment.get(proposal_id=pid)
    shown = page.find(id=f"comment-{comment.id}")
    assert "stance-against" in shown["class"]
    assert "ควรหาที่ตั้งใกล้โรงเรียน" in shown.get_text()

    before = await row_counts()
    r = await phone.post(
        f"/s/{s['code']}/p/{pid}/comments", {"csrf_token": phone.csrf(page), "stance": "for", "body": ""}
    )
    assert r.status_code == 422
    assert phone.page(r).find(id="body-error") is not None
    assert await row_counts() == before

    r = await phone.post(
        f"/s/{s['code']}/p/{pid}/support",
        {"csrf_token": phone.csrf(page), "withdraw": "1"},
        headers={"hx-request": "true"},
    )
    assert r.status_code == 200
    assert phone.page(r).find(id=f"proposal-{pid}-action").find("button")["aria-pressed"] == "false"
    assert await Support.filter(proposal_id=pid).count() == 0


async def test_home_finds_a_session_by_code(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    phone = browser()
    page = phone.page(await phone.get("/"))
    assert page.find("html")["lang"] == "th"
    assert page.find("input", attrs={"name": "code"}) is not None
    r = await phone.get("/", params={"code": f" {code[:3].lower()} {code[3:]} "})
    assert r.status_code == 303
    assert r.headers["location"] == f"/s/{code}/join"
    missing = await phone.get("/", params={"code": "XXXXXX"})
    assert missing.status_code == 404
    assert phone.page(missing).find(id="code")["aria-invalid"] == "true"


async def test_unknown_pages_are_thai_error_pages(browser: Callable[[], Browser]) -> None:
    phone = browser()
    for url in ("/s/XXXXXX/join", "/s/XXXXXX", "/no/such/page"):
        r = await phone.get(url)
        assert r.status_code == 404
        assert phone.page(r).find("html")["lang"] == "th"


async def test_language_can_be_switched_to_english(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    phone = browser()
    page = phone.page(await phone.get(f"/s/{code}/join", params={"lang": "en"}))
    assert page.find("html")["lang"] == "en"


async def test_pages_carry_security_headers(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    r = await browser().get(f"/s/{code}/join")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("dlb_csrf="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


async def test_qr_code_is_an_svg(api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]) -> None:
    code = (await api.new_session(facilitator))["code"]
    r = await browser().get(f"/s/{code}/qr.svg")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert BeautifulSoup(r.text, "html.parser").find("svg") is not None


async def test_people_from_any_province_can_name_their_subdistrict(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator)  # no province: every province must still be reachable
    phone = browser()
    page = phone.page(await phone.get(f"/s/{s['code']}/join"))
    provinces = page.find("select", attrs={"name": "province"}).find_all("option")
    assert len(provinces) == 78  # "not saying" and Thailand's 77 provinces
    assert not page.find("details", class_="more-about-you").has_attr("open")  # optional: closed until wanted
    # Without JavaScript the form asks for the province's sub-districts with a GET that keeps what was typed.
    r = await phone.get(f"/s/{s['code']}/join", params={"display_name": "ป้าแดง", "province": "50"})
    page = phone.page(r)
    assert page.find("input", attrs={"name": "display_name"})["value"] == "ป้าแดง"
    assert page.find("details", class_="more-about-you").has_attr("open")  # the picker stays in sight
    options = {
        o["value"]: o.get_text(strip=True)
        for o in page.find("select", attrs={"name": "subdistrict_code"}).find_all("option")
    }
    assert options["500101"] == "ศรีภูมิ"
    assert all(code == "" or code.startswith("50") for code in options)
    # With htmx the select alone is swapped in.
    fragment = phone.page(await phone.get("/geo/subdistricts", params={"province": "83"}))
    assert fragment.find("option", attrs={"value": "830101"}) is not None
    empty = phone.page(await phone.get("/geo/subdistricts", params={"province": "<script>"}))
    assert [o["value"] for o in empty.find_all("option")] == [""]
    csrf = phone.csrf(page)
    r = await phone.post(
        f"/s/{s['code']}/join",
        {"csrf_token": csrf, "display_name": "ป้าแดง", "consent": "yes", "province": "50", "subdistrict_code": "500101"},
    )
    assert r.status_code == 303
    stored = await Participant.filter(session_id=s["id"]).first()
    assert stored is not None and stored.subdistrict_code == "500101"


async def test_a_board_shared_between_phones_is_still_each_phones_own(
    app: Starlette, api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    """While a live channel is open, phones share the published part of the board (web/views/participant.py);
    each still sees what it backs and wrote, its pending proposals alone, and a change at once."""
    s = await api.new_session(facilitator, phase="ideas", premoderation=True)
    code, theme = s["code"], s["themes"][0]["id"]
    channel = await app.state.hub.channel((await Session.get(code=code)).id)  # as when phones are connected
    author = await api.join(code, "ผู้เสนอ")
    first = (await api.propose(author, code, theme, title="ศูนย์เด็กเล็ก"))["id"]
    second = (await api.propose(author, code, theme, title="ถนนสว่าง"))["id"]
    for pid in (first, second):
        assert (await api.moderate(facilitator, pid, action="approve")).status_code == 200
    await api.set_phase(facilitator, code, "voting")
    backer, other = browser(), browser()
    await backer.join(code, "ผู้สนับสนุน")
    await other.join(code, "คนอื่น")

    def pressed(page: BeautifulSoup, pid: int) -> str:
        return page.find(id=f"proposal-{pid}-action").find("button")["aria-pressed"]

    page = backer.page(await backer.get(f"/s/{code}/p/{first}"))
    assert (await backer.post(f"/s/{code}/p/{first}/support", {"csrf_token": backer.csrf(page)})).status_code == 303
    board = {"part": "board"}
    mine = backer.page(await backer.get(f"/s/{code}", params=board, headers={"hx-request": "true"}))
    theirs = other.page(await other.get(f"/s/{code}", params=board, headers={"hx-request": "true"}))
    assert channel.shared["board"][0] == channel.seq  # the second phone's board was the shared one
    hall = channel.shared["board.html.th"]  # and drawn once for both, to keep while only counts change
    assert hall[0] == channel.shape_seq
    assert pressed(mine, first) == "true" and pressed(mine, second) == "false"
    assert pressed(theirs, first) == "false" and pressed(theirs, second) == "false"
    assert theirs.find(id=f"proposal-{first}-supports").get_text(strip=True) == "1"
    # each phone's forms carry its own token (the shared drawing holds a stand-in, never sent)
    tokens = [{i["value"] for i in board.find_all("input", attrs={"name": "csrf_token"})} for board in (mine, theirs)]
    assert all(len(t) == 1 and len(next(iter(t))) == 64 for t in tokens) and tokens[0] != tokens[1]
    # the button a backer sees is the one its own page draws: same form, same words
    own = backer.page(await backer.get(f"/s/{code}"))
    assert mine.find(id=f"proposal-{first}-action") == own.find(id=f"proposal-{first}-action")
    assert theirs.find(id=f"proposal-{first}-action") != own.find(id=f"proposal-{first}-action")

    # the other phone backs the second: both boards show its count straight away, each its own button
    page = other.page(await other.get(f"/s/{code}/p/{second}"))
    assert (await other.post(f"/s/{code}/p/{second}/support", {"csrf_token": other.csrf(page)})).status_code == 303
    mine = backer.page(await backer.get(f"/s/{code}", params=board, headers={"hx-request": "true"}))
    theirs = other.page(await other.get(f"/s/{code}", params=board, headers={"hx-request": "true"}))
    assert mine.find(id=f"proposal-{second}-supports").get_text(strip=True) == "1"
    assert pressed(mine, second) == "false" and pressed(theirs, second) == "true"
    assert channel.shared["board.html.th"] is hall  # a support changes numbers only: not drawn again

    # a proposal waiting for moderation is on its author's board only
    await api.set_phase(facilitator, code, "ideas")
    page = other.page(await other.get(f"/s/{code}"))
    r = await other.post(
        f"/s/{code}/proposals", {"csrf_token": other.csrf(page), "title": "รอการตรวจ", "theme_id": str(theme)}
    )
    assert r.status_code == 303
    waiting = (await Proposal.get(session__code=code, title="รอการตรวจ")).id
    assert other.page(await other.get(f"/s/{code}")).find(id=f"proposal-{waiting}").find_parent(id="my-pending")
    part = other.page(await other.get(f"/s/{code}", params=board, headers={"hx-request": "true"}))
    assert part.find(id=f"proposal-{waiting}").find_parent(id="my-pending")  # drawn for its author alone
    assert backer.page(await backer.get(f"/s/{code}")).find(id=f"proposal-{waiting}") is None
