#!/usr/bin/python3
"""Times scipy.optimize.linear_sum_assignment on a cost matrix written by the eval benchmark.

usage: eval_assignment.py COST.npy [REPEATS]
Prints one line: "scipy_seconds=<best> total=<objective>" (maximisation, as stability uses).
"""
import sys
import time
import numpy as np
from scipy.optimize import linear_sum_assignment

score = np.load(sys.argv[1]).astype(np.float64)
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
best = float("inf")
for _ in range(repeats):
    t0 = time.perf_counter()
    r, c = linear_sum_assignment(score, maximize=True)
    best = min(best, time.perf_counter() - t0)
print(f"scipy_seconds={best:.4f} total={score[r, c].sum():.9f}")
