#!/usr/bin/python3
"""PyTorch's figures for the shapes and models of sparkcnn's bench (BenchMain), on the CPU.

With --serve (how BenchMain runs it) it answers timing requests, one JSON line per request
on stdin, so that the bench can alternate blocks of PyTorch and engine timings under the same
machine load. With --out it measures everything once and writes JSON. Case names must match
ConvCase.java and TrainCase.java. Uses Debian's python3-torch.
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# name, N, C, H(=W), K, kernel, stride, padding -- as ConvCase.ALL
CONV_CASES = [
    ("3x3 64->64 56x56 N=8", 8, 64, 56, 64, 3, 1, 1),
    ("3x3 128->128 28x28 N=8", 8, 128, 28, 128, 3, 1, 1),
    ("3x3 256->256 14x14 N=8", 8, 256, 14, 256, 3, 1, 1),
    ("7x7/2 3->64 224x224 N=8", 8, 3, 224, 64, 7, 2, 3),
    ("5x5 1->32 28x28 N=64", 64, 1, 28, 32, 5, 1, 0),
]


def seconds(fn, warmup, reps, warmup_s=0.0):
    """Wall times of reps calls, after at least warmup untimed calls and warmup_s seconds of them."""
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < warmup_s:
        fn()
        done += 1
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median_seconds(fn, warmup, reps):
    return statistics.median(seconds(fn, warmup, reps))


def conv_passes(n, c, hw, k, ks, stride, pad):
    """The three passes as the ops autograd itself calls, and their FLOPs (2 * MACs each)."""
    x = torch.randn(n, c, hw, hw)
    w = torch.randn(k, c, ks, ks)
    b = torch.randn(k)
    y = F.conv2d(x, w, b, stride, pad)
    dy = torch.randn_like(y)
    flops = 2.0 * n * k * y.shape[2] * y.shape[3] * c * ks * ks

    def backward(mask):
        return lambda: torch.ops.aten.convolution_backward(
            dy, x, w, [k], [stride, stride], [pad, pad], [1, 1], False, [0, 0], 1, mask)

    return flops, {"forward": lambda: F.conv2d(x, w, b, stride, pad),
                   "backward_data": backward([True, False, False]),
                   "backward_weights": backward([False, True, True])}


def conv_case(n, c, hw, k, ks, stride, pad, warmup, reps):
    """GFLOP/s of forward, backward-data and backward-weights."""
    flops, passes = conv_passes(n, c, hw, k, ks, stride, pad)
    with torch.no_grad():
        return {name: flops / median_seconds(fn, warmup, reps) * 1e-9 for name, fn in passes.items()}


class LeNet5(nn.Module):
    """As sparkcnn's zoo lenet5: conv5x5(6, pad 2)-relu-pool-conv5x5(16)-relu-pool-120-84-classes."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class ResNet18Cifar(nn.Module):
    """torchvision's resnet18 with a 3x3 stride-1 stem and no max pool, as sparkcnn's resnet18_cifar."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        blocks, cin = [], 64
        for stage, width in enumerate([64, 128, 256, 512]):
            for block in range(2):
                stride = 2 if stage > 0 and block == 0 else 1
                blocks.append(BasicBlock(cin, width, stride))
                cin = width
        self.layers = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class Bottleneck(nn.Module):
    """torchvision's v1.5 bottleneck: 1x1 - 3x3 (the stride) - 1x1 (4x width), BN after each, shortcut, relu."""

    def __init__(self, cin, width, stride):
        super().__init__()
        cout = 4 * width
        self.body = nn.Sequential(
            nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(self.body(x) + shortcut)


class ResNet50(nn.Module):
    """torchvision's resnet50 (25,557,032 parameters at 1000 classes), as sparkcnn's zoo resnet50."""

    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                                  nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], 64
        for stage, (width, count) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
            for block in range(count):
                stride = 2 if stage > 0 and block == 0 else 1
                blocks.append(Bottleneck(cin, width, stride))
                cin = 4 * width
        self.layers = nn.Sequential(*blocks)
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class MobileNetV1(nn.Module):
    """MobileNet-v1 width 1.0 as sparkcnn's zoo mobilenet_v1: 3x3/2 stem, 13 depthwise-separable blocks, ReLU, dropout 0.001."""

    BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
              (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]

    def __init__(self, classes=1000):
        super().__init__()
        layers, cin = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True)], 32
        for cout, stride in self.BLOCKS:
            layers += [nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU(inplace=True),
                       nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            cin = cout
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(1e-3)
        self.fc = nn.Linear(1024, classes)

    def forward(self, x):
        x = torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1)
        return self.fc(self.dropout(x))


class Conv2Plus1D(nn.Sequential):
    """A 3x3x3 convolution factored into (1,3,3) spatial and (3,1,1) temporal ones (Tran et al. 2018)."""

    def __init__(self, cin, cout, mid, stride):
        super().__init__(
            nn.Conv3d(cin, mid, (1, 3, 3), (1, stride, stride), (0, 1, 1), bias=False),
            nn.BatchNorm3d(mid), nn.ReLU(inplace=True),
            nn.Conv3d(mid, cout, (3, 1, 1), (stride, 1, 1), (1, 0, 0), bias=False))


class Block2Plus1D(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        # the mid-channel count that gives the factored pair the parameters of a full 3x3x3 conv
        mid = (cin * cout * 27) // (cin * 9 + 3 * cout)
        self.conv1 = nn.Sequential(Conv2Plus1D(cin, cout, mid, stride), nn.BatchNorm3d(cout), nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(Conv2Plus1D(cout, cout, mid, 1), nn.BatchNorm3d(cout))
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv3d(cin, cout, 1, stride, bias=False), nn.BatchNorm3d(cout))

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(self.conv2(self.conv1(x)) + shortcut)


class R2Plus1D18(nn.Module):
    """R(2+1)D-18 laid out as torchvision's r2plus1d_18 (31,505,325 parameters at 400 classes), as sparkcnn's zoo r2plus1d_18."""

    def __init__(self, classes=400):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv3d(3, 45, (1, 7, 7), (1, 2, 2), (0, 3, 3), bias=False), nn.BatchNorm3d(45), nn.ReLU(inplace=True),
            nn.Conv3d(45, 64, (3, 1, 1), 1, (1, 0, 0), bias=False), nn.BatchNorm3d(64), nn.ReLU(inplace=True))
        blocks, cin = [], 64
        for stage, width in enumerate([64, 128, 256, 512]):
            for block in range(2):
                stride = 2 if stage > 0 and block == 0 else 1
                blocks.append(Block2Plus1D(cin, width, stride))
                cin = width
        self.layers = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool3d(x, 1), 1))


# name, model, input (C,H,W) or (C,T,H,W), classes, batch -- as TrainCase.ALL and TrainCase.VIDEO
TRAIN_CASES = [
    ("LeNet-5 28x28x1 batch 64", LeNet5, (1, 28, 28), 10, 64),
    ("ResNet-18 CIFAR 32x32x3 batch 32", ResNet18Cifar, (3, 32, 32), 10, 32),
    ("ResNet-50 224x224x3 batch 8", ResNet50, (3, 224, 224), 1000, 8),
    ("MobileNet-v1 224x224x3 batch 8", MobileNetV1, (3, 224, 224), 1000, 8),
    ("R(2+1)D-18 3x8x56x56 batch 4", R2Plus1D18, (3, 8, 56, 56), 400, 4),
]


def train_step(model_cls, shape, classes, batch):
    """One SGD step (momentum 0.9) on one fixed random minibatch, as a function."""
    torch.manual_seed(0)
    model = model_cls(classes)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, *shape)
    labels = torch.randint(0, classes, (batch,))

    def step():
        opt.zero_grad(set_to_none=False)
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        opt.step()

    return step


def train_case(model_cls, shape, classes, batch, warmup, reps):
    """Images/s of training steps."""
    return batch / median_seconds(train_step(model_cls, shape, classes, batch), warmup, reps)


def sgemm(n, warmup, reps):
    a, b = torch.randn(n, n), torch.randn(n, n)
    return 2.0 * n ** 3 / median_seconds(lambda: torch.mm(a, b), warmup, reps) * 1e-9


def serve():
    """Answers {"kind": info|sgemm|conv|train, ...} lines with {"seconds": [...]} lines."""
    convs = {name: shape for name, *shape in CONV_CASES}
    trains = {name: rest for name, *rest in TRAIN_CASES}
    ready = {}
    for line in sys.stdin:
        r = json.loads(line)
        try:
            kind = r["kind"]
            if kind == "info":
                reply = info()
            elif kind == "sgemm":
                n = r["n"]
                a, b = torch.randn(n, n), torch.randn(n, n)
                reply = {"seconds": seconds(lambda: torch.mm(a, b), r["warmup"], r["reps"], r.get("warmup_s", 0.0))}
            elif kind == "conv":
                key = ("conv", r["case"])
                if key not in ready:
                    ready[key] = conv_passes(*convs[r["case"]])[1]
                with torch.no_grad():
                    reply = {"seconds": seconds(ready[key][r["pass"]], r["warmup"], r["reps"], r.get("warmup_s", 0.0))}
            elif kind == "train":
                key = ("train", r["case"])
                if key not in ready:
                    ready[key] = train_step(*trains[r["case"]])
                reply = {"seconds": seconds(ready[key], r["warmup"], r["reps"], r.get("warmup_s", 0.0))}
            else:
                reply = {"error": "unknown request kind " + kind}
        except KeyError as e:
            reply = {"error": "unknown case or missing field " + str(e)}

        print(json.dumps(reply), flush=True)


def info():
    return {"version": "torch " + torch.__version__, "threads": torch.get_num_threads(),
            "backend": "mkldnn" if torch.backends.mkldnn.is_available() else "native"}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--reps", type=int, default=9)
    p.add_argument("--train-warmup", type=int, default=3)
    p.add_argument("--train-reps", type=int, default=10)
    p.add_argument("--sections", default="sgemm,conv,train,video")
    p.add_argument("--serve", action="store_true", help="answer timing requests on stdin (BenchMain)")
    p.add_argument("--out", help="measure everything once and write JSON here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.serve:
        serve()
        return
    if not a.out:
        p.error("give --serve or --out FILE")
    sections = a.sections.split(",")
    result = info()
    if "sgemm" in sections:
        result["sgemm"] = {f"{n}^3": sgemm(n, a.warmup, a.reps) for n in (1024, 2048)}
    if "conv" in sections:
        result["conv"] = []
        for name, *shape in CONV_CASES:
            result["conv"].append({"case": name, **conv_case(*shape, a.warmup, a.reps)})
            print("measured pytorch", name, flush=True)
    if "train" in sections or "video" in sections:
        result["train"] = []
        for name, cls, shape, classes, batch in TRAIN_CASES:
            if ("video" if len(shape) == 4 else "train") not in sections:
                continue
            ips = train_case(cls, shape, classes, batch, a.train_warmup, a.train_reps)
            result["train"].append({"case": name, "images_per_s": ips})
            print("measured pytorch", name, flush=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
