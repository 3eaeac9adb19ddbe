"""Time one MLP.loss_and_grads against the same step hand-written in NumPy.

Run by hand (not part of `make test`), on one thread:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_step.py

Sigmoid hidden layers, softmax cross-entropy averaged over the batch. The
two implementations are timed interleaved, repeat by repeat, so that drift in
the machine's speed affects both alike; the median of the repeats is reported.
"""

from __future__ import annotations

import time

import numpy as np

from bpkit import MLP

#: (sizes, N, repeats): many repeats where one step is short, so the median is stable
SIZES = [([2, 64, 3], 200, 2000), ([784, 256, 10], 128, 200), ([1024, 1024, 1024, 10], 512, 10)]


def hand_written(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, L: int):
    """Forward and backward in one lean function: the baseline bpkit is measured against.

    No validation, the textbook sigmoid 1 / (1 + e^{-z}) (it overflows for z < -709),
    softmax in place, the one-hot labels subtracted by indexing.
    """
    A, acts = X, [X]
    for l in range(1, L):
        A = 1.0 / (1.0 + np.exp(-(params[f"W{l}"] @ A + params[f"b{l}"])))
        acts.append(A)
    P = params[f"W{L}"] @ A + params[f"b{L}"]
    P -= P.max(axis=0)
    np.exp(P, out=P)
    P /= P.sum(axis=0)
    n, cols = X.shape[1], np.arange(X.shape[1])
    loss = -np.log(P[y, cols]).mean()
    P[y, cols] -= 1.0
    dZ = P / n
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = dZ @ acts[l - 1].T
        grads[f"b{l}"] = dZ.sum(axis=1, keepdims=True)
        if l > 1:
            dA = params[f"W{l}"].T @ dZ
            dZ = dA * acts[l - 1] * (1.0 - acts[l - 1])
    return loss, grads


def main() -> None:
    print(f"{'sizes':<24}{'N':>5}{'bpkit ms':>11}{'hand ms':>10}{'ratio':>8}")
    for sizes, n, reps in SIZES:
        rng = np.random.default_rng(0)
        X, y = rng.standard_normal((sizes[0], n)), rng.integers(0, sizes[-1], n)
        net = MLP(sizes, hidden="sigmoid", output="softmax", loss="cross_entropy", seed=0)
        L = len(sizes) - 1
        loss_a, ga = net.loss_and_grads(X, y)
        loss_b, gb = hand_written(net.params, X, y, L)
        assert np.isclose(loss_a, loss_b) and all(np.allclose(ga[k], gb[k]) for k in ga)
        t_bp, t_hand = [], []
        for _ in range(reps):
            t0 = time.perf_counter()
            net.loss_and_grads(X, y)
            t1 = time.perf_counter()
            hand_written(net.params, X, y, L)
            t2 = time.perf_counter()
            t_bp.append(t1 - t0)
            t_hand.append(t2 - t1)
        a, b = 1e3 * np.median(t_bp), 1e3 * np.median(t_hand)
        print(f"{str(sizes):<24}{n:>5}{a:>11.3f}{b:>10.3f}{a / b:>8.2f}")


if __name__ == "__main__":
    main()
