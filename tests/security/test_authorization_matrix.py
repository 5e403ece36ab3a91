"""Every HTTP and websocket route x every actor -> the answer it must get.

The keys come from the app's own route table: a route added without an entry here fails
`test_every_route_has_an_entry`. Answers: a status code, "login" (a page redirecting to the staff
sign-in), "accept" or a websocket close code. Writes are sent with an empty body, so an actor who may act
gets a validation answer (400/422) or the action's own answer, and one who may not gets 401/403 before any
validation: the refusal comes from the service layer, which the HTML and JSON faces share.
"""

from __future__ import annotations

import os
import pprint

import httpx
from starlette.applications import Starlette

from tests.security import loose
from tests.security.expected import EXPECTED
from tests.security.matrix import ACTORS, ONE_SHOT, PHASES, Matrix, route_keys

app = loose.app  # the fixture: limits out of the way


def test_every_route_has_an_entry(app: Starlette) -> None:
    keys = set(route_keys(app.routes))
    missing = sorted(keys - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - keys)
    assert not missing, f"routes with no entry in tests/security/expected.py: {missing}"
    assert not stale, f"entries in tests/security/expected.py for routes that no longer exist: {stale}"
    for key, row in EXPECTED.items():
        assert set(row) == set(ACTORS), (key, "every actor needs an expected answer")


async def test_authorization_matrix(app: Starlette, client: httpx.AsyncClient) -> None:
    matrix = Matrix(app, client)
    await matrix.sign_in_staff()
    shared = await matrix.world()
    observed: dict[tuple[str, str], dict[str, int | str]] = {}
    for route in app.routes:
        for key in route_keys([route]):
            name, method = key
            phase = PHASES.get(name, "ideas")
            world = shared if method == "GET" or method.startswith("WS") else await matrix.world(phase)
            row = {}
            for actor in ACTORS:
                if name in ONE_SHOT:
                    world = await matrix.world(phase)
                row[actor] = await matrix.call(route, method, actor, world)
            observed[key] = row
    if os.environ.get("MATRIX_DUMP"):
        with open(os.environ["MATRIX_DUMP"], "w") as out:  # noqa: ASYNC230 (a debugging aid)
            out.write(pprint.pformat(observed, width=120, sort_dicts=False))
    wrong = [
        (key, actor, EXPECTED.get(key, {}).get(actor), got)
        for key, row in observed.items()
        for actor, got in row.items()
        if EXPECTED.get(key, {}).get(actor) != got
    ]
    assert not wrong, "route, actor, expected, got:\n" + "\n".join(map(str, wrong))


def test_html_and_json_faces_agree() -> None:
    """The same action through a page and through the API is allowed to the same actors."""

    def allowed(answer: int | str) -> bool:
        return answer not in (401, 403, "login")

    for page, api in FACES:
        for method_page, method_api in (("POST", "POST"),):
            a, b = EXPECTED[(page, method_page)], EXPECTED[(api, method_api)]
            assert {x: allowed(a[x]) for x in ACTORS} == {x: allowed(b[x]) for x in ACTORS}, (page, api)


# Pairs of routes that are two faces of one service function.
FACES = [
    ("propose", "api_submit"),
    ("comment", "api_comment"),
    ("support", "api_support"),
    ("write_statement", "api_statements"),
    ("rank", "api_rankings"),
    ("resolutions_amend", "api_amendments"),
    ("resolutions_back", "api_backers"),
    ("resolutions_answer", "api_check_answers"),
    ("resolutions_comment", "api_clause_comments"),
    ("console_phase", "api_phase"),
    ("console_open_round", "api_rounds"),
    ("resolutions_desk_item", "api_create_item"),
    ("resolutions_desk_decide", "api_decision"),
    ("resolutions_desk_merge", "api_merge"),
    ("outcomes_answer", "api_answer"),
    ("outcomes_action_item", "api_action_items"),
    ("outcomes_progress", "api_progress"),
]
