#!/usr/bin/python3
"""scikit-learn side of the `kmeans-cli` benchmark: the whole job `mlnc cluster --method kmeans` does, as a
scikit-learn user writes it, timed as a whole process by the C# harness.

Run:  /usr/bin/python3 benchmarks/python/kmeans_cli.py X.npy K ITERS SEED OUTDIR
Loads the float32 matrix, fits KMeans (greedy k-means++ seeding, one initialisation, Lloyd, at most ITERS
iterations, tol 0), writes OUTDIR/labels.npy and OUTDIR/centroids.npy and prints the inertia and the
iteration count. Threads follow OMP_NUM_THREADS / OPENBLAS_NUM_THREADS, which the harness sets.
"""
import os, sys
import numpy as np
from sklearn.cluster import KMeans

path, k, iters, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
x = np.load(path)
km = KMeans(n_clusters=k, n_init=1, max_iter=iters, tol=0.0, random_state=seed, algorithm="lloyd").fit(x)
os.makedirs(out, exist_ok=True)
np.save(os.path.join(out, "labels.npy"), km.labels_.astype(np.int32))
np.save(os.path.join(out, "centroids.npy"), km.cluster_centers_.astype(np.float32))
print(f"inertia {km.inertia_:.9g} iterations {km.n_iter_}")
