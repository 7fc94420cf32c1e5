#!/usr/bin/python3
"""Reference for the `eval-ms-clusters-cli` benchmark: cluster MonoSemanticity in numpy's GEMM form.

Run:  /usr/bin/python3 benchmarks/python/ms_clusters_numpy.py ACTS.npy CENTROIDS.npy EMB.npy OUT.npy
Weights d_nj = (1 + cos(a_n, mu_j))/2 (Bila et al. 2025, eq. 4), one SGEMM of unit rows by unit centroids;
MS_j = (|v_j|^2 - S2_j)/(S1_j^2 - S2_j) with v = d^T u (one SGEMM), S1, S2 in float64 (eq. 5, the linear
form of Pach et al. 2025, eq. 9). Float32 throughout otherwise, the way a numpy user writes it. Writes the
scores to OUT.npy; prints the time inside Python (the benchmark times the whole process).
"""
import sys, time
import numpy as np

t0 = time.perf_counter()
acts_path, cent_path, emb_path, out_path = sys.argv[1:5]
x = np.load(acts_path, mmap_mode="r")
c = np.load(cent_path).astype(np.float32, copy=False)
emb = np.load(emb_path, mmap_mode="r")
xn = x / np.linalg.norm(x, axis=1, keepdims=True)
cn = c / np.linalg.norm(c, axis=1, keepdims=True)
d = (1 + np.clip(xn @ cn.T, -1, 1)) / 2
u = emb / np.linalg.norm(emb, axis=1, keepdims=True)
s1 = d.sum(axis=0, dtype=np.float64)
s2 = np.einsum("nj,nj->j", d, d, dtype=np.float64)
v = (d.T @ u).astype(np.float64)
ms = ((v * v).sum(axis=1) - s2) / (s1 * s1 - s2)
ms[(d > 0).sum(axis=0) <= 1] = np.nan
np.save(out_path, ms)
print(f"numpy cluster MS {x.shape[0]}x{x.shape[1]} J={c.shape[0]} e={u.shape[1]}: {time.perf_counter() - t0:.3f} s in Python")
