"""Two principal components of the centred, imputed rating matrix, and the sparsity-scaled projection.

Pol.is finds the components by 100 rounds of power iteration with deflation. The exact top-2 eigenvectors of
YᵀY are the same vectors (checked: |cos| = 1 on the open-data conversations), so we solve for them directly, which
is both faster and independent of the start vector. Signs are arbitrary; we keep the previous tick's orientation
so the map does not flip, and on a first tick point the largest entry of each component to +.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

N_COMPONENTS = 2
# Above this many statements (and participants) the Gram matrix would be too big to form; use a Lanczos solver.
DENSE_GRAM_LIMIT = 3000


def principal_components(
    centred: sp.csr_matrix,
    previous: np.ndarray | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Return a (2, C) array of unit components (a zero row where the data has no variance in that direction).

    `previous` is a (2, C) array aligned with the current columns (new columns as 0) used only for orientation.
    """
    n_rows, n_cols = centred.shape
    comps = np.zeros((N_COMPONENTS, n_cols))
    if n_rows == 0 or n_cols == 0:
        return comps
    if n_cols == 1:
        comps[0, 0] = 1.0
        return comps
    k = min(N_COMPONENTS, n_cols)
    if n_cols <= DENSE_GRAM_LIMIT:
        gram = (centred.T @ centred).toarray()
        evals, evecs = scipy.linalg.eigh(gram, subset_by_index=[n_cols - k, n_cols - 1])
    elif n_rows <= DENSE_GRAM_LIMIT:
        # Same non-zero spectrum from the row side: YYᵀu = λu gives v = Yᵀu / √λ.
        row_gram = (centred @ centred.T).toarray()
        evals, u = scipy.linalg.eigh(row_gram, subset_by_index=[max(n_rows - k, 0), n_rows - 1])
        evecs = np.asarray(centred.T @ u)
        norms = np.linalg.norm(evecs, axis=0)
        evecs = np.divide(evecs, norms, out=np.zeros_like(evecs), where=norms > 0)
    else:
        gen = rng if rng is not None else np.random.default_rng(0)
        start = previous[0] if previous is not None and np.any(previous[0]) else gen.random(n_cols)
        op = spla.LinearOperator(
            (n_cols, n_cols), matvec=lambda v: centred.T @ (centred @ v), dtype=float
        )  # never materialise YᵀY
        evals, evecs = spla.eigsh(op, k=k, which="LA", v0=start)
    order = np.argsort(evals)[::-1]
    evals, evecs = evals[order], evecs[:, order]
    top = max(float(evals[0]), 0.0)
    for i in range(evecs.shape[1]):
        # Directions with (numerically) no variance are noise; Pol.is' deflated iteration would give 0 there.
        if evals[i] <= 1e-12 or evals[i] <= 1e-9 * top:
            continue
        vec = evecs[:, i]
        comps[i] = vec / np.linalg.norm(vec)
    return orient(comps, previous)


def orient(comps: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Flip components to agree with the previous tick, or to a deterministic sign on a first tick."""
    out = comps.copy()
    for i in range(out.shape[0]):
        vec = out[i]
        if not np.any(vec):
            continue
        if previous is not None and np.any(previous[i]):
            sign = np.sign(float(vec @ previous[i])) or 1.0
        else:
            sign = np.sign(vec[int(np.argmax(np.abs(vec)))]) or 1.0
        out[i] = vec * sign
    return out


def project(centred: sp.csr_matrix, comps: np.ndarray, row_counts: np.ndarray) -> np.ndarray:
    """Participant positions (P, 2): the projection of each centred row, pushed out by √(C / votes).

    The CSR product sums each row in the same order, so participants with identical votes land on exactly the same
    point, which matters for k-means' "first distinct points" seeding.
    """
    n_rows, n_cols = centred.shape
    raw = np.asarray(centred @ comps.T).reshape(n_rows, N_COMPONENTS)
    scale = np.sqrt(n_cols / np.maximum(row_counts, 1))
    projected: np.ndarray = raw * scale[:, None]
    return projected


def statement_positions(comps: np.ndarray, column_means: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Where a participant agreeing with only statement j would land: √C · (1 − c_j) · pc_j, shape (C, 2)."""
    n_cols = column_means.size
    pos: np.ndarray = (np.sqrt(n_cols) * (1.0 - column_means))[:, None] * comps.T
    pos[excluded] = 0.0
    return pos
