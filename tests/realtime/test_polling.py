"""The polling fallback: the same live updates over plain HTTP for pages whose websocket cannot connect."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.conftest import Api, Browser


def seq_of(text: str) -> int:
    marker = BeautifulSoup(text, "html.parser").find(id="live-seq")
    assert marker is not None, text[:300]
    return int(marker["data-seq"])


async def test_pages_name_their_poll_url(api: Api, facilitator: dict[str, str], browser) -> None:
    session = await api.new_session(facilitator, phase="ideas")
    phone: Browser = browser()
    await phone.join(session["code"])
    page = phone.page(await phone.get(f"/s/{session['code']}"))
    live = page.find(id="live")
    assert live["data-poll"].endswith(f"/s/{session['code']}/live?view=participant")
    assert live["data-hx-ws-connect"] == f"/ws/sessions/{session['code']}?view=participant"


async def test_poll_answers_204_until_something_changes(api: Api, facilitator: dict[str, str], client) -> None:
    session = await api.new_session(facilitator, phase="ideas")
    code = session["code"]
    who = await api.join(code)
    proposal = await api.propose(who, code, session["themes"][0]["id"])
    if proposal["status"] == "pending":
        assert (await api.moderate(facilitator, proposal["id"], action="approve")).status_code == 200
    await api.set_phase(facilitator, code, "voting")
    first = await client.get(f"/s/{code}/live")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-store"
    seq = seq_of(first.text)
    assert (await client.get(f"/s/{code}/live?since={seq}")).status_code == 204

    await api.support(who, proposal["id"])
    changed = await client.get(f"/s/{code}/live?since={seq}")
    assert changed.status_code == 200
    assert seq_of(changed.text) > seq
    soup = BeautifulSoup(changed.text, "html.parser")
    assert soup.find(id="count-supports").get_text(strip=True) == "1"
    assert soup.find(id="count-participants").get_text(strip=True) == "1"


async def test_console_poll_is_for_facilitators_only(api: Api, facilitator: dict[str, str], client) -> None:
    session = await api.new_session(facilitator)
    r = await client.get(f"/s/{session['code']}/live?view=console")
    assert r.status_code == 403
    assert (await client.get("/s/ZZZZZZ/live")).status_code == 404
