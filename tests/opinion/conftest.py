"""Pol.is exports shared by the opinion tests: each is read once per test run."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from deliberate.opinion import OpinionMap, PolisExport, VoteMatrix, compute, read_polis_export

POLIS_DATA = Path(__file__).resolve().parents[1] / "data" / "polis"


@dataclass(frozen=True)
class Conversation:
    export: PolisExport
    matrix: VoteMatrix
    result: OpinionMap

    @property
    def polis_group_of(self) -> dict[int, int]:
        return {p.participant_id: p.group_id for p in self.export.participants if p.group_id is not None}


@cache
def conversation(name: str) -> Conversation:
    export = read_polis_export(POLIS_DATA / name)
    matrix = export.vote_matrix()  # from votes.csv events and comments.csv moderation, as a live app has them
    return Conversation(export, matrix, compute(matrix))


@pytest.fixture(scope="module")
def vtaiwan() -> Conversation:
    return conversation("vtaiwan.uberx")


@pytest.fixture(scope="module")
def biodiversity() -> Conversation:
    return conversation("scoop-hivemind.biodiversity")


@pytest.fixture(scope="module")
def bg2050() -> Conversation:
    return conversation("bg2050-volunteers")
