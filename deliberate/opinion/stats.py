"""Statement statistics from group vote counts: tallies, repness, consensus, group-informed consensus, routing.

Which votes each statistic counts differs on purpose, as in Pol.is:
- tallies, group-informed consensus and routing use raw votes (moderated statements still count) of the
  in-conversation members of each group;
- repness uses the zeroed matrix Z (an excluded statement reads as a pass by everyone) and compares a group with
  the union of the *other groups*;
- consensus uses Z over every voter, clustered or not.
All estimates carry Beta(1, 1) pseudocounts, so a statement seen by few people stays near ½.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# One-sided 90% significance.
Z_90 = 1.2816
MAX_REPNESS = 5
MAX_CONSENSUS = 5
MAX_UNCERTAIN = 5
UNCERTAIN_PASS_SHARE = 0.3
META_PRIORITY = 49.0


@dataclass
class Counts:
    """Vote counts per (group, statement): agree, disagree, and voted at all (passes included)."""

    agree: np.ndarray  # (G, C)
    disagree: np.ndarray
    voted: np.ndarray

    @property
    def passed(self) -> np.ndarray:
        passed: np.ndarray = self.voted - self.agree - self.disagree
        return passed


def group_counts(agree: np.ndarray, disagree: np.ndarray, voted: np.ndarray, groups: Sequence[np.ndarray]) -> Counts:
    """Raw counts per group; `groups` are row-index arrays."""
    n_cols = agree.shape[1]
    shape = (len(groups), n_cols)
    a, d, s = np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(shape, np.int64)
    for g, rows in enumerate(groups):
        if len(rows):
            a[g] = agree[rows].sum(axis=0)
            d[g] = disagree[rows].sum(axis=0)
            s[g] = voted[rows].sum(axis=0)
    return Counts(a, d, s)


def zeroed(counts: Counts, excluded: np.ndarray, group_sizes: np.ndarray) -> Counts:
    """Counts over Z: an excluded statement is a pass by every member."""
    a, d, s = counts.agree.copy(), counts.disagree.copy(), counts.voted.copy()
    a[:, excluded] = 0
    d[:, excluded] = 0
    s[:, excluded] = group_sizes[:, None]
    return Counts(a, d, s)


def one_proportion_z(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """z of (s+1)/(n+1) against ½."""
    n1 = trials + 1.0
    return 2.0 * np.sqrt(n1) * ((successes + 1.0) / n1 - 0.5)


def two_proportion_z(s1: np.ndarray, s2: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pooled two-proportion z with +1 on every input; 0 when the pooled proportion is 1."""
    s1, s2, n1, n2 = s1 + 1.0, s2 + 1.0, n1 + 1.0, n2 + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    diff = s1 / n1 - s2 / n2
    return np.divide(diff, np.sqrt(np.maximum(var, 0.0)), out=np.zeros_like(diff), where=var > 0)


@dataclass
class RepStatement:
    """Why a statement is representative of a group, in the direction (agree/disagree) it sets the group apart."""

    statement_id: int
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float

    @property
    def metric(self) -> float:
        return self.repness * self.repness_test * self.p_success * self.p_test


def representative_statements(
    z_counts: Counts, excluded: np.ndarray, statement_ids: Sequence[int]
) -> list[list[RepStatement]]:
    """Up to MAX_REPNESS statements per group, agree-direction first; see MATH.md §3.10 for the selection."""
    na, nd, ns = (x.astype(float) for x in (z_counts.agree, z_counts.disagree, z_counts.voted))
    other_a, other_d, other_s = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1.0) / (ns + 2.0), (nd + 1.0) / (ns + 2.0)
    ra = pa / ((other_a + 1.0) / (other_s + 2.0))
    rd = pd / ((other_d + 1.0) / (other_s + 2.0))
    pat, pdt = one_proportion_z(na, ns), one_proportion_z(nd, ns)
    rat, rdt = two_proportion_z(na, other_a, ns, other_s), two_proportion_z(nd, other_d, ns, other_s)
    passes = ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90))
    agree_dir = rat > rdt
    columns = np.flatnonzero(~excluded)

    def entry(g: int, j: int) -> RepStatement:
        if agree_dir[g, j]:
            fields = (na[g, j], pa[g, j], pat[g, j], ra[g, j], rat[g, j], "agree")
        else:
            fields = (nd[g, j], pd[g, j], pdt[g, j], rd[g, j], rdt[g, j], "disagree")
        n_s, p, p_t, r, r_t, direction = fields
        return RepStatement(
            statement_id=int(statement_ids[j]),
            direction=direction,
            n_success=int(n_s),
            n_trials=int(ns[g, j]),
            p_success=float(p),
            p_test=float(p_t),
            repness=float(r),
            repness_test=float(r_t),
        )

    out: list[list[RepStatement]] = []
    full_score = ra * rat * pa * pat
    agree_score = pa * pat
    for g in range(na.shape[0]):
        best: int | None = None
        best_agree: int | None = None
        for j in columns:
            if best is None or max(rat[g, j], rdt[g, j]) > max(rat[g, best], rdt[g, best]):
                best = int(j)
            if na[g, j] == 0 and nd[g, j] == 0:
                continue
            if best_agree is not None and ra[g, best_agree] > 1.0:
                if full_score[g, j] > full_score[g, best_agree]:
                    best_agree = int(j)
            elif best_agree is not None:
                if agree_score[g, j] > agree_score[g, best_agree]:
                    best_agree = int(j)
            elif pat[g, j] > Z_90 or (ra[g, j] > 1.0 and pa[g, j] > 0.5):
                best_agree = int(j)
        sufficient = [int(j) for j in columns if passes[g, j]]
        if not sufficient:
            pick = best_agree if best_agree is not None else best
            out.append([entry(g, pick)] if pick is not None else [])
            continue
        chosen = sorted((entry(g, j) for j in sufficient if j != best_agree), key=lambda r: -r.metric)
        if best_agree is not None:
            chosen.insert(0, entry(g, best_agree))
        chosen = chosen[:MAX_REPNESS]
        out.append([r for r in chosen if r.direction == "agree"] + [r for r in chosen if r.direction != "agree"])
    return out


@dataclass
class ConsensusStatement:
    statement_id: int
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass
class Consensus:
    """Statements most voters agree (or disagree) with, over every voter."""

    agree: list[ConsensusStatement]
    disagree: list[ConsensusStatement]


def consensus(z_all: Counts, excluded: np.ndarray, statement_ids: Sequence[int]) -> Consensus:
    """`z_all` is a single-row Counts over every voter of Z."""
    ns = z_all.voted[0].astype(float)
    lists: list[list[ConsensusStatement]] = []
    for succ in (z_all.agree[0].astype(float), z_all.disagree[0].astype(float)):
        p = (succ + 1.0) / (ns + 2.0)
        p_t = one_proportion_z(succ, ns)
        ok = np.flatnonzero((p > 0.5) & (p_t > Z_90) & ~excluded)
        ranked = sorted(ok, key=lambda j: -(p[j] * p_t[j]))[:MAX_CONSENSUS]
        lists.append(
            [
                ConsensusStatement(int(statement_ids[int(j)]), int(succ[j]), int(ns[j]), float(p[j]), float(p_t[j]))
                for j in ranked
            ]
        )
    return Consensus(agree=lists[0], disagree=lists[1])


def group_informed_consensus(raw: Counts) -> np.ndarray:
    """GIC_j = Π_g (A_gj + 1) / (S_gj + 2): high only when every group leans to agree. Shape (C,)."""
    if raw.agree.shape[0] == 0:
        return np.zeros(raw.agree.shape[1])
    gic: np.ndarray = np.prod((raw.agree + 1.0) / (raw.voted + 2.0), axis=0)
    return gic


def divisiveness(raw: Counts) -> np.ndarray:
    """Group agree spread: D_j = max_g pa_gj − min_g pa_gj, with pa_gj = (A_gj + 1) / (S_gj + 2).

    0 when all groups agree at the same rate (or there is at most one group); close to 1 when one group
    agrees almost unanimously and another almost never does. The pseudocounts pull a group that barely saw the
    statement towards ½, so thin evidence cannot make a statement look divisive. Raw votes of in-conversation
    group members, like the group-informed consensus.
    """
    if raw.agree.shape[0] < 2:
        return np.zeros(raw.agree.shape[1])
    pa = (raw.agree + 1.0) / (raw.voted + 2.0)
    spread: np.ndarray = pa.max(axis=0) - pa.min(axis=0)
    return spread


def uncertain(raw_all: Counts, excluded: np.ndarray, statement_ids: Sequence[int]) -> list[int]:
    """Statements many people passed on: pass share above 0.3, ranked by share² × passes."""
    s = raw_all.voted[0].astype(float)
    passes = raw_all.passed[0].astype(float)
    share = np.divide(passes, s, out=np.zeros_like(s), where=s > 0)
    ok = np.flatnonzero((share > UNCERTAIN_PASS_SHARE) & ~excluded)
    ranked = sorted(ok, key=lambda j: -(share[j] ** 2 * passes[j]))[:MAX_UNCERTAIN]
    return [int(statement_ids[int(j)]) for j in ranked]


def priority(agree: np.ndarray, voted: np.ndarray, passed: np.ndarray, extremity: np.ndarray) -> np.ndarray:
    """Routing weight: favour statements that are rarely passed, often agreed, far out on the map, and new.

    importance = (1 − (P+1)/(S+2)) · (E+1) · (A+1)/(S+2);  priority = (importance · (1 + 8·2^(−S/5)))².
    A statement nobody has seen yet gets NEW_STATEMENT_PRIORITY.
    """
    a, s, p = (np.asarray(x, dtype=float) for x in (agree, voted, passed))
    importance = (1.0 - (p + 1.0) / (s + 2.0)) * (np.asarray(extremity, dtype=float) + 1.0) * (a + 1.0) / (s + 2.0)
    return (importance * (1.0 + 8.0 * np.exp2(-s / 5.0))) ** 2


NEW_STATEMENT_PRIORITY = float(priority(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1))[0])
