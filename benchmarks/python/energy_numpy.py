#!/usr/bin/python3
"""Reference for the `eval-energy-cli` benchmark: energy per concept the way numpy does it.

Run:  /usr/bin/python3 benchmarks/python/energy_numpy.py CODES(.npy|.npz) OUT.npy
E_k = mean_n z_nk (Papadimitriou et al. 2025, sec. 3) in float64, its share E_k / sum E, the ranking and the
number of top concepts holding 50/90/99% of the total (the report `mlnc eval energy` writes). Dense codes are
memory-mapped; CSR codes go through scipy.sparse (O(nnz)). Writes the energies to OUT.npy.
"""
import sys, time
import numpy as np

t0 = time.perf_counter()
codes_path, out_path = sys.argv[1:3]
if codes_path.endswith(".npz"):
    import scipy.sparse as sp
    z = np.load(codes_path)
    a = sp.csr_matrix((z["data"] if "data" in z else z["values"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
    energy = np.asarray(a.sum(axis=0, dtype=np.float64)).ravel() / a.shape[0]
else:
    a = np.load(codes_path, mmap_mode="r")
    energy = a.sum(axis=0, dtype=np.float64) / a.shape[0]
total = energy.sum()
share = energy / total if total > 0 else np.full_like(energy, np.nan)
order = np.lexsort((np.arange(energy.size), -energy))
cum = np.cumsum(energy[order]) / total if total > 0 else np.zeros_like(energy)
counts = [int(np.searchsorted(cum, f - 1e-12) + 1) if total > 0 else 0 for f in (0.5, 0.9, 0.99)]
np.save(out_path, energy)
print(f"numpy energy {a.shape[0]}x{a.shape[1]}: 50/90/99% in {counts} concepts, {time.perf_counter() - t0:.3f} s in Python")
