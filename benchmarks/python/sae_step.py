#!/usr/bin/env python3
"""PyTorch CPU reference for the SAE training-step benchmark (run with /usr/bin/python3).

One BatchTopK training step written the way the public trainers (dictionary_learning,
SAELens) write it: dense matmuls for encoder and decoder, autograd, AuxK on dead latents,
decoder-gradient projection, gradient clipping, Adam, decoder renormalisation.
Prints one line: "samples_per_second <value>".

    python3 sae_step.py --d 768 --n 12288 --k 32 --batch 4096 --threads 2 --steps 3 --dead 0.25
"""
import argparse
import time

import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--d", type=int, default=768)
    p.add_argument("--n", type=int, default=12288)
    p.add_argument("--k", type=int, default=32)
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--dead", type=float, default=0.25, help="fraction of latents marked dead (AuxK acts on them)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    d, n, k, B = a.d, a.n, a.k, a.batch
    w_dec = torch.nn.Parameter(torch.nn.functional.normalize(torch.randn(n, d), dim=1))
    w_enc = torch.nn.Parameter(w_dec.detach().t().clone())
    b_enc = torch.nn.Parameter(torch.zeros(n))
    b_dec = torch.nn.Parameter(torch.zeros(d))
    params = [w_enc, b_enc, w_dec, b_dec]
    opt = torch.optim.Adam(params, lr=1e-4)
    x = torch.randn(B, d)
    dead = torch.zeros(n, dtype=torch.bool)
    dead[: int(n * a.dead)] = True  # exercise AuxK as a trained SAE with some dead latents would

    def step():
        pre = torch.relu((x - b_dec) @ w_enc + b_enc)
        flat = pre.flatten()
        vals, idx = flat.topk(k * B, sorted=False)
        z = torch.zeros_like(flat).scatter_(0, idx, vals).view(B, n)
        x_hat = z @ w_dec + b_dec
        e = x - x_hat
        loss = e.pow(2).sum(-1).mean()
        k_aux = min(d // 2, int(dead.sum()))
        if k_aux == 0:
            total = loss
        else:
            aux_pre = torch.where(dead[None], pre, torch.zeros_like(pre))
            av, ai = aux_pre.topk(k_aux, dim=-1, sorted=False)
            z_aux = torch.zeros_like(pre).scatter_(-1, ai, av)
            e_hat = z_aux @ w_dec
            e_det = e.detach()
            aux = (e_det - e_hat).pow(2).sum(-1).mean() / (e_det - e_det.mean(0)).pow(2).sum(-1).mean()
            total = loss + aux / 32
        opt.zero_grad(set_to_none=True)
        total.backward()
        with torch.no_grad():
            g = w_dec.grad
            g -= (g * w_dec).sum(-1, keepdim=True) * w_dec
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():
            w_dec.div_(w_dec.norm(dim=-1, keepdim=True))

    step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    dt = (time.perf_counter() - t0) / a.steps
    print(f"samples_per_second {B / dt:.1f}")


if __name__ == "__main__":
    main()
