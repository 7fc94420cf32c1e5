#!/usr/bin/python3
"""Data for the streamed `mlnc eval ms` benchmark (issue 11): an input too large to load whole.

Run:  /usr/bin/python3 benchmarks/python/streaming_ms_data.py OUTDIR [--rows 50000] [--latents 12288] [--width 768]
Writes (with --npz also OUTDIR/codes.npz, the same codes as CSR) OUTDIR/codes.npy (rows × latents float32, ReLU of Gaussians minus 1.5: about 7% active,
2.46 GB at the default size), OUTDIR/emb.npy (rows × width float32) and OUTDIR/oracle.npy: the
MonoSemanticity of the first 256 latents computed here in float64 with the linear form
MS_k = (|v_k|^2 - S2)/(S1^2 - S2) on min-max scaled codes and unit embeddings (Pach et al. 2025,
eq. 9), the in-memory result on a column slice to compare the streamed run with. Never commit the output.
"""
import argparse, os
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--rows", type=int, default=50000)
p.add_argument("--latents", type=int, default=12288)
p.add_argument("--width", type=int, default=768)
p.add_argument("--npz", action="store_true", help="also write OUTDIR/codes.npz (CSR, scipy.sparse.save_npz)")
a = p.parse_args()
os.makedirs(a.out, exist_ok=True)
rng = np.random.default_rng(11)
N, K, E, SLICE = a.rows, a.latents, a.width, 256
codes = np.lib.format.open_memmap(os.path.join(a.out, "codes.npy"), mode="w+", dtype=np.float32, shape=(N, K))
emb = rng.normal(size=(N, E)).astype(np.float32)
# Latent k leans towards embedding direction k % E, so scores spread out instead of sitting near 0.
for start in range(0, N, 2000):
    stop = min(N, start + 2000)
    z = rng.normal(size=(stop - start, K)).astype(np.float32)
    z += 0.5 * np.tile(emb[start:stop] / np.linalg.norm(emb[start:stop], axis=1, keepdims=True) * np.sqrt(E), K // E + 1)[:, :K]
    codes[start:stop] = np.maximum(z - 1.5, 0)
codes.flush()
np.save(os.path.join(a.out, "emb.npy"), emb)
s = np.asarray(codes[:, :SLICE], dtype=np.float64)
lo, hi = s.min(axis=0), s.max(axis=0)
w = (s - lo) / np.where(hi > lo, hi - lo, 1)
u = emb.astype(np.float64)
u /= np.linalg.norm(u, axis=1, keepdims=True)
v = w.T @ u
s1, s2 = w.sum(axis=0), (w * w).sum(axis=0)
ms = ((v * v).sum(axis=1) - s2) / (s1 * s1 - s2)
ms[(hi == lo) | ((w > 0).sum(axis=0) <= 1)] = np.nan
np.save(os.path.join(a.out, "oracle.npy"), ms)
if a.npz:
    import scipy.sparse as sp
    sp.save_npz(os.path.join(a.out, "codes.npz"), sp.vstack([sp.csr_matrix(codes[i:i + 2000]) for i in range(0, N, 2000)]).tocsr(), compressed=False)
print(f"wrote {N} x {K} codes, {N} x {E} embeddings, oracle for {SLICE} latents to {a.out}")
