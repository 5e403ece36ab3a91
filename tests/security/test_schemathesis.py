"""Schemathesis against the app's own /api/v1/openapi.json: every documented operation, with bodies that fit
the schema and bodies that break it, must never answer a server error, and every answer must be one the
document describes (a documented status, media type and response schema, refusals included).

The app runs in process on the test's event loop; Hypothesis draws cases in a worker thread and hands each
request back to the loop. Path parameters are mostly the ids of a real session world (so the requests reach
the services, not just a 404), sometimes whatever the schema allows. Each operation is called twice over:
as the actor it is meant for (a participant for what phones do, a facilitator for the rest), and as the
other one (a participant's token on staff operations, a facilitator's on the phones'), so the refusals are
explored as hard as the answers. The number of examples is bounded and the draw derandomised, so CI runs the
same cases in a few seconds.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette

from tests.security import loose
from tests.security.hostile import PARTICIPANT_OPS
from tests.security.matrix import Matrix

app, client = loose.app, loose.client  # the fixtures: limits out of the way, 500s reported

# Bounded for CI; SCHEMATHESIS_EXAMPLES=200 makes a deeper run by hand.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
# Rendering a PDF or DOCX takes a good part of a second: these get fewer examples (their parameters are enums).
FEW_EXAMPLES = 4
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


async def test_no_operation_answers_a_server_error(app: Starlette, client: httpx.AsyncClient) -> None:
    matrix = Matrix(app, client)
    await matrix.sign_in_staff()
    world = await matrix.world("deliberation")
    real = {
        "code": world.code,
        "proposal_id": world.proposal_id,
        "assembly_id": world.assembly_id,
        "round_id": world.round_id,
        "clause_id": world.clause_id,
        "check_id": world.check_id,
        "amendment_id": world.amendment_id,
        "item_id": world.item_id,
        "link_id": world.link_id,
        "grant_id": world.grant_id,
    }
    facilitator = matrix.bearer("facilitator", world)
    participant = matrix.bearer("participant_a", world)
    schema = schemathesis.openapi.from_dict((await client.get("/api/v1/openapi.json")).json())
    loop = asyncio.get_running_loop()
    failures: list[str] = []
    conformance: list[str] = []
    calls = 0

    def send(case: Any, meant: bool) -> httpx.Response:
        kw = case.as_transport_kwargs(base_url="http://testserver")
        headers = {k: str(v) for k, v in kw["headers"].items() if k.lower() != "authorization"}
        phones = f"{case.method} {case.path}" in PARTICIPANT_OPS
        headers |= participant if phones == meant else facilitator
        body = {"json": kw["json"]} if "json" in kw else {"content": kw.get("data")}
        request = client.request(kw["method"], kw["url"], params=kw.get("params") or None, headers=headers, **body)
        return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=30)

    def explore() -> None:
        for result in schema.get_all_operations():
            operation = result.ok()
            params = {p.name: real[p.name] for p in operation.path_parameters if p.name in real}
            cases = st.one_of(
                operation.as_strategy(path_parameters=params),
                operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=params),
                operation.as_strategy(),
            )

            examples = FEW_EXAMPLES if "{fmt}" in operation.path else EXAMPLES

            for meant in (True, False):
                explore_as(cases, examples, meant)

    def explore_as(cases: st.SearchStrategy[Any], examples: int, meant: bool) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def run(case: Any) -> None:
            nonlocal calls
            calls += 1
            r = send(case, meant)
            who = "meant actor" if meant else "other token"
            if r.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300} ({who}) "
                    f"-> {r.status_code} {r.text[:200]}"
                )
                return
            try:  # the answer is what the document says: a documented status, media type and schema
                case.validate_response(r, checks=CONFORMANCE)
            except (AssertionError, BaseExceptionGroup) as e:
                found = " ".join(line.strip() for line in str(e).splitlines()[2:6] if line.strip())
                conformance.append(f"{case.method} {case.formatted_path} ({who}) -> {r.status_code}: {found[:300]}")

        run()

    await asyncio.to_thread(explore)
    assert calls > 2 * 40 * EXAMPLES * 2 // 3, calls  # every operation was really exercised
    assert not failures, "server errors:\n" + "\n".join(failures[:40])
    assert not conformance, "answers the document does not describe:\n" + "\n".join(conformance[:20])
