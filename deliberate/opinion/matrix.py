"""The vote matrix: latest vote per (participant, statement), the zeroed rating matrix and the in-conversation set.

Conventions follow the Pol.is exports: +1 agree, -1 disagree, 0 pass, NaN never voted. Rows are participants in
the order of their first vote (k-means seeds from the first distinct points in row order, so the order matters);
columns are the statements with at least one vote, in ascending id order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# A participant counts once they have voted on this many statements (or on all of them, if there are fewer).
MIN_VOTES_IN_CONV = 7
# Below this many in-conversation participants the set is topped up with the most active remaining voters.
MIN_IN_CONV = 15

VoteEvent = tuple[int, int, float, float | int | dt.datetime]


@dataclass
class VoteMatrix:
    """The inputs of one math tick."""

    participant_ids: list[int]
    statement_ids: list[int]
    values: np.ndarray
    moderated_out: np.ndarray
    # Meta statements are left out of the math like rejected ones, but routing still shows them (priority 49).
    is_meta: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=float).reshape(len(self.participant_ids), len(self.statement_ids))
        self.moderated_out = np.asarray(self.moderated_out, dtype=bool).reshape(len(self.statement_ids))
        if self.is_meta is not None:
            self.is_meta = np.asarray(self.is_meta, dtype=bool).reshape(len(self.statement_ids))
        if len(set(self.participant_ids)) != len(self.participant_ids):
            raise ValueError("participant ids must be unique")
        if len(set(self.statement_ids)) != len(self.statement_ids):
            raise ValueError("statement ids must be unique")
        present = self.values[~np.isnan(self.values)]
        if present.size and not np.isin(present, (-1.0, 0.0, 1.0)).all():
            raise ValueError("votes must be +1 (agree), -1 (disagree), 0 (pass) or NaN (not voted)")

    @property
    def shape(self) -> tuple[int, int]:
        return (self.values.shape[0], self.values.shape[1])

    @property
    def excluded(self) -> np.ndarray:
        """Statements the math treats as constant-zero columns: moderated out or meta."""
        if self.is_meta is None:
            return self.moderated_out
        either: np.ndarray = self.moderated_out | self.is_meta
        return either


def _as_number(ts: float | int | dt.datetime) -> float:
    return ts.timestamp() if isinstance(ts, dt.datetime) else float(ts)


def vote_matrix_from_events(
    events: Iterable[VoteEvent],
    *,
    moderated_out: Iterable[int] = (),
    meta: Iterable[int] = (),
) -> VoteMatrix:
    """Build the matrix from vote events (participant_id, statement_id, value, timestamp).

    The latest event per pair wins (ties: the later one in the input); rows are ordered by each participant's first
    vote. `moderated_out` and `meta` are statement ids; ids without votes are ignored, since they are no column.
    """
    batch = list(events)
    if not batch:
        return VoteMatrix([], [], np.zeros((0, 0)), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool))
    pids = np.fromiter((e[0] for e in batch), dtype=np.int64, count=len(batch))
    sids = np.fromiter((e[1] for e in batch), dtype=np.int64, count=len(batch))
    vals = np.fromiter((e[2] for e in batch), dtype=float, count=len(batch))
    times = np.fromiter((_as_number(e[3]) for e in batch), dtype=float, count=len(batch))
    return vote_matrix_from_arrays(pids, sids, vals, times, moderated_out=moderated_out, meta=meta)


def vote_matrix_from_arrays(
    participant_ids: np.ndarray,
    statement_ids: np.ndarray,
    values: np.ndarray,
    timestamps: np.ndarray,
    *,
    moderated_out: Iterable[int] = (),
    meta: Iterable[int] = (),
) -> VoteMatrix:
    """Vectorised form of `vote_matrix_from_events` for large event logs."""
    pids = np.asarray(participant_ids, dtype=np.int64)
    sids = np.asarray(statement_ids, dtype=np.int64)
    vals = np.asarray(values, dtype=float)
    times = np.asarray(timestamps, dtype=float)
    if not (pids.shape == sids.shape == vals.shape == times.shape):
        raise ValueError("event arrays must have the same length")
    if not np.isin(vals, (-1.0, 0.0, 1.0)).all():
        raise ValueError("votes must be +1 (agree), -1 (disagree) or 0 (pass)")
    if pids.size == 0:
        return VoteMatrix([], [], np.zeros((0, 0)), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool))
    order = np.lexsort((np.arange(pids.size), times))  # by time, input order breaks ties
    pids, sids, vals = pids[order], sids[order], vals[order]

    unique_pids, first_seen, rows = np.unique(pids, return_index=True, return_inverse=True)
    rank = np.empty(unique_pids.size, dtype=np.int64)
    rank[np.argsort(first_seen, kind="stable")] = np.arange(unique_pids.size)
    rows = rank[rows]
    row_pids = np.empty_like(unique_pids)
    row_pids[rank] = unique_pids
    col_sids, cols = np.unique(sids, return_inverse=True)

    n_cols = col_sids.size
    cells = rows * n_cols + cols
    # The last event per cell wins: the first occurrence in the reversed log.
    _, last_rev = np.unique(cells[::-1], return_index=True)
    last = cells.size - 1 - last_rev
    matrix = np.full((row_pids.size, n_cols), np.nan)
    matrix[rows[last], cols[last]] = vals[last]

    mod = set(moderated_out)
    met = set(meta)
    return VoteMatrix(
        participant_ids=[int(p) for p in row_pids],
        statement_ids=[int(s) for s in col_sids],
        values=matrix,
        moderated_out=np.array([int(s) in mod for s in col_sids], dtype=bool),
        is_meta=np.array([int(s) in met for s in col_sids], dtype=bool),
    )


@dataclass
class Ratings:
    """Derived views of a VoteMatrix shared by every step of a tick."""

    voted: np.ndarray  # bool (P, C): a raw vote exists, moderated columns included
    agree: np.ndarray  # bool (P, C), raw
    disagree: np.ndarray  # bool (P, C), raw
    excluded: np.ndarray  # bool (C,): zeroed columns (moderated out or meta)
    centred: sp.csr_matrix  # Y: Z minus column means, imputed cells are exactly 0
    column_means: np.ndarray  # c (C,)
    row_counts: np.ndarray  # k_i: non-empty cells of Z, every zeroed column counts
    raw_counts: np.ndarray  # n_i: non-empty cells of R


def ratings(m: VoteMatrix) -> Ratings:
    """Zero the excluded columns for every participant (empty cells included) and centre the result."""
    values = m.values
    n_rows, n_cols = values.shape
    voted = ~np.isnan(values)
    excluded = m.excluded
    agree = values == 1.0
    disagree = values == -1.0
    # Z: excluded columns become 0 everywhere, so they are "voted" (as a pass) by every row.
    z_voted = voted | excluded[None, :]
    n_z = z_voted.sum(axis=0)
    z_sum = agree.sum(axis=0, dtype=float) - disagree.sum(axis=0, dtype=float)
    z_sum[excluded] = 0.0
    means = np.divide(z_sum, n_z, out=np.zeros(n_cols), where=n_z > 0)
    if n_rows == 1:
        means = np.zeros(n_cols)  # a single voter is not centred, so their row still points somewhere
    # Only the non-excluded votes contribute to Y; excluded cells are 0 - 0.
    keep = voted & ~excluded[None, :]
    rows, cols = np.nonzero(keep)
    data = values[rows, cols] - means[cols]
    centred = sp.csr_matrix((data, (rows, cols)), shape=(n_rows, n_cols))
    return Ratings(
        voted=voted,
        agree=agree,
        disagree=disagree,
        excluded=excluded,
        centred=centred,
        column_means=means,
        row_counts=z_voted.sum(axis=1),
        raw_counts=voted.sum(axis=1),
    )


def in_conversation(raw_counts: np.ndarray, n_cols: int, previous: np.ndarray | None = None) -> np.ndarray:
    """Rows that are clustered: enough votes, or already in, topped up to MIN_IN_CONV by vote count.

    `raw_counts` counts passes and votes on moderated statements; `previous` is a bool mask of rows that were in
    at the last tick (membership never shrinks). Ties in the top-up go to the earlier row.
    """
    inside = np.zeros(raw_counts.size, dtype=bool) if previous is None else previous.copy()
    if raw_counts.size == 0:
        return inside
    inside |= raw_counts >= min(MIN_VOTES_IN_CONV, n_cols)
    missing = MIN_IN_CONV - int(inside.sum())
    if missing > 0:
        outside = np.flatnonzero(~inside & (raw_counts > 0))
        best = outside[np.argsort(-raw_counts[outside], kind="stable")][:missing]
        inside[best] = True
    return inside
