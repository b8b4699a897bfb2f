#!/usr/bin/python3
"""The PyTorch half of bin/bench-trainer: the network of `nas bench-trainer`, trained the same way
(SGD, momentum 0.9, lr 0.05, fixed batch order, first N Fashion-MNIST images standardised),
timed the same way (one warm-up epoch, best of R timed epochs). Also measures this machine's
float32 matmul peak with the same threads, for the FLOP-rate share."""
import argparse
import gzip
import json
import time

import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--images", type=int, default=3200)
p.add_argument("--repeats", type=int, default=3)
p.add_argument("--network-json", help="the network `nas bench-trainer --print-network` printed (default: the CNN)")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[: a.images].astype(np.float32) / 255
with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[: a.images].astype(np.int64)
x = torch.from_numpy((x - x.mean()) / x.std())
y = torch.from_numpy(y)


def block(i, o, s):
    return [nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]


class Residual(nn.Module):
    def __init__(self, body, shortcut):
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, v):
        return self.body(v) + self.shortcut(v)


def build(spec, channels):
    """The module of one layer of the JSON; `channels` is what reaches it (the stem reads grey)."""
    t = spec["type"]
    if t == "conv":
        return nn.Conv2d(channels, spec["out"], spec["kernel"], spec["stride"], spec["kernel"] // 2,
                         groups=spec["groups"], bias=spec["bias"]), spec["out"]
    if t == "batchnorm":
        return nn.BatchNorm2d(spec["channels"]), channels
    if t in ("relu", "relu6"):
        return (nn.ReLU() if t == "relu" else nn.ReLU6()), channels
    if t == "globalavgpool":
        return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()), channels
    if t == "linear":
        return nn.Linear(spec["in"], spec["out"]), spec["out"]
    if t == "identity":
        return nn.Identity(), channels
    if t == "sequence":
        mods = []
        for layer in spec["layers"]:
            m, channels = build(layer, channels)
            mods.append(m)
        return nn.Sequential(*mods), channels
    if t == "residual":
        body, out = build(spec["body"], channels)
        shortcut, _ = build(spec["shortcut"], channels)
        return Residual(body, shortcut), out
    raise ValueError(f"unknown layer {t}")


if a.network_json:
    with open(a.network_json) as f:
        spec = json.load(f)
    net, _ = build(spec["layer"], 1)
    macs = spec["macs"]
else:
    net = nn.Sequential(*block(1, 32, 1), *block(32, 64, 2), *block(64, 128, 2), nn.AdaptiveAvgPool2d(1),
                        nn.Flatten(), nn.Linear(128, 10))
    macs = 28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 7 * 7 * 128 * 64 * 9 + 128 * 10
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
batches = a.images // a.batch


def epoch():
    for b in range(batches):
        xb, yb = x[b * a.batch:(b + 1) * a.batch], y[b * a.batch:(b + 1) * a.batch]
        opt.zero_grad()
        loss_fn(net(xb), yb).backward()
        opt.step()


net.train()
epoch()
best = 0.0
for _ in range(a.repeats):
    t = time.perf_counter()
    epoch()
    best = max(best, batches * a.batch / (time.perf_counter() - t))

m = torch.randn(1024, 1024)
torch.mm(m, m)
peak = 0.0
for _ in range(5):
    t = time.perf_counter()
    for _ in range(4):
        torch.mm(m, m)
    peak = max(peak, 4 * 2 * 1024 ** 3 / (time.perf_counter() - t) / 1e9)
print(f"pytorch network={'json' if a.network_json else 'cnn'} threads={a.threads} batch={a.batch} images_per_s={best:.1f} gflops={best * macs * 6 / 1e9:.2f}"
      f" matmul_peak_gflops={peak:.1f} torch={torch.__version__}")
