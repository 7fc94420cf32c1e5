#!/usr/bin/python3
"""Trains the project's demo vision-language model on Fashion-MNIST and exports it to ONNX.

A tiny CLIP-like dual encoder:
  image tower  28x28 grey -> 7x7 patches (16 tokens) + CLS, width W, 4 pre-norm blocks, CLS -> proj 64
  text tower   word tokens (context 12, <start> ... <end> <pad>), width W, 2 pre-norm causal blocks,
               the <end> token's state -> proj 64
trained with CLIP's symmetric contrastive loss (learnable temperature); images whose captions are
identical are all positives of each other (soft targets), since a batch repeats captions.
Captions: class name plus attributes measured on the pixels, each split at the training median:
brightness of lit pixels (dark/light), fraction lit (small/large), mean gradient magnitude over the
lit area (plain/patterned); each attribute kept with probability 0.6, order shuffled.
Auxiliary encoder (the E of MonoSemanticity): a small convolutional autoencoder trained separately
on reconstruction; its 32-d bottleneck is the embedding.

Outputs in tools/demo-model/model/:
  image.onnx  input pixel_values [batch,1,28,28] (already normalised: (x/255 - 0.2860)/0.3530)
              outputs block0..block3 [batch,17,W], image_embeds [batch,64] (unit norm)
  text.onnx   input input_ids int64 [batch,12]; outputs block0, block1 [batch,12,W], text_embeds [batch,64]
  aux.onnx    input pixel_values [batch,1,28,28] (x/255) -> embedding [batch,32]
  vocab.txt   one word per line, line number = token id
  config.json preprocessing constants, class names, prompt template, logit scale, torch zero-shot accuracy
  expected_*.npy  torch outputs of the first 4 test images / prompts (oracle for the C# tests)
Run: /usr/bin/python3 tools/demo-model/train.py [--epochs N] [--width W]
"""
import argparse, glob, gzip, json, math, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--width", type=int, default=64)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--aux-epochs", type=int, default=1)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
rng = np.random.default_rng(0)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "model")
os.makedirs(OUT, exist_ok=True)

CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
MEAN, STD = 0.2860, 0.3530
CTX = 12


def find(name):
    hits = glob.glob(f"/usr/share/**/{name}", recursive=True)
    if not hits:
        raise SystemExit(f"{name} not found under /usr/share: install Debian's dataset-fashion-mnist")
    return hits[0]


def idx(name):
    with gzip.open(find(name), "rb") as f:
        d = f.read()
    rank = d[3]
    dims = [int.from_bytes(d[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(d, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


xtr, ytr = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
xte, yte = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")


def attributes(x):
    x = x.astype(np.float32) / 255.0
    lit = x > 0.1
    n = lit.sum(axis=(1, 2)).clip(min=1)
    bright = (x * lit).sum(axis=(1, 2)) / n
    frac = lit.mean(axis=(1, 2))
    gy, gx = np.gradient(x, axis=(1, 2))
    grad = (np.hypot(gx, gy) * lit).sum(axis=(1, 2)) / n
    return np.stack([bright, frac, grad], 1)


atr = attributes(xtr)
med = np.median(atr, axis=0)
WORDS = [("dark", "light"), ("small", "large"), ("plain", "patterned")]
vocab = ["<pad>", "<start>", "<end>", "a", "photo", "of"] + [w for pair in WORDS for w in pair] + CLASSES
wid = {w: i for i, w in enumerate(vocab)}
PAD, START, END = 0, 1, 2


def caption(cls, a, r):
    words = [WORDS[k][int(a[k] > med[k])] for k in range(3) if r.random() < 0.6]
    r.shuffle(words)
    return ["a", "photo", "of", "a"] + words + [CLASSES[cls]]


def encode(words):
    ids = [START] + [wid[w] for w in words] + [END]
    return ids + [PAD] * (CTX - len(ids))


class Block(nn.Module):
    def __init__(self, w, heads, causal):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(w), nn.LayerNorm(w)
        self.attn = nn.MultiheadAttention(w, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(w, 2 * w), nn.GELU(), nn.Linear(2 * w, w))
        self.causal = causal

    def forward(self, x):
        h = self.ln1(x)
        mask = None
        if self.causal:
            n = x.shape[1]
            mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class ImageTower(nn.Module):
    def __init__(self, w, depth=4):
        super().__init__()
        self.patch = nn.Conv2d(1, w, 7, 7)
        self.cls = nn.Parameter(torch.randn(1, 1, w) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, 17, w) * 0.02)
        self.blocks = nn.ModuleList([Block(w, 4, False) for _ in range(depth)])
        self.ln = nn.LayerNorm(w)
        self.proj = nn.Linear(w, 64, bias=False)

    def forward(self, x):
        t = self.patch(x).flatten(2).transpose(1, 2)
        t = torch.cat([self.cls.expand(t.shape[0], -1, -1), t], 1) + self.pos
        outs = []
        for b in self.blocks:
            t = b(t)
            outs.append(t)
        e = F.normalize(self.proj(self.ln(t[:, 0])), dim=-1)
        return outs, e


class TextTower(nn.Module):
    def __init__(self, w, depth=2):
        super().__init__()
        self.emb = nn.Embedding(len(vocab), w)
        self.pos = nn.Parameter(torch.randn(1, CTX, w) * 0.02)
        self.blocks = nn.ModuleList([Block(w, 4, True) for _ in range(depth)])
        self.ln = nn.LayerNorm(w)
        self.proj = nn.Linear(w, 64, bias=False)

    def forward(self, ids):
        t = self.emb(ids) + self.pos
        outs = []
        for b in self.blocks:
            t = b(t)
            outs.append(t)
        end = (ids == END).to(torch.int64).argmax(dim=1)
        pooled = t[torch.arange(t.shape[0]), end]
        e = F.normalize(self.proj(self.ln(pooled)), dim=-1)
        return outs, e


img, txt = ImageTower(args.width), TextTower(args.width)
logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
params = list(img.parameters()) + list(txt.parameters()) + [logit_scale]
print("parameters:", sum(p.numel() for p in params))
B = 256
steps = args.epochs * (len(xtr) // B)
opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=steps, pct_start=0.1)
xtr_t = (torch.from_numpy(xtr.copy()).float().unsqueeze(1) / 255.0 - MEAN) / STD
xte_t = (torch.from_numpy(xte.copy()).float().unsqueeze(1) / 255.0 - MEAN) / STD
prompts = torch.tensor([encode(["a", "photo", "of", "a", c]) for c in CLASSES])


def zero_shot(n=None):
    img.eval(); txt.eval()
    with torch.no_grad():
        _, te = txt(prompts)
        correct = 0
        m = len(xte) if n is None else n
        for i in range(0, m, 1000):
            _, ie = img(xte_t[i:min(m, i + 1000)])
            correct += (ie @ te.T).argmax(1).eq(torch.from_numpy(yte[i:min(m, i + 1000)]).long()).sum().item()
    img.train(); txt.train()
    return correct / m


t0 = time.time()
step = 0
for epoch in range(args.epochs):
    perm = rng.permutation(len(xtr))
    for s in range(len(xtr) // B):
        bi = perm[s * B:(s + 1) * B]
        x = xtr_t[bi]
        flip = torch.from_numpy(rng.random(B) < 0.5)
        x = torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)
        caps = [caption(int(ytr[i]), atr[i], rng) for i in bi]
        ids = torch.tensor([encode(c) for c in caps])
        same = torch.tensor([[a == b for b in caps] for a in caps], dtype=torch.float32)
        target = same / same.sum(1, keepdim=True)
        _, ie = img(x)
        _, te = txt(ids)
        logits = logit_scale.exp().clamp(max=100) * ie @ te.T
        loss = 0.5 * (torch.sum(-target * F.log_softmax(logits, 1), 1).mean() + torch.sum(-target * F.log_softmax(logits.T, 1), 1).mean())
        opt.zero_grad(); loss.backward(); opt.step(); sched.step(); step += 1
        if step % 10 == 0:
            print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s", flush=True)
    print(f"epoch {epoch}: zero-shot on 2000 test images {zero_shot(2000):.3f} ({time.time() - t0:.0f}s)", flush=True)
acc = zero_shot()
print(f"zero-shot accuracy on the 10000 test images (torch): {acc:.4f}", flush=True)


class Aux(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(32 * 7 * 7, 32))
        self.dec = nn.Sequential(nn.Linear(32, 32 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (32, 7, 7)),
                                 nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(16, 1, 4, 2, 1), nn.Sigmoid())

    def forward(self, x):
        return self.enc(x)


aux = Aux()
aopt = torch.optim.Adam(aux.parameters(), lr=2e-3)
xa = torch.from_numpy(xtr).float().unsqueeze(1) / 255.0
for epoch in range(args.aux_epochs):
    perm = rng.permutation(len(xtr))
    for s in range(len(xtr) // B):
        x = xa[perm[s * B:(s + 1) * B]]
        rec = aux.dec(aux.enc(x))
        l = F.mse_loss(rec, x)
        aopt.zero_grad(); l.backward(); aopt.step()
    print(f"aux epoch {epoch}: reconstruction mse {l.item():.4f}", flush=True)

img.eval(); txt.eval(); aux.eval()


class ImageExport(nn.Module):
    def __init__(self, m):
        super().__init__(); self.m = m

    def forward(self, x):
        outs, e = self.m(x)
        return (*outs, e)


class TextExport(ImageExport):
    pass


x4 = xte_t[:4]
ids4 = prompts[:4]
with torch.no_grad():
    iouts, ie = img(x4)
    touts, te = txt(ids4)
    ae = aux(torch.from_numpy(xte[:4]).float().unsqueeze(1) / 255.0)
inames = [f"block{i}" for i in range(len(img.blocks))] + ["image_embeds"]
tnames = [f"block{i}" for i in range(len(txt.blocks))] + ["text_embeds"]
torch.onnx.export(ImageExport(img), x4, os.path.join(OUT, "image.onnx"), input_names=["pixel_values"], output_names=inames,
                  dynamic_axes={"pixel_values": {0: "batch"}, **{n: {0: "batch"} for n in inames}}, opset_version=14)
torch.onnx.export(TextExport(txt), ids4, os.path.join(OUT, "text.onnx"), input_names=["input_ids"], output_names=tnames,
                  dynamic_axes={"input_ids": {0: "batch"}, **{n: {0: "batch"} for n in tnames}}, opset_version=14)
torch.onnx.export(aux, torch.from_numpy(xte[:4]).float().unsqueeze(1) / 255.0, os.path.join(OUT, "aux.onnx"), input_names=["pixel_values"],
                  output_names=["embedding"], dynamic_axes={"pixel_values": {0: "batch"}, "embedding": {0: "batch"}}, opset_version=14)
for n, t in zip(inames, list(iouts) + [ie]):
    np.save(os.path.join(OUT, f"expected_image_{n}.npy"), t.numpy())
for n, t in zip(tnames, list(touts) + [te]):
    np.save(os.path.join(OUT, f"expected_text_{n}.npy"), t.numpy())
np.save(os.path.join(OUT, "expected_aux_embedding.npy"), ae.numpy())
np.save(os.path.join(OUT, "expected_text_input_ids.npy"), ids4.numpy())
with open(os.path.join(OUT, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab) + "\n")
with open(os.path.join(OUT, "config.json"), "w") as f:
    json.dump({"classes": CLASSES, "prompt": "a photo of a {}", "context_length": CTX, "pad_id": PAD, "start_id": START, "end_id": END,
               "pixel_mean": MEAN, "pixel_std": STD, "aux_pixel_mean": 0.0, "aux_pixel_std": 1.0, "width": args.width,
               "image_blocks": len(img.blocks), "text_blocks": len(txt.blocks), "logit_scale": float(logit_scale.exp()),
               "epochs": args.epochs, "torch_zero_shot_accuracy": acc, "train_seconds": round(time.time() - t0),
               "attribute_medians": {"brightness": float(med[0]), "lit_fraction": float(med[1]), "gradient": float(med[2])}}, f, indent=2)
print("done", sorted(os.listdir(OUT)))
