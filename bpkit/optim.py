"""Stochastic gradient descent and a small training loop."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping

import numpy as np

from ._validate import as_array


class SGD:
    r"""Plain SGD: :math:`w \leftarrow w - \alpha\, \partial L / \partial w` for every parameter.

    Parameters
    ----------
    lr : the learning rate alpha > 0.
    """

    def __init__(self, lr: float = 0.1) -> None:
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"learning rate must be a finite number > 0; got {lr}")
        self.lr = float(lr)

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Update each ``params[k]`` in place with ``grads[k]`` (same shape)."""
        for k, p in params.items():
            if grads[k].shape != p.shape:
                raise ValueError(f"grads[{k!r}] must have shape {p.shape}; got {grads[k].shape}")
            p -= self.lr * grads[k]


def train(
    net,
    X: object,
    y: object,
    epochs: int = 100,
    lr: float = 0.1,
    batch_size: int | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> list[float]:
    """Train ``net`` with SGD; return the loss after every epoch.

    Parameters
    ----------
    net : an :class:`bpkit.MLP` (anything with ``params`` and ``loss_and_grads``).
    X : (D, N) inputs; y : labels (N,) or targets (C, N).
    epochs : passes over the data.
    lr : SGD learning rate.
    batch_size : samples per step; None (or N) means the full batch, one step
        per epoch in the data's order. Otherwise the samples are shuffled
        every epoch and each step takes the gradient of the minibatch's
        unbiased estimate of the objective (``n_train=N`` in
        :meth:`bpkit.MLP.loss_and_grads`: the L2 term stays that of the N
        samples, not of the batch).
    seed : seeds the shuffling of minibatches.
    progress : print a progress line about ten times during training. None
        (default) prints only if the run takes longer than two seconds.

    Returns
    -------
    history : list of ``epochs`` floats, the objective on all N samples after
        each epoch (``net.loss(X, y)``), the one the steps estimate.
    """
    X = as_array(X, "X", ndim=2)
    n = X.shape[1]
    net.targets(y, n)  # validate once, before any step
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
    if batch_size is not None and not (isinstance(batch_size, int) and 1 <= batch_size <= n):
        raise ValueError(f"batch_size must be an integer in [1, {n}] or None; got {batch_size!r}")
    opt, rng = SGD(lr), np.random.default_rng(seed)
    y_arr = np.asarray(y)
    history: list[float] = []
    start, every = time.perf_counter(), max(1, epochs // 10)
    full = batch_size is None or batch_size == n
    for epoch in range(1, epochs + 1):
        try:
            with np.errstate(over="raise", invalid="raise"):  # divergence is an error
                if full:
                    _, grads = net.loss_and_grads(X, y_arr)
                    opt.step(net.params, grads)
                else:
                    order = rng.permutation(n)
                    for i in range(0, n, batch_size):
                        idx = order[i:i + batch_size]
                        _, grads = net.loss_and_grads(X[:, idx], y_arr[..., idx], n_train=n)
                        opt.step(net.params, grads)
                history.append(net.loss(X, y_arr))
        except FloatingPointError as e:
            raise FloatingPointError(f"training diverged at epoch {epoch} ({e}); "
                                     f"lower the learning rate lr={lr}") from e
        slow = time.perf_counter() - start > 2.0
        if (progress or (progress is None and slow)) and (epoch % every == 0 or epoch == epochs):
            print(f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {history[-1]:.6g}  "
                  f"({time.perf_counter() - start:.1f} s)", file=sys.stdout, flush=True)
    return history
