"""The staff side in a browser: sign-in, assemblies and sessions, the console and the projector."""

from __future__ import annotations

import json
from collections.abc import Callable

from deliberate.accounts.services import create_staff_user
from deliberate.audit.models import AuditEntry
from deliberate.comments.models import Comment
from deliberate.moderation.services import COMMENTS_PAGE
from deliberate.proposals.models import Proposal
from deliberate.sessions.models import Assembly, Session
from deliberate.staffrecord.models import StaffAction
from tests.conftest import PASSWORD, Api, Browser, on_team, row_counts, unique_email


async def staff_browser(
    browser: Callable[[], Browser],
    role: str = "facilitator",
    *,
    api: Api | None = None,
    of: dict[str, str] | None = None,
    code: str | None = None,
) -> Browser:
    """A staff member signed in on their own browser: the account behind `of`'s API headers (who made the
    test's sessions, and so owns them), or a new account with `role`, added to the team of session `code`'s
    assembly when given (staff stay in their assembly)."""
    if api is not None and of is not None:
        email = api.emails[of["authorization"]]
    else:
        email = unique_email(role)
        await create_staff_user(email, role, PASSWORD)
        if code is not None:
            await on_team(email, code, "official" if role == "official" else "facilitator")
    desk = browser()
    await desk.sign_in(email)
    return desk


async def test_sign_in_needs_csrf_and_the_right_password(browser: Callable[[], Browser]) -> None:
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    desk = browser()
    page = desk.page(await desk.get("/staff/login"))
    assert page.find("html")["lang"] == "th"
    assert page.find("input", attrs={"name": "password", "type": "password"}) is not None

    no_csrf = await desk.post("/staff/login", {"email": email, "password": PASSWORD})
    assert no_csrf.status_code == 403
    assert "dlb_staff" not in no_csrf.cookies
    wrong = await desk.post("/staff/login", {"csrf_token": desk.csrf(page), "email": email, "password": "nope"})
    assert wrong.status_code == 401
    assert desk.page(wrong).find("input", attrs={"name": "email"})["value"] == email
    assert "dlb_staff" not in wrong.cookies

    ok = await desk.post(
        "/staff/login?next=/staff/assemblies/1", {"csrf_token": desk.csrf(page), "email": email, "password": PASSWORD}
    )
    assert ok.status_code == 303
    assert ok.headers["location"] == "/staff/assemblies/1"
    assert "dlb_staff" in ok.cookies
    assert (await desk.get("/staff")).status_code == 200

    elsewhere = browser()
    await elsewhere.get("/staff/login")
    r = await elsewhere.post(
        "/staff/login?next=//evil.example/", {"csrf_token": elsewhere.csrf(), "email": email, "password": PASSWORD}
    )
    assert r.headers["location"] == "/staff"


async def test_sign_out_ends_the_staff_login(browser: Callable[[], Browser]) -> None:
    desk = await staff_browser(browser)
    page = desk.page(await desk.get("/staff"))
    r = await desk.post("/staff/logout", {"csrf_token": desk.csrf(page)})
    assert r.status_code == 303
    assert (await desk.get("/staff")).status_code == 303


async def test_staff_pages_send_strangers_to_sign_in(browser: Callable[[], Browser]) -> None:
    r = await browser().get("/staff")
    assert r.status_code == 303
    assert r.headers["location"] == "/staff/login?next=/staff"


async def test_create_an_assembly_and_a_session_with_the_forms(browser: Callable[[], Browser]) -> None:
    desk = await staff_browser(browser)
    page = desk.page(await desk.get("/staff"))
    r = await desk.post(
        "/staff",
        {
            "csrf_token": desk.csrf(page),
            "title": "สมัชชาพัฒนาสังคมจังหวัดภูเก็ต",
            "province_code": "83",
            "starts_on": "2026-11-22",
            "themes": "เด็กและเยาวชน\r\nผู้สูงอายุ\r\n\r\nคนพิการ\r\n",
        },
    )
    assert r.status_code == 303
    assembly = await Assembly.filter(title="สมัชชาพัฒนาสังคมจังหวัดภูเก็ต").order_by("-id").first()
    assert assembly is not None and r.headers["location"].endswith(f"/staff/assemblies/{assembly.id}")
    assert [t.name for t in await assembly.themes.all()] == ["เด็กและเยาวชน", "ผู้สูงอายุ", "คนพิการ"]

    page = desk.page(await desk.get(f"/staff/assemblies/{assembly.id}"))
    r = await desk.post(
        f"/staff/assemblies/{assembly.id}", {"csrf_token": desk.csrf(page), "title": "ห้องย่อย 1", "premoderation": "on"}
    )
    assert r.status_code == 303
    session = await Session.get(assembly_id=assembly.id)
    assert session.premoderation is True
    assert r.headers["location"].endswith(f"/staff/s/{session.code}")
    console = desk.page(await desk.get(f"/staff/s/{session.code}"))
    assert session.code in console.find("h1").get_text()


async def test_bad_assembly_form_keeps_the_values_and_writes_nothing(browser: Callable[[], Browser]) -> None:
    desk = await staff_browser(browser)
    page = desk.page(await desk.get("/staff"))
    before = await row_counts()
    r = await desk.post("/staff", {"csrf_token": desk.csrf(page), "title": "ยังไม่มีประเด็น", "themes": " \n "})
    assert r.status_code == 422
    assert desk.page(r).find("input", attrs={"name": "title"})["value"] == "ยังไม่มีประเด็น"
    assert await row_counts() == before


async def test_console_changes_phase_and_moderates(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, premoderation=True)
    code = s["code"]
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    r = await desk.post(f"/staff/s/{code}/phase", {"csrf_token": desk.csrf(page), "phase": "ideas"})
    assert r.status_code == 303
    assert (await Session.get(code=code)).phase == "ideas"

    author = await api.join(code, "ผู้เสนอ")
    pending = (await api.propose(author, code, s["themes"][0]["id"], title="ห้องสมุดชุมชน"))["id"]
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    row = page.find(id=f"row-{pending}")
    assert row is not None and "status-pending" in row["class"]
    approve = row.find("button", attrs={"name": "do", "value": "approve"})
    assert approve is not None
    r = await desk.post(
        f"/staff/s/{code}/moderate", {"csrf_token": desk.csrf(page), "proposal_id": str(pending), "do": "approve"}
    )
    assert r.status_code == 303
    assert (await Proposal.get(id=pending)).status == "published"

    before = await row_counts()
    r = await desk.post(
        f"/staff/s/{code}/moderate",
        {"csrf_token": desk.csrf(page), "proposal_id": str(pending), "do": "hide", "reason": ""},
    )
    assert r.status_code == 422
    assert await row_counts() == before
    r = await desk.post(
        f"/staff/s/{code}/moderate",
        {"csrf_token": desk.csrf(page), "proposal_id": str(pending), "do": "hide", "reason": "นอกประเด็น"},
    )
    assert r.status_code == 303
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    assert "status-hidden" in page.find(id=f"row-{pending}")["class"]
    assert await StaffAction.filter(proposal_id=pending).count() == 2
    record = [li.get_text(" ", strip=True) for li in page.find("ul", class_="history").find_all("li")]
    assert any("ซ่อนแล้ว" in line and "นอกประเด็น" in line for line in record), record
    assert any("อนุมัติแล้ว" in line for line in record) and not any(" approve" in line for line in record)


async def test_console_tabs_are_pages_and_a_form_comes_back_to_its_tab(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, phase="ideas", premoderation=True)
    code = s["code"]
    author = await api.join(code, "ผู้เสนอ")
    pending = (await api.propose(author, code, s["themes"][0]["id"], title="ห้องสมุดชุมชน"))["id"]
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    assert page.find(id="console-tabs")["data-tab"] == "phase"
    assert page.find(id="tab-phase")["aria-current"] == "page"
    assert page.find(id="queue-count").get_text(strip=True) == "1"
    assert page.find(id="tab-queue")["href"] == "?tab=queue"
    page = desk.page(await desk.get(f"/staff/s/{code}?tab=queue"))
    assert page.find(id="console-tabs")["data-tab"] == "queue"
    assert page.find(id="tab-queue")["aria-current"] == "page" and not page.find(id="tab-phase").has_attr(
        "aria-current"
    )
    row = page.find(id=f"row-{pending}")
    assert row.find_parent(attrs={"data-panel": True})["data-panel"] == "queue"
    assert row.find("input", attrs={"name": "tab"})["value"] == "queue"

    form = {"csrf_token": desk.csrf(page), "proposal_id": str(pending), "do": "approve"}
    r = await desk.post(f"/staff/s/{code}/moderate", form | {"tab": "queue"})
    assert (r.status_code, r.headers["location"]) == (303, f"/staff/s/{code}?tab=queue")
    r = await desk.post(f"/staff/s/{code}/timer", {"csrf_token": desk.csrf(page), "minutes": "5", "tab": "elsewhere"})
    assert (r.status_code, r.headers["location"]) == (303, f"/staff/s/{code}")
    page = desk.page(await desk.get(f"/staff/s/{code}?tab=nonsense"))
    assert page.find(id="console-tabs")["data-tab"] == "phase"
    assert page.find(id="queue-count").get_text(strip=True) == "0"


async def test_console_actions_need_csrf_and_a_facilitator(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    desk = await staff_browser(browser, api=api, of=facilitator)
    official = await staff_browser(browser, "official")
    before = await row_counts()
    r = await desk.post(f"/staff/s/{code}/phase", {"phase": "voting"})
    assert r.status_code == 403
    assert (await official.get(f"/staff/s/{code}")).status_code == 403
    page = official.page(await official.get("/staff"))
    r = await official.post(f"/staff/s/{code}/phase", {"csrf_token": official.csrf(page), "phase": "voting"})
    assert r.status_code == 403
    assert (await Session.get(code=code)).phase == "lobby"
    assert await row_counts() == before


async def test_projector_shows_code_and_leaders(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"])
    pid = (await api.propose(author, s["code"], s["themes"][1]["id"], title="ธนาคารเวลา"))["id"]
    screen = browser()
    page = screen.page(await screen.get(f"/s/{s['code']}/screen"))
    assert page.find("html")["lang"] == "th"
    assert page.select_one(".bar-join .code").get_text(strip=True) == s["code"]  # on every view, in the strip
    assert page.find("img", attrs={"src": f"/s/{s['code']}/qr.svg"}) is not None
    assert page.find(id="leaders").find(id=f"leader-{pid}-supports").get_text(strip=True) == "0"
    # The join slide: the QR large, the code, and how to join in Thai.
    join = screen.page(await screen.get(f"/s/{s['code']}/screen?show=join"))
    assert join.find("main")["data-view"] == "join"
    assert join.find(class_="join-code-big").get_text(strip=True) == s["code"]
    assert join.select_one(".join-slide img")["width"] == "560"
    assert (
        "สแกน" in join.find(class_="join-steps").get_text() or "คิวอาร์โค้ด" in join.find(class_="join-steps").get_text()
    )


async def test_a_refused_console_act_shows_the_refusal_not_the_console(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    official = await staff_browser(browser, "official")
    csrf = official.csrf(official.page(await official.get("/staff")))
    r = await official.post(f"/staff/s/{code}/timer", {"csrf_token": csrf, "minutes": "5"})
    assert r.status_code == 403
    assert official.page(r).find("form", attrs={"action": f"/staff/s/{code}/phase"}) is None
    stranger = browser()
    r = await stranger.post(f"/staff/s/{code}/timer", {"minutes": "5"})
    assert (r.status_code, r.headers["location"]) == (303, f"/staff/login?next=/staff/s/{code}/timer")


async def test_console_lists_comments_and_hides_and_restores_one(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, phase="ideas")
    code = s["code"]
    author = await api.join(code, "ผู้เสนอ")
    pid = (await api.propose(author, code, s["themes"][0]["id"], title="ห้องสมุดชุมชน"))["id"]
    first = (await api.comment(author, pid, "ความเห็นแรกที่สุภาพ"))["id"]
    rude = (await api.comment(author, pid, "ความเห็นที่หยาบคาย", stance="against"))["id"]
    page = desk.page(await desk.get(f"/staff/s/{code}?tab=queue"))
    listed = page.find(id="console-comments")
    assert listed.find_parent(attrs={"data-panel": True})["data-panel"] == "queue"
    items = listed.find_all("li", class_="mod-comment")
    assert [li["id"] for li in items] == [f"console-comment-{rude}", f"console-comment-{first}"]  # newest first
    assert "ห้องสมุดชุมชน" in items[0].get_text() and "ความเห็นที่หยาบคาย" in items[0].get_text()
    form = items[0].find("form")
    assert form.find("input", attrs={"name": "csrf_token"}) and form.find("select", attrs={"name": "reason_choice"})

    # No reason at all: refused with the message, nothing written.
    before = await row_counts()
    base = {"csrf_token": desk.csrf(page), "comment_id": str(rude), "tab": "queue"}
    r = await desk.post(f"/staff/s/{code}/hide-comment", base | {"reason_choice": "", "reason": " "})
    assert r.status_code == 422
    assert desk.page(r).find(class_="form-error") is not None
    assert await row_counts() == before
    # Without the CSRF token: refused.
    r = await desk.post(f"/staff/s/{code}/hide-comment", {"comment_id": str(rude), "reason_choice": "นอกประเด็น"})
    assert r.status_code == 403
    assert not (await Comment.get(id=rude)).hidden

    # A reason from the list; the written one wins when both are given.
    r = await desk.post(f"/staff/s/{code}/hide-comment", base | {"reason_choice": "นอกประเด็น", "reason": ""})
    assert (r.status_code, r.headers["location"]) == (303, f"/staff/s/{code}?tab=queue")
    hidden = await Comment.get(id=rude)
    assert hidden.hidden and hidden.hidden_reason == "นอกประเด็น"
    act = await StaffAction.get(comment_id=rude, action="hide_comment")
    assert act.reason == "นอกประเด็น"
    audit = await AuditEntry.filter(kind="staff.hide_comment").order_by("-id").first()
    assert audit is not None and json.loads(audit.payload)["comment"] == rude

    # Gone from the proposal page and its re-fetched list; listed as hidden on the console with its reason.
    phone = browser()
    await phone.join(code)
    shown = phone.page(await phone.get(f"/s/{code}/p/{pid}"))
    assert shown.find(id=f"comment-{rude}") is None and shown.find(id=f"comment-{first}") is not None
    part = phone.page(await phone.get(f"/s/{code}/p/{pid}?part=comments"))
    assert part.find(id=f"comment-{rude}") is None and "ความเห็นที่หยาบคาย" not in part.get_text()
    page = desk.page(await desk.get(f"/staff/s/{code}?tab=queue"))
    assert page.find(id=f"console-comment-{rude}") is None
    row = page.find(id=f"console-hidden-comment-{rude}")
    assert row is not None and "นอกประเด็น" in row.get_text()

    r = await desk.post(f"/staff/s/{code}/restore-comment", {"csrf_token": desk.csrf(page), "comment_id": str(rude)})
    assert r.status_code == 303
    assert not (await Comment.get(id=rude)).hidden
    assert await StaffAction.filter(comment_id=rude, action="restore_comment").exists()
    assert await AuditEntry.filter(kind="staff.restore_comment").exists()
    shown = phone.page(await phone.get(f"/s/{code}/p/{pid}"))
    assert shown.find(id=f"comment-{rude}") is not None
    # Restoring a shown comment is refused; a comment of another session is not this console's to touch.
    r = await desk.post(f"/staff/s/{code}/restore-comment", {"csrf_token": desk.csrf(page), "comment_id": str(rude)})
    assert r.status_code == 409
    other = (await api.new_session(facilitator, phase="ideas"))["code"]
    r = await desk.post(
        f"/staff/s/{other}/hide-comment", {"csrf_token": desk.csrf(page), "comment_id": str(first), "reason": "ทดสอบ"}
    )
    assert r.status_code == 404
    assert not (await Comment.get(id=first)).hidden


async def test_console_pages_back_through_many_comments(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, phase="ideas")
    code = s["code"]
    authors = [await api.join(code, f"ผู้เขียน {n}") for n in range(5)]  # a phone's own rate limit stays clear
    pid = (await api.propose(authors[0], code, s["themes"][0]["id"], title="ถนนปลอดภัย"))["id"]
    ids = [(await api.comment(authors[n % 5], pid, f"ความเห็นที่ {n}"))["id"] for n in range(COMMENTS_PAGE + 5)]
    page = desk.page(await desk.get(f"/staff/s/{code}?tab=queue"))
    listed = [li["id"] for li in page.find(id="console-comments").find_all("li", class_="mod-comment")]
    assert listed == [f"console-comment-{i}" for i in reversed(ids[-COMMENTS_PAGE:])]
    older = page.find("a", string="ความคิดเห็นก่อนหน้า")
    assert older is not None
    page = desk.page(await desk.get(f"/staff/s/{code}{older['href'].split('#')[0]}"))
    listed = [li["id"] for li in page.find(id="console-comments").find_all("li", class_="mod-comment")]
    assert listed == [f"console-comment-{i}" for i in reversed(ids[:5])]
