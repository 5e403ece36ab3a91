"""The OpenAPI document and the route table describe the same API."""

from __future__ import annotations

import httpx
from starlette.routing import Route

from deliberate.comments.services import BODY_MAX as COMMENT_MAX
from deliberate.proposals.services import TITLE_MAX
from deliberate.sessions.phases import PHASES
from deliberate.web.routes import routes

METHODS = {"get", "post", "put", "patch", "delete"}


def routed_api() -> set[tuple[str, str]]:
    found = set()
    for route in routes():
        if isinstance(route, Route) and route.path.startswith("/api/v1/") and route.path != "/api/v1/openapi.json":
            path = route.path.replace("{proposal_id:int}", "{proposal_id}")
            found |= {(path, m.lower()) for m in route.methods or () if m != "HEAD"}
    return found


async def test_every_route_is_documented_and_nothing_else(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, m) for path, ops in doc["paths"].items() for m in ops if m in METHODS}
    assert documented == routed_api()


async def test_documented_limits_are_the_enforced_ones(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]

    def schema(path: str, method: str = "post") -> dict:
        return paths[path][method]["requestBody"]["content"]["application/json"]["schema"]["properties"]

    assert schema("/api/v1/sessions/{code}/proposals")["title"]["maxLength"] == TITLE_MAX == 140
    assert schema("/api/v1/proposals/{proposal_id}/comments")["body"]["maxLength"] == COMMENT_MAX
    assert schema("/api/v1/proposals/{proposal_id}/comments")["stance"]["enum"] == ["for", "against", "note"]
    assert schema("/api/v1/sessions/{code}/phase")["phase"]["enum"] == list(PHASES)


async def test_every_answer_has_its_own_schema(client: httpx.AsyncClient) -> None:
    """No operation answers a bare object: each 2xx names its fields or its files (tests/api/test_contract.py
    checks real answers against them)."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method not in METHODS:
                continue
            for status, response in op["responses"].items():
                for media, content in response["content"].items():
                    assert content["schema"] != {"type": "object"}, (path, method, status, media)
                    if media == "application/json":
                        assert "$ref" in content["schema"] or content["schema"].get("required"), (path, method)
    downloads = {p for p in doc["paths"] if "{fmt}" in p}
    for path in downloads:
        assert "application/pdf" in doc["paths"][path]["get"]["responses"]["200"]["content"]
