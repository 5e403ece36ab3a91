"""Resolutions live, end to end against `deliberate serve`: an amendment reaches an open phone within a second
as a re-fetch of its resolutions region, and an answer to a consensus check moves the projector but spares
the phones (they show no running counts)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.api.test_resolutions import DRAFT
from tests.realtime.test_websocket import Message, Remote, wait_for


def refetch(message: Message) -> str | None:
    div = message.element("resolution-refresh")
    return div["data-hx-get"] if div is not None else None


async def test_an_amendment_reaches_the_phone_and_an_answer_only_the_hall(remote: Remote) -> None:
    code, _ = await remote.session("deliberation")
    clause = (await remote.post(f"/api/v1/sessions/{code}/items", remote.staff, DRAFT))["clauses"][0]
    amy = await remote.join(code, "ป้าแดง")
    async with remote.ws(code, "?view=participant") as phone, remote.ws(code, "?view=projector") as hall:
        await remote.post(
            f"/api/v1/clauses/{clause['id']}/amendments",
            amy,
            {"op": "replace", "text": clause["text"].replace("๒๕๗๐", "๒๕๖๙"), "reason": "เร็วขึ้น", "base_version": 1},
        )
        message, _ = await wait_for(phone, lambda m: refetch(m) is not None)
        assert refetch(message) == f"/s/{code}/resolutions?part=region"
        cookie = f"dlb_p_{code}={amy['authorization'].split()[1]}"  # the join token is also the page cookie
        region = await remote.http.get(refetch(message), headers={"hx-request": "true", "cookie": cookie})
        marked = BeautifulSoup(region.text, "html.parser").find(class_="marked")
        assert [d.get_text() for d in marked.find_all("del")] == ["๒๕๗๐"]
        assert [i.get_text() for i in marked.find_all("ins")] == ["๒๕๖๙"]

        check = await remote.post(f"/api/v1/clauses/{clause['id']}/checks", remote.staff)
        await wait_for(phone, lambda m: refetch(m) is not None)  # the answer form appears
        await wait_for(hall, lambda m: refetch(m) is not None)
        await remote.post(f"/api/v1/checks/{check['id']}/answers", amy, {"answer": "agree"})
        moved, _ = await wait_for(hall, lambda m: refetch(m) is not None)
        assert refetch(moved) == f"/s/{code}/screen?show=resolution&part=stage"
        same_tick, _ = await wait_for(phone, lambda m: m.seq >= moved.seq)
        assert refetch(same_tick) is None
