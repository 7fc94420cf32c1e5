#!/usr/bin/python3
"""Reference for the `eval-overlap-cli` benchmark: cluster-feature overlap in numpy's GEMM form.

Run:  /usr/bin/python3 benchmarks/python/overlap_numpy.py CODES(.npy|.npz) ACTS.npy CENTROIDS.npy OUTDIR [--tau 0.5]
O_jk = sum_n c_nj a_nk / sqrt(sum_n c_nj^2 * sum_n a_nk^2) (Bila et al. 2025, eq. 1) with c = (1 + cos(x_n, mu_j))/2
(eq. 4) and a the min-max scaled codes; constant features give NaN. Then the work `mlnc eval overlap` does
after the sums: the pairs with O >= tau, sorted, and the one-to-one matching that maximises the summed
overlap (scipy.optimize.linear_sum_assignment); writes OUTDIR/overlap.npy (float32), matches.csv and
one_to_one.csv. Dense codes: one SGEMM c^T w in float32 (float64 for the sums of squares); CSR codes
(scipy.sparse.save_npz or `mlnc sae encode --sparse`): scipy.sparse, O(nnz * J).
"""
import argparse, os, time
import numpy as np
from scipy.optimize import linear_sum_assignment

t0 = time.perf_counter()
p = argparse.ArgumentParser()
p.add_argument("codes"); p.add_argument("acts"); p.add_argument("centroids"); p.add_argument("out")
p.add_argument("--tau", type=float, default=0.5)
a = p.parse_args()
x = np.load(a.acts, mmap_mode="r")
mu = np.load(a.centroids).astype(np.float32, copy=False)
xn = x / np.linalg.norm(x, axis=1, keepdims=True)
c = (1 + np.clip(xn @ (mu / np.linalg.norm(mu, axis=1, keepdims=True)).T, -1, 1)) / 2
c2 = np.einsum("nj,nj->j", c, c, dtype=np.float64)
if a.codes.endswith(".npz"):
    import scipy.sparse as sp
    z = np.load(a.codes)
    w = sp.csr_matrix((z["data"] if "data" in z else z["values"], z["indices"], z["indptr"]), shape=tuple(z["shape"])).astype(np.float32)
    lo = w.min(axis=0).toarray().ravel()
    hi = w.max(axis=0).toarray().ravel()
    if np.any(lo != 0):
        raise SystemExit("sparse reference assumes column minima of 0")
    rng = np.where(hi > lo, hi - lo, 1).astype(np.float32)
    w = (w @ sp.diags(1 / rng)).tocsr()
    a2 = np.asarray(w.multiply(w).sum(axis=0)).ravel().astype(np.float64)
    cross = np.asarray(w.T @ c).T.astype(np.float64)
else:
    codes = np.load(a.codes, mmap_mode="r")
    lo = codes.min(axis=0)
    hi = codes.max(axis=0)
    rng = np.where(hi > lo, hi - lo, 1).astype(np.float32)
    w = (codes - lo) / rng
    a2 = np.einsum("nk,nk->k", w, w, dtype=np.float64)
    cross = (c.T @ w).astype(np.float64)
with np.errstate(invalid="ignore", divide="ignore"):
    o = np.clip(cross / np.sqrt(c2[:, None] * a2[None, :]), -1, 1)
o[:, hi == lo] = np.nan
os.makedirs(a.out, exist_ok=True)
np.save(os.path.join(a.out, "overlap.npy"), o.astype(np.float32))
j, k = np.nonzero(o >= a.tau)
order = np.lexsort((k, j, -o[j, k]))
np.savetxt(os.path.join(a.out, "matches.csv"), np.column_stack([j[order], k[order], o[j, k][order]]), delimiter=",", header="cluster,feature,overlap", comments="", fmt=["%d", "%d", "%.17g"])
live = np.nonzero(~np.all(np.isnan(o), axis=0))[0]
rows, cols = linear_sum_assignment(np.nan_to_num(o[:, live]), maximize=True)
pairs = sorted(zip(rows, live[cols], o[rows, live[cols]]), key=lambda t: (-t[2], t[0]))
np.savetxt(os.path.join(a.out, "one_to_one.csv"), np.array([(r, f, v, v >= a.tau) for r, f, v in pairs], dtype=float).reshape(-1, 4), delimiter=",", header="cluster,feature,overlap,matched", comments="", fmt=["%d", "%d", "%.17g", "%d"])
print(f"numpy overlap {w.shape[0]}x{w.shape[1]} J={mu.shape[0]}: {len(order)} matches, {time.perf_counter() - t0:.3f} s in Python")
