"""Opinion-map benchmark: time one math tick on a Pol.is export or on a synthetic conversation.

    python -m deliberate.bench.opinion                       # tests/data/polis/vtaiwan.uberx
    python -m deliberate.bench.opinion --dataset DIR --repeat 5
    python -m deliberate.bench.opinion --synthetic 10000x1000
    python -m deliberate.bench.opinion --parity [DIR ...] --orders 20   # default: the six in tests/data/polis

Parity prints one JSON line per conversation (ARI against Pol.is' group-id over --orders row orders: median,
min, 10th percentile, max; our group counts and Pol.is'), then a summary line with the median of the medians.
A folder it cannot read ends with a one-line error and exit status 2.

Otherwise it prints one JSON line: load seconds (reading the files or generating the votes, and building the
matrix), cold compute p50/max over --repeat runs, one warm-started tick, the matrix shape, in-conversation
count, groups, and the process' peak resident memory. On a Pol.is export with group ids it also reports the
adjusted Rand index against Pol.is' own groups.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from deliberate.opinion import PolisFormatError, VoteMatrix, compute, read_polis_export
from deliberate.opinion.parity import parity

REPO_ROOT = Path(__file__).resolve().parents[2]
POLIS_DATA = REPO_ROOT / "tests" / "data" / "polis"
DEFAULT_DATASET = POLIS_DATA / "vtaiwan.uberx"
PARITY_SETS = (
    "bg2050-volunteers",
    "scoop-hivemind.biodiversity",
    "vtaiwan.uberx",
    "15-per-hour-seattle",
    "scoop-hivemind.taxes",
    "austria-climate.5twd2jsnkf.2022-08-08",
)
CHUNK_ROWS = 2000


def synthetic_matrix(
    n_participants: int, n_statements: int, *, seed: int = 0, moderated_share: float = 0.05
) -> tuple[VoteMatrix, np.ndarray]:
    """A conversation with 2-4 latent opinion groups; each participant votes on 5-15% of the statements.

    Every group has its own agree/disagree/pass probabilities per statement (some statements split the groups,
    others are shared), and a small share of statements is moderated out. Returns the matrix and each
    participant's latent group.
    """
    rng = np.random.default_rng(seed)
    n_groups = int(rng.integers(2, 5))
    shares = rng.dirichlet(np.full(n_groups, 3.0))
    membership = rng.choice(n_groups, size=n_participants, p=shares)
    # Per group and statement: P(agree), P(disagree), the rest passes.
    lean = rng.normal(0.0, 1.0, size=(n_groups, n_statements)) + rng.normal(0.0, 0.7, size=(1, n_statements))
    p_agree = 0.85 / (1.0 + np.exp(-2.0 * lean))
    p_disagree = (0.85 - p_agree) * rng.uniform(0.7, 1.0, size=(n_groups, n_statements))
    rate = rng.uniform(0.05, 0.15, size=n_participants)

    values = np.full((n_participants, n_statements), np.nan)
    for lo in range(0, n_participants, CHUNK_ROWS):
        hi = min(lo + CHUNK_ROWS, n_participants)
        g = membership[lo:hi]
        seen = rng.random((hi - lo, n_statements)) < rate[lo:hi, None]
        u = rng.random((hi - lo, n_statements))
        block = np.where(u < p_agree[g], 1.0, np.where(u < p_agree[g] + p_disagree[g], -1.0, 0.0))
        values[lo:hi] = np.where(seen, block, np.nan)
    # Every statement is a column only if someone voted on it.
    voted_cols = ~np.isnan(values).all(axis=0)
    values = values[:, voted_cols]
    n_cols = values.shape[1]
    matrix = VoteMatrix(
        participant_ids=list(range(n_participants)),
        statement_ids=list(range(n_cols)),
        values=values,
        moderated_out=rng.random(n_cols) < moderated_share,
    )
    return matrix, membership


def _peak_rss_mb() -> float:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux
    except ImportError:  # not POSIX: the current size is the best psutil offers everywhere
        return psutil.Process().memory_info().rss / 2**20


def _shape(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError("expected PARTICIPANTSxSTATEMENTS, e.g. 10000x1000")
    return int(match.group(1)), int(match.group(2))


def run(dataset: Path | None, synthetic: tuple[int, int] | None, repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    reference: dict[int, int] = {}  # participant id -> a known group to compare with
    if synthetic is not None:
        matrix, latent = synthetic_matrix(*synthetic)
        reference = {pid: int(g) for pid, g in zip(matrix.participant_ids, latent, strict=True)}
        source = f"synthetic:{synthetic[0]}x{synthetic[1]}"
    else:
        assert dataset is not None
        export = read_polis_export(dataset)
        matrix = export.vote_matrix()
        reference = {p.participant_id: p.group_id for p in export.participants if p.group_id is not None}
        source = str(dataset)
    load_s = time.perf_counter() - started

    timings: list[float] = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = compute(matrix)
        timings.append(time.perf_counter() - t0)
    assert result is not None
    t0 = time.perf_counter()
    compute(matrix, result.state)
    warm_s = time.perf_counter() - t0

    report: dict[str, Any] = {
        "bench": "opinion",
        "source": source,
        "participants": matrix.values.shape[0],
        "statements": matrix.values.shape[1],
        "votes": int((~np.isnan(matrix.values)).sum()),
        "in_conv": len(result.participant_ids),
        "groups": len(result.groups),
        "group_sizes": [len(g.members) for g in result.groups],
        "load_s": round(load_s, 3),
        "compute_p50_s": round(statistics.median(timings), 3),
        "compute_max_s": round(max(timings), 3),
        "warm_tick_s": round(warm_s, 3),
        "repeat": repeat,
    }
    if reference:
        from sklearn.metrics import adjusted_rand_score

        ours = result.group_of()
        common = [p for p in reference if p in ours]
        label = "latent" if synthetic is not None else "polis"
        report[f"{label}_groups"] = len(set(reference.values()))
        report[f"ari_vs_{label}"] = round(
            float(adjusted_rand_score([reference[p] for p in common], [ours[p] for p in common])), 4
        )
    report["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return report


def run_parity(folders: list[Path], orders: int) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for folder in folders:
        started = time.perf_counter()
        line = {"bench": "opinion-parity", **parity(folder, orders=orders).as_dict()}
        line["seconds_per_order"] = round((time.perf_counter() - started) / orders, 3)
        print(json.dumps(line, ensure_ascii=False), flush=True)
        lines.append(line)
    medians = [float(line["ari_median"]) for line in lines]
    summary = {
        "bench": "opinion-parity-summary",
        "conversations": len(lines),
        "orders": orders,
        "median_of_medians": round(statistics.median(medians), 4),
        "lowest_median": round(min(medians), 4),
        "lowest_ari": min(float(line["ari_min"]) for line in lines),
        "group_count_equal": sum(line["groups"] == [line["polis_groups"]] for line in lines),
    }
    print(json.dumps(summary), flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deliberate bench opinion", description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="a Pol.is export folder")
    source.add_argument("--synthetic", type=_shape, metavar="PxC", help="a generated conversation, e.g. 10000x1000")
    source.add_argument(
        "--parity", type=Path, nargs="*", metavar="DIR", help="ARI against Pol.is' groups (default: six exports)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="cold computes to time (default 3)")
    parser.add_argument("--orders", type=int, default=20, help="row orders per conversation for --parity")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.orders < 1:
        parser.error("--orders must be at least 1")
    try:
        if args.parity is not None:
            run_parity(args.parity or [POLIS_DATA / name for name in PARITY_SETS], args.orders)
            return 0
        report = run(None if args.synthetic else args.dataset, args.synthetic, args.repeat)
    except (PolisFormatError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
