"""Losses as forward/backward pairs, each with an explicit reduction.

``*_forward(pred, Y, reduction)`` returns ``(loss, cache)``;
``*_backward(dloss, cache)`` returns dL/dpred with pred's shape; ``dloss`` is
the upstream factor dJ/dL (1 when L is the objective). Targets Y are (C, N),
one column per sample (cross-entropy also takes integer labels (N,)). ``reduction="sum"`` adds the per-sample
losses; ``reduction="mean"`` divides that sum by N, the number of samples
(columns), not by the number of entries.

Binary and softmax cross-entropy take *logits*: the sigmoid or softmax is
fused into the loss, which keeps both finite for logits of any size and
gives the short gradient P - Y.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import check_reduction
from .activations import sigmoid, softplus


def _scale(reduction: str, n: int) -> float:
    check_reduction(reduction)
    return 1.0 / n if reduction == "mean" else 1.0


def half_squared_error_forward(
    O: np.ndarray, Y: np.ndarray, reduction: str = "mean"
) -> tuple[float, tuple]:
    r"""Half squared error.

    .. math:: L = \frac{s}{2} \sum_{c,n} (O_{cn} - Y_{cn})^2, \quad s = 1/N \text{ (mean) or } 1 \text{ (sum)}

    O, Y : (C, N). Returns the scalar loss and the cache.
    """
    s = _scale(reduction, O.shape[1])
    diff = O - Y
    return 0.5 * s * float(np.sum(diff * diff)), (diff, s)


def half_squared_error_backward(dloss: float, cache: tuple) -> np.ndarray:
    r"""dL/dO (C, N): :math:`s\,(O - Y)`."""
    diff, s = cache
    return (dloss * s) * diff


def binary_cross_entropy_forward(
    Z: np.ndarray, Y: np.ndarray, reduction: str = "mean"
) -> tuple[float, tuple]:
    r"""Binary cross-entropy of :math:`P = \sigma(Z)` against Y in [0, 1], from the logits Z.

    .. math::
        L = -s \sum_{c,n} \left[Y \log P + (1 - Y) \log(1 - P)\right]
          = s \sum_{c,n} \left[\operatorname{softplus}(Z) - Y \odot Z\right]

    Z, Y : (C, N). The second form is finite for any finite Z.
    """
    s = _scale(reduction, Z.shape[1])
    return s * float(np.sum(softplus(Z) - Y * Z)), (Z, Y, s)


def binary_cross_entropy_backward(dloss: float, cache: tuple) -> np.ndarray:
    r"""dL/dZ (C, N): :math:`s\,(\sigma(Z) - Y)`."""
    Z, Y, s = cache
    return (dloss * s) * (sigmoid(Z) - Y)


def cross_entropy_forward(
    Z: np.ndarray, Y: np.ndarray, reduction: str = "mean"
) -> tuple[float, tuple]:
    r"""Softmax cross-entropy of the logits Z against target distributions Y.

    .. math:: L = -s \sum_{c,n} Y_{cn} \log P_{cn}, \qquad P = \operatorname{softmax}(Z)

    Z : (C, N) logits. Y : (C, N) target distributions, or integer labels
    (N,) standing for the one-hot columns :math:`Y_{cn} = [c = y_n]` (then
    :math:`L = -s \sum_n \log P_{y_n n}`, without building Y). With
    :math:`\hat Z = Z - \max_c Z`, :math:`\log P = \hat Z - \log \sum_c
    e^{\hat Z}`, finite for any finite Z; P is kept for the backward pass.
    """
    s = _scale(reduction, Z.shape[1])
    Z_hat = Z - Z.max(axis=0, keepdims=True)
    P = np.exp(Z_hat)
    total = P.sum(axis=0, keepdims=True)
    log_total = np.log(total)
    if Y.ndim == 1:
        loss = -s * float(np.sum(Z_hat[Y, np.arange(Y.size)] - log_total[0]))
    else:
        loss = -s * float(np.sum(Y * (Z_hat - log_total)))
    P /= total                                              # P = softmax(Z)
    return loss, (P, Y, s)


def cross_entropy_backward(dloss: float, cache: tuple) -> np.ndarray:
    r"""dL/dZ (C, N): :math:`s\,(P \odot \mathbf{1}\mathbf{1}^T Y - Y)`.

    For one-hot Y (columns summing to 1) this is the familiar :math:`s\,(P - Y)`;
    for integer labels it is computed as P with 1 subtracted at :math:`(y_n, n)`.
    """
    P, Y, s = cache
    if Y.ndim == 1:
        dZ = P.copy()
        dZ[Y, np.arange(Y.size)] -= 1.0
    else:
        dZ = P * Y.sum(axis=0, keepdims=True) - Y
    dZ *= dloss * s
    return dZ


LossForward = Callable[[np.ndarray, np.ndarray, str], tuple[float, tuple]]
LossBackward = Callable[[float, tuple], np.ndarray]

#: name -> (forward, backward, output activation fused into the loss or None)
LOSSES: dict[str, tuple[LossForward, LossBackward, str | None]] = {
    "half_squared_error": (half_squared_error_forward, half_squared_error_backward, None),
    "binary_cross_entropy": (binary_cross_entropy_forward, binary_cross_entropy_backward, "sigmoid"),
    "cross_entropy": (cross_entropy_forward, cross_entropy_backward, "softmax"),
}
