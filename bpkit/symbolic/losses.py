r"""Losses in symbols, each with its reduction over the samples and optional L2.

The symbolic twins of :mod:`bpkit.losses`: half squared error (documents
000, 002, 003), binary cross-entropy (document 004) and softmax
cross-entropy (document 001); :func:`l2_penalty` is document 003's
:math:`\lambda / (2m)` term, which never touches biases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sympy as sp

from .symbols import _as_matrix


def _scale(reduction: str, N: int) -> sp.Expr:
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}")
    return sp.Rational(1, N) if reduction == "mean" else sp.Integer(1)


def l2_penalty(weights: Iterable[sp.Matrix], lam: Any, N: int, reduction: str = "mean") -> sp.Expr:
    r"""L2 term on the weight matrices only (never on biases):

    .. math:: \frac{\lambda}{2N} \sum_l \sum_{ij} (W^{(l)}_{ij})^2 \text{ (mean)}, \qquad
              \frac{\lambda}{2} \sum_l \sum_{ij} (W^{(l)}_{ij})^2 \text{ (sum)}

    as in document 003 (with m = N) and in :class:`bpkit.MLP`. ``lam`` may be a
    number or a SymPy symbol. A weight matrix whose column 0 multiplies the
    bias unit must be passed without that column (``Theta[:, 1:]``).

    Examples
    --------
    >>> import sympy as sp
    >>> from bpkit.symbolic import l2_penalty, matrix
    >>> l2_penalty([matrix("W", 1, 2)], sp.Symbol("lambda"), N=4)
    lambda*(W_{11}**2 + W_{12}**2)/8
    """
    sq = sum((sum(w**2 for w in _as_matrix(W, "weight")) for W in weights), sp.Integer(0))
    return sp.sympify(lam) * _scale(reduction, N) * sq / 2


def _loss_total(per_entry: sp.Matrix, reduction: str, l2: Any, weights: Iterable[sp.Matrix]):
    N = per_entry.cols
    L = _scale(reduction, N) * sum(per_entry)
    if weights and l2 != 0:
        L = L + l2_penalty(weights, l2, N, reduction)
    elif l2 != 0:
        raise ValueError("l2 is non-zero but no weights were given; pass weights=[W1, W2, ...]")
    return L


def _pair(P: Any, Y: Any, what: str) -> tuple[sp.Matrix, sp.Matrix]:
    P, Y = _as_matrix(P, what), _as_matrix(Y, "Y")
    if P.shape != Y.shape:
        raise ValueError(f"{what} and Y must have the same shape (C, N); got {P.shape} and {Y.shape}")
    return P, Y


def half_squared_error(
    O: sp.Matrix, Y: sp.Matrix, reduction: str = "mean", l2: Any = 0,
    weights: Sequence[sp.Matrix] = (),
) -> sp.Expr:
    r"""Half squared error of outputs O against targets Y, both (C, N).

    .. math:: L = \frac{s}{2} \sum_{c,n} (O_{cn} - Y_{cn})^2 + \text{L2}, \qquad
              s = 1/N \text{ (mean) or } 1 \text{ (sum)}

    ``l2`` (a number or symbol :math:`\lambda`) adds :func:`l2_penalty` of ``weights``.

    Examples
    --------
    >>> from bpkit.symbolic import half_squared_error, matrix
    >>> half_squared_error(matrix("o", 1, 1), matrix("y", 1, 1), reduction="sum")
    (o_{11} - y_{11})**2/2
    """
    O, Y = _pair(O, Y, "O")
    return _loss_total((O - Y).applyfunc(lambda e: e**2 / 2), reduction, l2, weights)


def binary_cross_entropy(
    P: sp.Matrix, Y: sp.Matrix, reduction: str = "mean", l2: Any = 0,
    weights: Sequence[sp.Matrix] = (),
) -> sp.Expr:
    r"""Binary cross-entropy of probabilities P (e.g. ``sigmoid(V)``) against Y, both (C, N).

    .. math:: L = -s \sum_{c,n} \left[Y_{cn} \log P_{cn} + (1 - Y_{cn}) \log(1 - P_{cn})\right] + \text{L2}

    Document 004's :math:`\mathcal{L}(y, d) = -d \log y - (1 - d)\log(1 - y)`.
    With P = ``sigmoid(V)`` the derivative with respect to V simplifies to
    :math:`s (P - Y)` on its own. bpkit computes the same loss from the logits V.

    Examples
    --------
    >>> from bpkit.symbolic import binary_cross_entropy, matrix, sigmoid, gradient
    >>> v, d = matrix("v", 1, 1), matrix("d", 1, 1)
    >>> gradient(binary_cross_entropy(sigmoid(v), d), v).expand()
    Matrix([[-d_{11} + _Sigmoid(v_{11})]])
    """
    P, Y = _pair(P, Y, "P")
    per = sp.Matrix(P.rows, P.cols,
                    lambda c, n: -Y[c, n] * sp.log(P[c, n]) - (1 - Y[c, n]) * sp.log(1 - P[c, n]))
    return _loss_total(per, reduction, l2, weights)


def cross_entropy(
    Z: sp.Matrix, Y: sp.Matrix, reduction: str = "mean", l2: Any = 0,
    weights: Sequence[sp.Matrix] = (),
) -> sp.Expr:
    r"""Softmax cross-entropy of the logits Z against targets Y, both (C, N).

    .. math:: L = -s \sum_{c,n} Y_{cn} \log \operatorname{softmax}(Z)_{cn} + \text{L2}
              = s \sum_n \Big[\big(\textstyle\sum_c Y_{cn}\big) \log \sum_k e^{Z_{kn}}
                - \sum_c Y_{cn} Z_{cn}\Big] + \text{L2}

    It is built in the second form (equal for real Z), whose derivative
    :math:`s\,(P \odot \mathbf{1}\mathbf{1}^T Y - Y)` becomes document 001's
    :math:`P - 1[y]` when Y is one-hot: pass ``Y = one_hot(labels, C)`` for a
    proof per labelling, or a symbolic Y and ``assume`` the columns sum to 1.

    Examples
    --------
    >>> from bpkit.symbolic import cross_entropy, gradient, matrix, one_hot, softmax
    >>> Z = matrix("z", 2, 1)
    >>> L = cross_entropy(Z, one_hot([0], 2), reduction="sum")
    >>> (gradient(L, Z) - (softmax(Z) - one_hot([0], 2))).expand()
    Matrix([
    [0],
    [0]])
    """
    Z, Y = _pair(Z, Y, "Z")
    per = sp.zeros(1, Z.cols)
    for n in range(Z.cols):
        lse = sp.log(sum(sp.exp(z) for z in Z[:, n]))
        per[0, n] = sum(Y[:, n]) * lse - sum(Y[c, n] * Z[c, n] for c in range(Z.rows))
    return _loss_total(per, reduction, l2, weights)
