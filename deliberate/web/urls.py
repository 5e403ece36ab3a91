"""Paths by route name, for templates and views, so a route can move without a search through templates.

`url("console", code="AB12CD")` is `/staff/s/AB12CD`: a path, never an absolute URL, because pages the hall
shares (the board drawn once per language) must not carry the host of whoever asked first. Starlette's own
`url_for` walks the whole route table (about 180 routes, one exception per miss) for every link; a board draws
a few links per proposal, so the route is found here by its name in one lookup, and a path once built is kept:
a board drawn for one phone (its full page) asks for the same few hundred paths as the last phone did, and
building one (Starlette checks and fills in the parameters) cost more than a lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from starlette.routing import BaseRoute, NoMatchFound

_by_name: dict[str, BaseRoute] = {}


def register(routes: Iterable[BaseRoute]) -> None:
    """Learn the route table's names (the app factory calls this; the table is the same for every app)."""
    for route in routes:
        name = getattr(route, "name", None)
        if name:
            _by_name[name] = route
    url.cache_clear()  # a path kept from an earlier table would outlive its route


# A few paths per proposal of every live session: thousands at most, a few hundred kilobytes.
@lru_cache(maxsize=16384)
def url(name: str, /, **params: object) -> str:
    """The path of the route called `name` with these path parameters; NoMatchFound names what is wrong."""
    route = _by_name.get(name)
    if route is None:
        raise NoMatchFound(name, params)
    return str(route.url_path_for(name, **params))
