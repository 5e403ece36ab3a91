"""A phone's form write counts once per idempotency key: a double tap, a retry after a timeout, a write sent
again from the outbox after the network came back. The key comes as the Idempotency-Key header (htmx and the
outbox) or as the idempotency_key field, and belongs to the participant who sent it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from deliberate.comments.models import Comment
from deliberate.i18n import gettext
from deliberate.proposals.models import Proposal
from deliberate.resolutions.models import ClauseComment
from deliberate.supports.models import Support
from deliberate.voting.models import Ballot
from tests.conftest import Api, Browser, row_counts
from tests.web.test_resolution_pages import drafted, phone_in


def key() -> str:
    return str(uuid.uuid4())


async def phone_with_proposal(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str], phase: str = "voting"
) -> tuple[Browser, str, int]:
    s = await api.new_session(facilitator, phase="ideas")
    code = s["code"]
    pid = (await api.propose(await api.join(code, "ผู้เสนอ"), code, s["themes"][0]["id"]))["id"]
    await api.set_phase(facilitator, code, phase)
    phone = await phone_in(browser, code, "ป้าแดง")
    await phone.get(f"/s/{code}/p/{pid}")
    return phone, code, pid


async def test_a_support_sent_again_with_its_key_counts_once_even_after_a_withdraw(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    phone, code, pid = await phone_with_proposal(api, browser, facilitator)
    url, first = f"/s/{code}/p/{pid}/support", key()
    form = {"csrf_token": phone.csrf()}
    for _ in range(3):  # the tap, a double tap, a retry after a timeout
        r = await phone.post(url, form, headers={"idempotency-key": first, "hx-request": "true"})
        assert r.status_code == 200
        assert "ท่านสนับสนุนข้อเสนอนี้แล้ว" in phone.page(r).get_text()
    assert await Support.filter(proposal_id=pid).count() == 1
    r = await phone.post(url, form | {"withdraw": "1"}, headers={"idempotency-key": key()})
    assert r.status_code == 303
    assert await Support.filter(proposal_id=pid).count() == 0
    # the first tap arriving late from the outbox does not support it again: the key, not the state, decides
    r = await phone.post(url, form, headers={"idempotency-key": first, "hx-request": "true"})
    assert r.status_code == 200 and "สนับสนุน" in phone.page(r).find("button").get_text()
    assert await Support.filter(proposal_id=pid).count() == 0


async def test_a_proposal_sent_twice_with_its_key_is_put_once(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code = s["code"]
    phone = await phone_in(browser, code, "ลุงสม")
    await phone.get(f"/s/{code}")
    form = {
        "csrf_token": phone.csrf(),
        "theme_id": str(s["themes"][0]["id"]),
        "title": "ลานกีฬาเยาวชนในชุมชน",
        "body": "ให้เด็กมีที่เล่นหลังเลิกเรียน",
        "idempotency_key": key(),
    }
    answers = [await phone.post(f"/s/{code}/proposals", form) for _ in range(2)]
    assert [r.status_code for r in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert await Proposal.filter(session__code=code, title="ลานกีฬาเยาวชนในชุมชน").count() == 1
    # htmx's answer to a repeat is the same thank-you as to the first
    r = await phone.post(f"/s/{code}/proposals", form, headers={"hx-request": "true"})
    assert r.status_code == 200 and phone.page(r).find(class_="notice") is not None
    assert await Proposal.filter(session__code=code, title="ลานกีฬาเยาวชนในชุมชน").count() == 1


async def test_a_comment_sent_again_with_a_renewed_csrf_token_counts_once(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    phone, code, pid = await phone_with_proposal(api, browser, facilitator, phase="ideas")
    url, k = f"/s/{code}/p/{pid}/comments", key()
    form = {"csrf_token": phone.csrf(), "stance": "for", "body": "ควรมีรถรับส่งผู้สูงอายุด้วย"}
    r = await phone.post(url, form, headers={"idempotency-key": k})
    assert r.status_code == 303 and r.headers["location"].endswith("#comments")
    # the outbox sends a queued write with the page's current token: the same write all the same
    renewed = phone.csrf(phone.page(await phone.get(f"/s/{code}/p/{pid}")))
    r = await phone.post(url, form | {"csrf_token": renewed}, headers={"idempotency-key": k})
    assert r.status_code == 303
    assert await Comment.filter(proposal_id=pid).count() == 1

    before = await row_counts()
    r = await phone.post(url, form | {"body": "อีกเรื่องหนึ่ง"}, headers={"idempotency-key": k})
    assert r.status_code == 409  # a key is for one write only
    assert phone.page(r).find(class_="form-error").get_text(strip=True) == gettext(
        "This Idempotency-Key was already used for a different request."
    )
    r = await phone.post(url, form, headers={"idempotency-key": "x" * 101})
    assert r.status_code == 422
    assert await row_counts() == before


async def test_a_key_belongs_to_the_participant_who_sent_it(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    phone, code, pid = await phone_with_proposal(api, browser, facilitator, phase="ideas")
    other = await phone_in(browser, code, "น้าหนึ่ง")
    await other.get(f"/s/{code}/p/{pid}")
    shared = key()
    for who in (phone, other):
        r = await who.post(
            f"/s/{code}/p/{pid}/comments",
            {"csrf_token": who.csrf(), "stance": "note", "body": "ขอรายละเอียดงบประมาณ"},
            headers={"idempotency-key": shared},
        )
        assert r.status_code == 303
    assert await Comment.filter(proposal_id=pid).count() == 2


async def test_a_dot_sent_again_after_a_later_one_does_not_undo_it(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    phone, code, pid = await phone_with_proposal(api, browser, facilitator)
    r = await api.client.post(
        f"/api/v1/sessions/{code}/rounds",
        headers=facilitator,
        json={"method": "dots", "options": {"budget": 3, "max_per": 3}},
    )
    assert r.status_code == 201, r.text
    await phone.get(f"/s/{code}/vote")
    form = {"csrf_token": phone.csrf(), "method": "dots", "proposal_id": str(pid)}
    one, two = key(), key()
    assert (
        await phone.post(f"/s/{code}/vote", form | {"value": "1"}, headers={"idempotency-key": one})
    ).status_code == 303
    assert (
        await phone.post(f"/s/{code}/vote", form | {"value": "2"}, headers={"idempotency-key": two})
    ).status_code == 303
    r = await phone.post(f"/s/{code}/vote", form | {"value": "1"}, headers={"idempotency-key": one})
    assert r.status_code == 303 and r.headers["location"].endswith(f"#vote-{pid}")
    assert (await Ballot.get(proposal_id=pid)).value == 2


async def test_a_clause_comment_sent_twice_with_its_key_is_posted_once(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    phone = await phone_in(browser, code, "ครูแก้ว")
    await phone.get(f"/s/{code}/resolutions")
    form = {
        "csrf_token": phone.csrf(),
        "clause_id": str(first["id"]),
        "body": "ควรระบุหน่วยงานรับผิดชอบ",
        "idempotency_key": key(),
    }
    for _ in range(2):
        r = await phone.post(f"/s/{code}/resolutions/comment", form)
        assert r.status_code == 303 and r.headers["location"].endswith(f"#comments-{first['id']}")
    assert await ClauseComment.filter(clause_id=first["id"]).count() == 1


async def test_copies_of_one_comment_arriving_at_once_count_once(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    phone, code, pid = await phone_with_proposal(api, browser, facilitator, phase="ideas")
    form = {"csrf_token": phone.csrf(), "stance": "for", "body": "สนับสนุนเต็มที่"}
    k = key()
    answers = await asyncio.gather(
        *[phone.post(f"/s/{code}/p/{pid}/comments", form, headers={"idempotency-key": k}) for _ in range(4)]
    )
    assert [r.status_code for r in answers] == [303] * 4
    assert await Comment.filter(proposal_id=pid).count() == 1
