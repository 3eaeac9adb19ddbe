r"""A whole :class:`bpkit.MLP` declared in symbols, with its backward recursion.

The symbolic twin of :mod:`bpkit.network`: :func:`symbolic_mlp` takes bpkit's
arguments and returns a :class:`SymbolicMLP` whose :meth:`~SymbolicMLP.backprop`
states the matrix recursion in symbols, to be proven against
:meth:`~SymbolicMLP.gradients`. Used by the chapter on document 002 (deeper
networks), the chapter on L layers and the page on ``bpkit.symbolic``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from .activations import ACTIVATIONS, Activation, softmax
from .agreement import Agreement, check_agreement
from .layers import affine, hadamard
from .losses import _scale, binary_cross_entropy, cross_entropy, half_squared_error
from .symbols import _check_size, gradient, matrix, one_hot


@dataclass
class SymbolicMLP:
    r"""A :class:`bpkit.MLP` in symbols (built by :func:`symbolic_mlp`).

    Layer l computes :math:`Z_l = W_l A_{l-1} + b_l \mathbf{1}^T` and
    :math:`A_l = g_l(Z_l)`, with :math:`A_0 = X`.

    Attributes
    ----------
    params : {bpkit name ("W1", "b1", ...): Matrix of symbols}.
    X : (D, N) input symbols; Y : (C, N) targets (symbols, or one-hot numbers).
    Z, A : lists of the pre-activations Z_1..Z_L and activations A_0..A_L.
    loss : the scalar loss, with its L2 term.
    hidden, output : the activations; loss_name, reduction, l2 as in bpkit.
    """

    params: dict[str, sp.Matrix]
    X: sp.Matrix
    Y: sp.Matrix
    Z: list[sp.Matrix]
    A: list[sp.Matrix]
    loss: sp.Expr
    hidden: Activation
    output: str
    loss_name: str
    reduction: str
    l2: Any

    def gradients(self) -> dict[str, sp.Matrix]:
        """{bpkit name: derived gradient} by :func:`gradient` (sympy.diff), computed once."""
        if not hasattr(self, "_grads"):
            self._grads = {k: gradient(self.loss, M) for k, M in self.params.items()}
        return self._grads

    def backprop(self) -> dict[str, sp.Matrix]:
        r"""{bpkit name: gradient by the matrix backward recursion}, in symbols:

        .. math::
            \delta_L = \partial L / \partial Z_L, \quad
            \delta_{l} = g'(Z_{l}) \odot W_{l+1}^T \delta_{l+1}, \quad
            \frac{\partial L}{\partial W_l} = \delta_l A_{l-1}^T + s \lambda W_l, \quad
            \frac{\partial L}{\partial b_l} = \delta_l \mathbf{1}

        with :math:`\delta_L = s(A_L - Y)` for half squared error on an
        identity output (:math:`s (A_L - Y) \odot g'(Z_L)` otherwise),
        :math:`s(\sigma(Z_L) - Y)` for binary and :math:`s(P - Y)` (one-hot
        Y; :math:`s(P \odot \mathbf{1}\mathbf{1}^T Y - Y)` in general) for
        softmax cross-entropy; s = 1/N (mean) or 1 (sum). These are the
        formulas :func:`check_formula` proves against :meth:`gradients`.
        """
        N = self.X.cols
        s = _scale(self.reduction, N)
        L = len(self.Z)
        ZL, AL = self.Z[-1], self.A[-1]
        if self.loss_name == "half_squared_error":
            delta = s * hadamard(AL - self.Y, ACTIVATIONS[self.output].prime(ZL))
        elif self.loss_name == "binary_cross_entropy":
            delta = s * (AL - self.Y)
        else:
            colsum = sp.ones(AL.rows, 1) * sp.ones(1, AL.rows) * self.Y
            delta = s * (hadamard(AL, colsum) - self.Y)
        out: dict[str, sp.Matrix] = {}
        for l in range(L, 0, -1):
            W = self.params[f"W{l}"]
            out[f"W{l}"] = delta * self.A[l - 1].T + s * self.l2 * W
            out[f"b{l}"] = delta * sp.ones(N, 1)
            if l > 1:
                delta = hadamard(self.hidden.prime(self.Z[l - 2]), W.T * delta)
        return {k: out[k] for k in self.params}

    def agree(self, model: Any, X: np.ndarray | None = None, y: Any = None,
              **kwargs: Any) -> Agreement:
        """:func:`check_agreement` of this network with a bpkit model of the same sizes.

        Examples
        --------
        >>> from bpkit import MLP
        >>> from bpkit.symbolic import symbolic_mlp
        >>> symbolic_mlp([2, 2, 2], N=2, output="softmax",
        ...              loss="cross_entropy").agree(MLP([2, 2, 2], output="softmax",
        ...              loss="cross_entropy")).ok
        True
        """
        targets = self.Y if self.Y.free_symbols else None  # None: concrete one-hot labels
        return check_agreement(self.loss, self.params, model, X, y, inputs=self.X,
                               targets=targets, **kwargs)


def symbolic_mlp(
    sizes: Sequence[int],
    N: int = 2,
    hidden: str | Activation = "sigmoid",
    output: str = "identity",
    loss: str = "half_squared_error",
    reduction: str = "mean",
    l2: Any = 0,
    names: Mapping[str, str] | None = None,
    labels: Sequence[int] | None = None,
) -> SymbolicMLP:
    r"""Declare a whole :class:`bpkit.MLP` in symbols, with bpkit's arguments.

    Parameters
    ----------
    sizes : [D, H_1, ..., C]; W_l is (sizes[l], sizes[l-1]) and b_l is (sizes[l], 1).
    N : number of samples (columns of X).
    hidden : a bpkit activation name or an :class:`Activation` (an undefined g too).
    output : "identity", "sigmoid", "tanh" or "softmax"; "binary_cross_entropy"
        needs "sigmoid", "cross_entropy" needs "softmax" (as bpkit).
    loss, reduction, l2 : as :class:`bpkit.MLP` (l2 may be a symbol).
    names : LaTeX names for the matrices, keyed by bpkit names, e.g.
        ``{"W1": "W_H", "b1": "b_H", "W2": "W_O", "b2": "b_O", "X": "I"}``.
        Defaults: ``W^{[l]}``, ``b^{[l]}``, ``X``, ``Y``.
    labels : for cross-entropy, integer labels (N,) making Y a concrete one-hot
        matrix; a symbolic Y otherwise.

    Examples
    --------
    >>> from bpkit.symbolic import symbolic_mlp
    >>> net = symbolic_mlp([3, 4, 2], N=2)
    >>> net.params["W1"].shape, net.X.shape, net.loss.is_Add
    ((4, 3), (3, 2), True)
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must have at least two entries [D, ..., C]; got {sizes}")
    for s in sizes:
        _check_size(s, "each size")
    N = _check_size(N, "N")
    names = dict(names or {})
    act = hidden if isinstance(hidden, Activation) else ACTIVATIONS.get(hidden)
    if act is None:
        raise ValueError(f"unknown hidden activation {hidden!r}; expected one of {sorted(ACTIVATIONS)}")
    fused = {"binary_cross_entropy": "sigmoid", "cross_entropy": "softmax"}
    if loss not in ("half_squared_error", *fused):
        raise ValueError(f"unknown loss {loss!r}; expected 'half_squared_error', "
                         "'binary_cross_entropy' or 'cross_entropy'")
    if loss in fused and output != fused[loss]:
        raise ValueError(f"loss {loss!r} needs output={fused[loss]!r}; got {output!r}")
    if output not in ("identity", "sigmoid", "tanh", "softmax"):
        raise ValueError(f"unknown output activation {output!r}")
    if output == "softmax" and loss != "cross_entropy":
        raise ValueError("a softmax output is supported with loss='cross_entropy' only")
    X = matrix(names.get("X", "X"), sizes[0], N)
    C = sizes[-1]
    if labels is not None:
        if loss != "cross_entropy":
            raise ValueError("labels are for loss='cross_entropy'; give symbolic targets otherwise")
        Y = one_hot(labels, C)
        if Y.cols != N:
            raise ValueError(f"labels must have N = {N} entries; got {Y.cols}")
    else:
        Y = matrix(names.get("Y", "Y"), C, N)
    params: dict[str, sp.Matrix] = {}
    A, Zs = [X], []
    for l in range(1, len(sizes)):
        W = matrix(names.get(f"W{l}", f"W^{{[{l}]}}"), sizes[l], sizes[l - 1])
        b = matrix(names.get(f"b{l}", f"b^{{[{l}]}}"), sizes[l], 1)
        params[f"W{l}"], params[f"b{l}"] = W, b
        Z = affine(W, A[-1], b)
        Zs.append(Z)
        if l < len(sizes) - 1:
            A.append(act(Z))
        elif output == "softmax":
            A.append(softmax(Z))
        else:
            A.append(ACTIVATIONS[output](Z))
    weights = [params[f"W{l}"] for l in range(1, len(sizes))]
    if loss == "half_squared_error":
        Lexpr = half_squared_error(A[-1], Y, reduction, l2, weights)
    elif loss == "binary_cross_entropy":
        Lexpr = binary_cross_entropy(A[-1], Y, reduction, l2, weights)
    else:
        Lexpr = cross_entropy(Zs[-1], Y, reduction, l2, weights)
    return SymbolicMLP(params, X, Y, Zs, A, Lexpr, act, output, loss, reduction, l2)
