"""How well can any SAE with a linear encoder reconstruct superposed data, given the true dictionary?

The decoder is fixed to the planted features (features.npy from `mlnc synth superposition`), so the dictionary is
perfect by construction; only the encoder weights and both biases are trained (Adam, 200-step warm-up, linear decay
over the last 20 %), with the same TopK or BatchTopK selection the SAE uses. The held-out R² it reaches is an upper
bound for a trained SAE of that variant and k on that data: a learned dictionary can only do worse.

Usage (Debian's python3 with python3-torch and python3-numpy):
    mlnc synth superposition --out d40 --features 320 --dims 40 --samples 100000 --active 5 --seed 1
    /usr/bin/python3 tools/analysis/sae_encoder_ceiling.py d40 batchtopk 5 [steps=4000]
The last 10,000 rows are held out. docs/SAE-DEFAULTS.md records the results.
"""
import sys
import time

import numpy as np
import torch


def held_out_r2(reconstruction, x):
    return float(1 - ((x - reconstruction) ** 2).sum() / ((x - x.mean(0)) ** 2).sum())


def keep_top_k_per_row(pre, k):
    values, indices = pre.topk(k, dim=1)
    codes = torch.zeros_like(pre)
    codes.scatter_(1, indices, torch.relu(values))
    return codes


def main():
    folder, variant, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 4000
    if variant not in ("topk", "batchtopk"):
        sys.exit(f"variant must be topk or batchtopk, got {variant}")
    torch.set_num_threads(1)
    x_all = torch.tensor(np.load(f"{folder}/activations.npy"))
    features = torch.tensor(np.load(f"{folder}/features.npy"))  # M x d, unit rows
    train, test = x_all[:-10000], x_all[-10000:]
    generator = torch.Generator().manual_seed(1)
    # Start from the tied encoder (the transpose of the true dictionary): the usual SAE initialisation.
    w_enc = torch.nn.Parameter(features.T.clone())
    b_enc = torch.nn.Parameter(torch.zeros(features.shape[0]))
    b_dec = torch.nn.Parameter(torch.zeros(features.shape[1]))
    optimiser = torch.optim.Adam([w_enc, b_enc, b_dec], lr=1e-3)
    batch, threshold = 1024, None
    started = time.time()
    for step in range(steps):
        decay = 1.0 if step < 0.8 * steps else (steps - step) / (0.2 * steps)
        for group in optimiser.param_groups:
            group["lr"] = 1e-3 * min(1.0, (step + 1) / 200) * decay
        x = train[torch.randint(0, len(train), (batch,), generator=generator)]
        pre = (x - b_dec) @ w_enc + b_enc
        if variant == "topk":
            codes = keep_top_k_per_row(pre, k)
        else:
            flat = torch.relu(pre).flatten()
            kept, where = flat.topk(k * batch)
            codes = torch.zeros_like(flat)
            codes[where] = kept
            codes = codes.view(batch, -1)
            # The inference threshold: an EMA of the smallest kept activation, as BatchTopK SAEs use.
            smallest = kept.min().detach()
            threshold = smallest if threshold is None else 0.99 * threshold + 0.01 * smallest
        loss = ((codes @ features + b_dec - x) ** 2).sum(1).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        pre = (test - b_dec) @ w_enc + b_enc
        codes = keep_top_k_per_row(pre, k) if variant == "topk" else torch.relu(pre) * (pre > threshold)
        r2 = held_out_r2(codes @ features + b_dec, test)
        l0 = float((codes > 0).float().sum(1).mean())
    print(f"{folder} {variant} k={k} steps={steps}: held-out R2 {r2:.4f}, L0 {l0:.2f} ({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
