"""Weight initialisers. Each returns a (n_out, n_in) float64 matrix.

Biases start at zero in :class:`bpkit.MLP`. ``constant`` exists for the
symmetry experiment: equal initial weights give hidden units that never
become different.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def scaled_normal(n_out: int, n_in: int, rng: np.random.Generator, scale: float = 0.01) -> np.ndarray:
    r""":math:`W_{ij} \sim \mathcal{N}(0, \text{scale}^2)`."""
    return scale * rng.standard_normal((n_out, n_in))


def xavier(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    r"""Xavier/Glorot normal: :math:`W_{ij} \sim \mathcal{N}(0, 2 / (n_{in} + n_{out}))`."""
    return np.sqrt(2.0 / (n_in + n_out)) * rng.standard_normal((n_out, n_in))


def he(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    r"""He normal, for ReLU layers: :math:`W_{ij} \sim \mathcal{N}(0, 2 / n_{in})`."""
    return np.sqrt(2.0 / n_in) * rng.standard_normal((n_out, n_in))


def constant(n_out: int, n_in: int, rng: np.random.Generator, value: float = 0.5) -> np.ndarray:
    """Every weight equal to ``value`` (rng unused): the symmetric start."""
    return np.full((n_out, n_in), float(value))


INITIALISERS: dict[str, Callable[..., np.ndarray]] = {
    "scaled_normal": scaled_normal,
    "xavier": xavier,
    "he": he,
    "constant": constant,
}
