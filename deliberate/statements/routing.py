"""Which statement a phone gets next: drawn in proportion to the opinion map's priorities, as Pol.is does.

The priorities are those of the last map tick (so, like Pol.is, from the previous tick's tallies), and the draw
is seeded by the phone and how many statements it has answered: phones spread over the statements instead of
all getting the top one, while one phone sees the same card on every redraw until it answers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from deliberate.opinion import NEW_STATEMENT_PRIORITY


def draw(open_ids: Sequence[int], priorities: Mapping[int, float], key: str) -> int:
    """One of `open_ids`, with probability proportional to its priority (a statement the map has not seen yet
    gets NEW_STATEMENT_PRIORITY); the same key and inputs always give the same statement."""
    weights = [max(priorities.get(i, NEW_STATEMENT_PRIORITY), 0.0) for i in open_ids]
    if sum(weights) <= 0.0:
        return min(open_ids)
    return random.Random(key).choices(list(open_ids), weights=weights)[0]
