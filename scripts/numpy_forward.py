#!/usr/bin/env python3
"""Runs a model exported by `scripts/task export` in NumPy alone.

Usage: scripts/numpy_forward.py MODEL.json IMAGES.npy
  MODEL.json  the architecture that `scripts/task export` writes beside its .npz
  IMAGES.npy  float32 images scaled to [0, 1], shaped [n, 28, 28, 1] (NHWC) or [n, 784]
Prints one line per image: the most probable class and its softmax probability.
"""
import json
import os
import sys

import numpy as np


def conv2d(x, kernel, bias):
    """Cross-correlation, stride 1, no padding: x [n, h, w, c], kernel [kh, kw, c, f]."""
    kh, kw = kernel.shape[:2]
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))  # [n, oh, ow, c, kh, kw]
    return np.einsum("nijcab,abcf->nijf", windows, kernel, optimize=True) + bias


def max_pool2d(x, size):
    n, h, w, c = x.shape
    h2, w2 = h // size, w // size
    x = x[:, : h2 * size, : w2 * size, :]
    return x.reshape(n, h2, size, w2, size, c).max(axis=(2, 4))


def forward(model, params, x):
    """Returns the logits of a batch."""
    for layer in model["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            x = conv2d(x, params[layer["kernel"]], params[layer["bias"]])
        elif kind == "max_pool2d":
            x = max_pool2d(x, layer["pool_size"])
        elif kind == "relu":
            x = np.maximum(x, 0)
        elif kind == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif kind == "dense":
            x = x @ params[layer["weight"]] + params[layer["bias"]]
        elif kind == "dropout":
            pass  # the identity at inference
        else:
            raise SystemExit("unknown layer type " + kind)
    return x


def main():
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) == 2 else 2)
    with open(sys.argv[1]) as f:
        model = json.load(f)
    weights = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), model["weights"])
    with np.load(weights) as npz:
        params = {name: npz[name].astype(np.float64) for name in npz.files}
    images = np.load(sys.argv[2]).astype(np.float64)
    images = images.reshape((images.shape[0],) + tuple(model["input_shape"]))
    logits = forward(model, params, images)
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    for i, c in enumerate(best):
        print(f"{c} {probabilities[i, c]:.6f}")


if __name__ == "__main__":
    main()
