"""Activation functions as forward/backward pairs.

``*_forward(z)`` returns ``(a, cache)``; ``*_backward(da, cache)`` returns
``dz = dL/dz``. Every array is (n, N): one column per sample. Derived in the
chapters on the MLP in matrix form and on L layers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""Logistic function, finite and warning-free for any finite z.

    .. math:: \sigma(z) = 1 / (1 + e^{-z})

    Computed as :math:`1 / (1 + e^{-\max(z, -708)})`: :math:`e^{-z}` would
    overflow only below z = -709.78, and the clip changes nothing but values
    of :math:`\sigma` below :math:`e^{-708} \approx 3 \cdot 10^{-308}`, the
    edge of float64. One exponential, no temporary beyond the result.
    """
    t = np.negative(z, dtype=np.result_type(z, 1.0))  # -z in floating point (float32 stays)
    number = np.ndim(t) == 0
    t = np.atleast_1d(t)                               # a buffer to work in, in place
    np.minimum(t, 708.0, out=t)
    np.exp(t, out=t)
    t += 1.0
    np.divide(1.0, t, out=t)
    return t[0] if number else t


def softplus(z: np.ndarray) -> np.ndarray:
    r""":math:`\log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})`, stable for any finite z."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def log_softmax(z: np.ndarray) -> np.ndarray:
    r"""Column-wise log-softmax of z (C, N).

    .. math:: \log p_{cn} = z_{cn} - \max_k z_{kn} - \log \sum_k e^{z_{kn} - \max_k z_{kn}}
    """
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    r"""Column-wise softmax of z (C, N): :math:`p_{cn} = e^{z_{cn}} / \sum_k e^{z_{kn}}`."""
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def sigmoid_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a = sigmoid(z); the cache is a (n, N)."""
    a = sigmoid(z)
    return a, a


def sigmoid_backward(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    r"""dz (n, N) from da (n, N): :math:`dz = da \odot a \odot (1 - a)`."""
    return da * a * (1.0 - a)


def tanh_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a = tanh(z); the cache is a (n, N)."""
    a = np.tanh(z)
    return a, a


def tanh_backward(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    r"""dz (n, N) from da (n, N): :math:`dz = da \odot (1 - a^2)`."""
    return da * (1.0 - a * a)


def relu_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a = max(z, 0); the cache is z (n, N)."""
    return np.maximum(z, 0.0), z


def relu_backward(da: np.ndarray, z: np.ndarray) -> np.ndarray:
    r"""dz (n, N) from da (n, N): :math:`dz = da \odot [z > 0]` (0 taken at the kink)."""
    return da * (z > 0)


def identity_forward(z: np.ndarray) -> tuple[np.ndarray, None]:
    """a = z; nothing to cache."""
    return z, None


def identity_backward(da: np.ndarray, cache: None) -> np.ndarray:
    """dz = da."""
    return da


def softmax_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a = softmax(z) column by column; the cache is a (C, N)."""
    a = softmax(z)
    return a, a


def softmax_backward(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    r"""dz (C, N) from da (C, N), the Jacobian of softmax applied column by column.

    .. math:: dz = a \odot \left(da - \mathbf{1}\,(\mathbf{1}^T (da \odot a))\right)
    """
    return a * (da - (da * a).sum(axis=0, keepdims=True))


Forward = Callable[[np.ndarray], tuple[np.ndarray, object]]
Backward = Callable[[np.ndarray, object], np.ndarray]

ACTIVATIONS: dict[str, tuple[Forward, Backward]] = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "identity": (identity_forward, identity_backward),
    "softmax": (softmax_forward, softmax_backward),
}
