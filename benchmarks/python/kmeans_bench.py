#!/usr/bin/python3
"""scikit-learn side of the k-means benchmark (run by the C# harness's `kmeans` suite).

For each k: Lloyd iterations from the same initial centres the C# side used (init_<k>.npy),
max_iter iterations with tol=0, then greedy k-means++ seeding alone. Prints one JSON object per k.
Threads follow OMP_NUM_THREADS / OPENBLAS_NUM_THREADS, which the harness sets.
"""
import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus

p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--init-dir", required=True)
p.add_argument("--ks", default="100,1000")
p.add_argument("--iters", type=int, default=50)
p.add_argument("--no-seeding", action="store_true")
a = p.parse_args()

X = np.load(a.data)
assert X.dtype == np.float32
for k in [int(v) for v in a.ks.split(",")]:
    init = np.load(f"{a.init_dir}/init_{k}.npy")
    km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=a.iters, tol=0.0, algorithm="lloyd")
    t0 = time.perf_counter()
    km.fit(X)
    lloyd = time.perf_counter() - t0
    seeding = None
    if not a.no_seeding:
        t0 = time.perf_counter()
        kmeans_plusplus(X, k, random_state=0)
        seeding = time.perf_counter() - t0
    print(json.dumps({"k": k, "lloyd_seconds": lloyd, "n_iter": int(km.n_iter_), "inertia": float(km.inertia_),
                      "seeding_seconds": seeding, "sklearn": sklearn.__version__}), flush=True)
