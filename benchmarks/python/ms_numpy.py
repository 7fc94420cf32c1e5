#!/usr/bin/python3
"""Reference for the `eval-ms-cli` benchmark: MonoSemanticity by numpy's GEMM form of the linear formula.

Run:  /usr/bin/python3 benchmarks/python/ms_numpy.py CODES(.npy|.npz) EMB.npy OUT.npy
MS_k = (|v_k|^2 - S2_k)/(S1_k^2 - S2_k) with min-max scaled codes w, unit embeddings u,
v = w^T u (one SGEMM), S1 = sum_n w_nk, S2 = sum_n w_nk^2 (Pach et al. 2025, eq. 9 in linear form).
Dense codes: float32 throughout, the way a numpy user writes it (float64 for the sums of squares).
Sparse codes (CSR .npz from `mlnc sae encode --sparse` or scipy.sparse.save_npz): scipy.sparse, so
the product costs O(nnz * e); their column minimum is 0 when a column has an implicit zero.
Writes the scores (NaN = dead) to OUT.npy and prints the time inside Python (the benchmark times the
whole process).
"""
import sys, time
import numpy as np

t0 = time.perf_counter()
codes_path, emb_path, out_path = sys.argv[1:4]
emb = np.load(emb_path).astype(np.float32, copy=False)
u = emb / np.linalg.norm(emb, axis=1, keepdims=True)
if codes_path.endswith(".npz"):
    import scipy.sparse as sp
    z = np.load(codes_path)
    a = sp.csr_matrix((z["data"] if "data" in z else z["values"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
    a = a.astype(np.float32)
    n = a.shape[0]
    lo = a.min(axis=0).toarray().ravel()
    hi = a.max(axis=0).toarray().ravel()
    rng = np.where(hi > lo, hi - lo, 1).astype(np.float32)
    # w = (a - lo)/rng; lo is 0 for any column with an implicit zero, so w keeps a's sparsity then.
    w = (a @ sp.diags(1 / rng)).tocsr()
    if np.any(lo != 0):
        raise SystemExit("sparse reference assumes column minima of 0")
    s1 = np.asarray(w.sum(axis=0)).ravel().astype(np.float64)
    s2 = np.asarray(w.multiply(w).sum(axis=0)).ravel().astype(np.float64)
    support = np.diff(w.tocsc().indptr)
    v = np.asarray((w.T @ u))
else:
    a = np.load(codes_path, mmap_mode="r")
    n = a.shape[0]
    lo = a.min(axis=0)
    hi = a.max(axis=0)
    rng = np.where(hi > lo, hi - lo, 1).astype(np.float32)
    w = (a - lo) / rng
    s1 = w.sum(axis=0, dtype=np.float64)
    s2 = np.einsum("nk,nk->k", w, w, dtype=np.float64)
    support = np.count_nonzero(w > 0, axis=0)
    v = w.T @ u
v64 = v.astype(np.float64)
ms = ((v64 * v64).sum(axis=1) - s2) / (s1 * s1 - s2)
ms[(hi == lo) | (support <= 1)] = np.nan
np.save(out_path, ms)
print(f"numpy MS {a.shape[0]}x{a.shape[1]} e={u.shape[1]}: {time.perf_counter() - t0:.3f} s in Python")
