#!/usr/bin/python3
"""Data for the `eval-ms-clusters-cli`, `eval-overlap-cli` and `eval-energy-cli` benchmarks.

Run:  /usr/bin/python3 benchmarks/python/cluster_eval_data.py DIR [--clusters 100] [--width 768]
after `streaming_ms_data.py DIR --rows N --latents K [--npz]` has written DIR/codes.npy (+ codes.npz) and
DIR/emb.npy. Adds DIR/acts.npy (N x width float32: the activations that were clustered, a mixture of
--clusters Gaussian blobs whose centres lean on the embeddings) and DIR/centroids.npy (the blob means of the
rows, as a k-means run would leave them). Never commit the output.
"""
import argparse, os
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--clusters", type=int, default=100)
p.add_argument("--width", type=int, default=768)
a = p.parse_args()
rng = np.random.default_rng(13)
emb = np.load(os.path.join(a.dir, "emb.npy"), mmap_mode="r")
n, e = emb.shape
centres = rng.normal(size=(a.clusters, a.width)).astype(np.float32)
labels = rng.integers(0, a.clusters, size=n)
acts = np.lib.format.open_memmap(os.path.join(a.dir, "acts.npy"), mode="w+", dtype=np.float32, shape=(n, a.width))
proj = rng.normal(size=(e, a.width)).astype(np.float32) / np.sqrt(e)
for s in range(0, n, 4000):
    t = min(n, s + 4000)
    acts[s:t] = centres[labels[s:t]] + 0.8 * rng.normal(size=(t - s, a.width)).astype(np.float32) + 0.5 * (emb[s:t] @ proj)
acts.flush()
cent = np.stack([acts[labels == j].mean(axis=0) if np.any(labels == j) else centres[j] for j in range(a.clusters)]).astype(np.float32)
np.save(os.path.join(a.dir, "centroids.npy"), cent)
print(f"wrote {n} x {a.width} activations and {a.clusters} centroids to {a.dir}")
