"""Small deterministic toy data sets, samples as columns.

Every function takes a ``seed`` and returns the same arrays for the same
seed. Inputs X are (D, N); regression targets are (1, N); class labels are
integers (N,).
"""

from __future__ import annotations

import numpy as np


def one_hot(y: np.ndarray, num_classes: int) -> np.ndarray:
    """Integer labels (N,) in [0, num_classes) -> one-hot columns (num_classes, N)."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"labels must be a 1-D integer array (N,); got dtype {y.dtype}, shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"labels must lie in [0, {num_classes}); got values from {y.min()} to {y.max()}"
        )
    Y = np.zeros((num_classes, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y


def regression_1d(n: int = 64, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D curve: X (1, n) evenly on [-1, 1], Y = sin(pi x) / 2 + noise, shape (1, n)."""
    rng = np.random.default_rng(seed)
    X = np.linspace(-1.0, 1.0, n).reshape(1, n)
    return X, 0.5 * np.sin(np.pi * X) + noise * rng.standard_normal((1, n))


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points: X (2, 4) and labels y (4,) = [0, 1, 1, 0]."""
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    return X, np.array([0, 1, 1, 0])


def blobs(n_per_class: int = 50, num_classes: int = 3, spread: float = 0.5, seed: int = 0
          ) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around points on the unit circle: X (2, C n), y (C n,)."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(num_classes) / num_classes
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)])          # (2, C)
    y = np.repeat(np.arange(num_classes), n_per_class)
    X = centres[:, y] + spread * rng.standard_normal((2, y.size))
    return X, y


def spirals(n_per_class: int = 50, num_classes: int = 3, noise: float = 0.2, seed: int = 0
            ) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: X (2, C n) in about [-1, 1]^2, y (C n,)."""
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.1, 1.0, n_per_class), num_classes)  # r > 0: no shared origin
    y = np.repeat(np.arange(num_classes), n_per_class)
    t = 4.0 * r + 2 * np.pi * y / num_classes + noise * rng.standard_normal(y.size)
    return np.stack([r * np.sin(t), r * np.cos(t)]), y
