r"""Proof by machine: symbolic gradients in a document's own notation.

A chapter uses this module in four steps, the four steps of "verified":

1. **Declare** the network with SymPy symbols named as its document names
   them: :func:`matrix` and :func:`vector` build matrices of real symbols
   (``W_H``, ``u_{kj}``, ``\Theta^{(1)}_{ij}``, ``W^{[1]}_{ij}``); activations
   are :data:`sigmoid`, :data:`tanh`, :data:`relu`, :data:`identity`,
   :func:`softmax`, or an undefined :func:`activation` ``g`` whose derivative
   stays ``g'`` so that a result holds for *every* activation; the losses are
   :func:`half_squared_error`, :func:`binary_cross_entropy` and
   :func:`cross_entropy` (mean or sum, optional L2 on the weights only).
   :func:`symbolic_mlp` declares a whole :class:`bpkit.MLP` at once.
2. **Derive** every gradient with ``sympy.diff``: :func:`gradient` returns the
   matrix of partial derivatives, of the parameter's shape.
3. **Prove** a matrix formula, as the document states it or corrected:
   :func:`check_formula` returns a :class:`FormulaCheck` (exact verdict, the
   difference, and a numeric counterexample when it fails);
   :func:`prove_formula` raises :class:`FormulaError` instead.
   :func:`check_agreement` compares, at one random float64 point, the
   symbolic gradient (lambdified once, with common subexpressions shared),
   bpkit's backward and central finite differences (:mod:`bpkit.gradcheck`).
4. **Display** what was proven from the checked objects themselves:
   ``FormulaCheck.latex()``, :func:`latex`, :func:`show`.

For all sizes at once, :func:`general_linear_gradient` and
:func:`general_dense_gradients` derive the linear parts with SymPy's matrix
calculus (``MatrixSymbol`` with symbolic sizes), and
``GeneralGradient.at_size`` confirms the result entry by entry at a small size.

Layout: samples are columns (X is (D, N)); bpkit's weights are (n_out, n_in).
A document with another layout maps its matrices to bpkit's through the
``layout`` argument of :func:`check_agreement`.

The book page "Proof by machine: bpkit.symbolic" demonstrates the main functions.

Examples
--------
>>> import sympy as sp
>>> from bpkit import symbolic as sym
>>> W, X, Y = sym.matrix("W", 2, 3), sym.matrix("X", 3, 2), sym.matrix("Y", 2, 2)
>>> L = sym.half_squared_error(W * X, Y, reduction="sum")
>>> sym.check_formula((W * X - Y) * X.T, sym.gradient(L, W)).holds
True
"""

from __future__ import annotations

import copy
import html
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter

from .gradcheck import TOL, GradientCheckError, numerical_gradient, relative_error

__all__ = [
    "ACTIVATIONS",
    "RTOL",
    "Activation",
    "Agreement",
    "AgreementError",
    "FormulaCheck",
    "FormulaError",
    "GeneralGradient",
    "SymbolicMLP",
    "activation",
    "affine",
    "binary_cross_entropy",
    "check_agreement",
    "check_formula",
    "cross_entropy",
    "general_dense_gradients",
    "general_linear_gradient",
    "gradient",
    "hadamard",
    "half_squared_error",
    "identity",
    "l2_penalty",
    "latex",
    "matrix",
    "one_hot",
    "prove_formula",
    "relu",
    "show",
    "sigmoid",
    "softmax",
    "symbolic_mlp",
    "tanh",
    "vector",
    "with_bias_unit",
]

#: largest accepted relative difference between the symbolic gradient and bpkit's
RTOL = 1e-9


# ---------------------------------------------------------------------------
# 1. Symbols named as the document names them
# ---------------------------------------------------------------------------


def _split_top(name: str, char: str) -> tuple[str, str] | None:
    """Split ``name`` at the first ``char`` outside braces, or return None."""
    depth = 0
    for k, c in enumerate(name):
        depth += (c == "{") - (c == "}")
        if c == char and depth == 0:
            return name[:k], name[k + 1 :]
    return None


def _strip_braces(s: str) -> str:
    return s[1:-1] if s.startswith("{") and s.endswith("}") else s


def _entry_name(name: str, index: str) -> str:
    """LaTeX name of one entry: ``W_H`` -> ``W_{H,11}``, ``u`` -> ``u_{11}``,
    ``\\Theta^{(1)}`` -> ``\\Theta^{(1)}_{11}``."""
    split = _split_top(name, "_")
    if split is None:
        return f"{name}_{{{index}}}"
    base, sub = split
    sup = _split_top(sub, "^")  # W_H^{(1)}: keep the superscript after the subscript
    if sup is not None:
        sub, upper = sup
        return f"{base}_{{{_strip_braces(sub)},{index}}}^{upper}"
    return f"{base}_{{{_strip_braces(sub)},{index}}}"


def _check_size(n: object, what: str) -> int:
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{what} must be a positive integer; got {n!r}")
    return int(n)


def matrix(
    name: str,
    rows: int,
    cols: int,
    start: int | tuple[int, int] = 1,
    latex: str | Callable[[int, int], str] | None = None,
) -> sp.Matrix:
    r"""A (rows, cols) matrix of real SymPy symbols named as a document names them.

    Parameters
    ----------
    name : the matrix's name in LaTeX: ``"W_H"``, ``"u"``, ``r"\Theta^{(1)}"``,
        ``"W^{[1]}"``. Entry (i, j) is named ``W_{H,ij}``, ``u_{ij}``,
        ``\Theta^{(1)}_{ij}``, ``W^{[1]}_{ij}``; the indices are separated by a
        comma once one of them has two digits (``u_{10,2}``).
    rows, cols : the shape.
    start : first index, 1 by default (the documents count from 1); ``0``,
        or a pair ``(row_start, col_start)`` such as ``(1, 0)`` for a
        weight matrix whose column 0 multiplies the bias unit :math:`x_0`.
    latex : full control over entry names: a format string with ``{i}`` and
        ``{j}`` (``"w_{{{i}{j}}}"``) or a function ``(i, j) -> str``.

    Returns
    -------
    sympy.Matrix of shape (rows, cols) whose entries are ``Symbol(..., real=True)``.

    Examples
    --------
    >>> from bpkit.symbolic import matrix
    >>> matrix("W_H", 2, 2)
    Matrix([
    [W_{H,11}, W_{H,12}],
    [W_{H,21}, W_{H,22}]])
    >>> matrix(r"\Theta^{(1)}", 1, 3, start=(1, 0))
    Matrix([[\Theta^{(1)}_{10}, \Theta^{(1)}_{11}, \Theta^{(1)}_{12}]])
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string; got {name!r}")
    rows, cols = _check_size(rows, "rows"), _check_size(cols, "cols")
    r0, c0 = (start, start) if isinstance(start, int) else tuple(start)

    def entry(i: int, j: int) -> str:
        if callable(latex):
            return latex(i, j)
        if isinstance(latex, str):
            return latex.format(i=i, j=j)
        index = f"{i}{j}" if i < 10 and j < 10 else f"{i},{j}"
        return _entry_name(name, index)

    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(entry(i + r0, j + c0), real=True))


def vector(name: str, n: int, start: int = 1) -> sp.Matrix:
    r"""A column vector (n, 1) of real symbols with one index: ``x_{1}, ..., x_{n}``.

    ``start=0`` numbers from 0 (:math:`x_0, x_1, \dots`).

    Examples
    --------
    >>> from bpkit.symbolic import vector
    >>> vector("x", 3).T
    Matrix([[x_{1}, x_{2}, x_{3}]])
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string; got {name!r}")
    n = _check_size(n, "n")
    return sp.Matrix(n, 1, lambda i, _: sp.Symbol(_entry_name(name, str(i + start)), real=True))


def with_bias_unit(A: sp.Matrix, value: sp.Expr | int = 1) -> sp.Matrix:
    r"""Prepend the bias unit as row 0: :math:`[\,1\;\cdots\;1\,;\; A\,]`, shape (n + 1, N).

    With a weight matrix declared as ``matrix(r"\Theta^{(1)}", m, n + 1, start=(1, 0))``,
    ``Theta * with_bias_unit(X)`` computes :math:`\Theta_{i0} x_0 + \sum_j \Theta_{ij} x_j`
    with :math:`x_0 = 1`.

    Examples
    --------
    >>> from bpkit.symbolic import vector, with_bias_unit
    >>> with_bias_unit(vector("x", 2)).T
    Matrix([[1, x_{1}, x_{2}]])
    """
    A = _as_matrix(A, "A")
    return sp.Matrix.vstack(sp.Matrix([[value] * A.cols]), A)


def affine(W: sp.Matrix, A: sp.Matrix, b: sp.Matrix | None = None) -> sp.Matrix:
    r"""Pre-activation :math:`Z = W A + b \mathbf{1}^T` of shape (n_out, N).

    W : (n_out, n_in); A : (n_in, N); b : (n_out, 1) or None, added to every column.

    Examples
    --------
    >>> from bpkit.symbolic import affine, matrix
    >>> affine(matrix("W", 1, 2), matrix("X", 2, 1), matrix("b", 1, 1))
    Matrix([[W_{11}*X_{11} + W_{12}*X_{21} + b_{11}]])
    """
    W, A = _as_matrix(W, "W"), _as_matrix(A, "A")
    if W.cols != A.rows:
        raise ValueError(f"W (n_out, n_in) and A (n_in, N) do not fit: got W {W.shape} "
                         f"and A {A.shape}")
    Z = W * A
    if b is not None:
        b = _as_matrix(b, "b")
        if b.shape != (W.rows, 1):
            raise ValueError(f"b must have shape ({W.rows}, 1) to match W {W.shape}; got {b.shape}")
        Z = Z + b * sp.ones(1, A.cols)
    return Z


def hadamard(A: sp.Matrix, B: sp.Matrix) -> sp.Matrix:
    r"""Elementwise product :math:`A \odot B` of two explicit matrices of one shape.

    Examples
    --------
    >>> from bpkit.symbolic import hadamard, matrix
    >>> hadamard(matrix("a", 1, 2), matrix("b", 1, 2))
    Matrix([[a_{11}*b_{11}, a_{12}*b_{12}]])
    """
    A, B = _as_matrix(A, "A"), _as_matrix(B, "B")
    if A.shape != B.shape:
        raise ValueError(f"the Hadamard product needs equal shapes; got {A.shape} and {B.shape}")
    return A.multiply_elementwise(B)


def one_hot(labels: Sequence[int], C: int) -> sp.Matrix:
    """Concrete (C, N) matrix of 0 and 1 with a 1 at (labels[n], n), as in bpkit.data.one_hot.

    Examples
    --------
    >>> from bpkit.symbolic import one_hot
    >>> one_hot([1, 0], 2)
    Matrix([
    [0, 1],
    [1, 0]])
    """
    C = _check_size(C, "C")
    labels = [int(k) for k in labels]
    if not labels or any(k < 0 or k >= C for k in labels):
        raise ValueError(f"labels must be a non-empty sequence of integers in [0, {C}); "
                         f"got {labels}")
    return sp.Matrix(C, len(labels), lambda c, n: 1 if labels[n] == c else 0)


def _as_matrix(M: object, name: str) -> sp.Matrix:
    if isinstance(M, sp.MatrixBase):
        return sp.Matrix(M)
    if isinstance(M, sp.MatrixExpr):
        return sp.Matrix(M.as_explicit())
    raise TypeError(f"{name} must be a SymPy Matrix; got {type(M).__name__}")


# ---------------------------------------------------------------------------
# Activations: concrete SymPy functions with their derivatives, or undefined g
# ---------------------------------------------------------------------------


class _Sigmoid(sp.Function):
    r""":math:`\sigma(z) = 1/(1 + e^{-z})` with :math:`\sigma' = \sigma(1 - \sigma)`."""

    is_real = True

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = _Sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-z))

    def _latex(self, printer: Any) -> str:
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


class _ReLU(sp.Function):
    r""":math:`\max(0, z)` with derivative the step :math:`H(z)` (H(0) taken as 0, as bpkit)."""

    is_real = True

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, z: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.Max(0, z)

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"


def _np_sigmoid(z: Any) -> Any:
    from .activations import sigmoid as _sig

    return _sig(np.asarray(z, dtype=np.float64))


def _np_relu(z: Any) -> Any:
    return np.maximum(z, 0.0)


#: names lambdify needs for the custom functions above
_NUMPY_NAMES = {"_Sigmoid": _np_sigmoid, "_ReLU": _np_relu}


@dataclass(frozen=True, eq=False)
class Activation:
    r"""An elementwise activation g with its derivative g'.

    Call it on a scalar expression or on a Matrix (applied entry by entry);
    :meth:`prime` gives g' the same way. Concrete instances are
    :data:`sigmoid`, :data:`tanh`, :data:`relu` and :data:`identity`;
    :func:`activation` makes an undefined g whose derivative is the
    undefined function g'.

    Attributes
    ----------
    name : the LaTeX name (``"\sigma"``, ``"g_o"``).
    bpkit_name : the name in :data:`bpkit.activations.ACTIVATIONS`, or None for an undefined g.
    fn, dfn : scalar SymPy callables z -> g(z) and z -> g'(z).

    Examples
    --------
    >>> from bpkit.symbolic import sigmoid, matrix
    >>> z = matrix("z", 1, 1)[0]
    >>> sigmoid.prime(z)
    (1 - _Sigmoid(z_{11}))*_Sigmoid(z_{11})
    """

    name: str
    bpkit_name: str | None
    fn: Callable[[sp.Expr], sp.Expr]
    dfn: Callable[[sp.Expr], sp.Expr]
    undefined: tuple[type, ...] = ()

    def __call__(self, z: Any) -> Any:
        """g(z) for a scalar expression, or g applied to every entry of a Matrix."""
        if isinstance(z, sp.MatrixBase | sp.MatrixExpr):
            return _as_matrix(z, "z").applyfunc(self.fn)
        return self.fn(sp.sympify(z))

    def prime(self, z: Any) -> Any:
        """g'(z) for a scalar expression, or g' applied to every entry of a Matrix."""
        if isinstance(z, sp.MatrixBase | sp.MatrixExpr):
            return _as_matrix(z, "z").applyfunc(self.dfn)
        return self.dfn(sp.sympify(z))

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


#: the logistic function :math:`\sigma`, with :math:`\sigma' = \sigma(1-\sigma)`
sigmoid = Activation(r"\sigma", "sigmoid", _Sigmoid, lambda z: _Sigmoid(z) * (1 - _Sigmoid(z)))
#: :math:`\tanh`, with :math:`\tanh' = 1 - \tanh^2`
tanh = Activation(r"\tanh", "tanh", sp.tanh, lambda z: 1 - sp.tanh(z) ** 2)
#: :math:`\max(0, z)`, with derivative the step function (0 at z = 0, as bpkit)
relu = Activation("relu", "relu", _ReLU, lambda z: sp.Heaviside(z, 0))
#: the identity, with derivative 1
identity = Activation("id", "identity", lambda z: z, lambda z: sp.Integer(1))

#: bpkit's activation names -> symbolic activations (softmax is :func:`softmax`)
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "identity": identity,
}

_UNDEFINED: dict[str, Activation] = {}


def activation(name: str = "g") -> Activation:
    r"""An undefined activation g whose derivative is the undefined function g'.

    Derivatives come out as :math:`g'(\text{net})` instead of SymPy's
    ``Subs(Derivative(...))``, exactly as the documents write them
    (``"g_o"`` gives :math:`g_o` and :math:`g'_o`), so a formula proven with g
    holds for every differentiable activation. Calling ``activation`` twice
    with one name returns the same object.

    For numbers, :func:`check_formula` and :func:`check_agreement` replace g
    by a concrete activation (``activations={g: sigmoid}``).

    Examples
    --------
    >>> import sympy as sp
    >>> from bpkit.symbolic import activation
    >>> g = activation("g")
    >>> x = sp.Symbol("x", real=True)
    >>> sp.diff(g(2 * x), x)
    2*g'(2*x)
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string; got {name!r}")
    if name in _UNDEFINED:
        return _UNDEFINED[name]
    split = _split_top(name, "_")
    prime_name = f"{split[0]}'_{split[1]}" if split else f"{name}'"
    prime_latex = (f"{split[0]}'_{{{_strip_braces(split[1])}}}" if split else f"{name}'")
    own_latex = (f"{split[0]}_{{{_strip_braces(split[1])}}}" if split else name)

    def latex_of(tex: str) -> Callable[[Any, Any], str]:
        return lambda self, printer: rf"{tex}\left({printer._print(self.args[0])}\right)"

    prime = type(prime_name, (sp.Function,), {"is_real": True, "_latex": latex_of(prime_latex)})

    def fdiff(self: sp.Function, argindex: int = 1) -> sp.Expr:
        return prime(self.args[0])

    func = type(name, (sp.Function,),
                {"is_real": True, "fdiff": fdiff, "_latex": latex_of(own_latex)})
    act = Activation(own_latex, None, func, prime, undefined=(func, prime))
    _UNDEFINED[name] = act
    return act


def softmax(Z: sp.Matrix) -> sp.Matrix:
    r"""Column-wise softmax of Z (C, N): :math:`P_{cn} = e^{Z_{cn}} / \sum_k e^{Z_{kn}}`.

    Examples
    --------
    >>> from bpkit.symbolic import matrix, softmax
    >>> softmax(matrix("z", 2, 1))[0]
    exp(z_{11})/(exp(z_{11}) + exp(z_{21}))
    """
    Z = _as_matrix(Z, "Z")
    E = Z.applyfunc(sp.exp)
    return sp.Matrix(Z.rows, Z.cols, lambda c, n: E[c, n] / sum(E[:, n]))


def _substitute_activations(expr: Any, activations: Mapping[Activation, Activation | str] | None):
    """Replace each undefined g (and g') in ``expr`` by a concrete activation."""
    if not activations:
        return expr
    for g, concrete in activations.items():
        if not isinstance(g, Activation) or not g.undefined:
            raise TypeError(f"activations keys must be undefined activations made by "
                            f"activation(); got {g!r}")
        if isinstance(concrete, str):
            if concrete not in ACTIVATIONS:
                raise ValueError(f"unknown activation {concrete!r}; expected one of "
                                 f"{sorted(ACTIVATIONS)}")
            concrete = ACTIVATIONS[concrete]
        func, prime = g.undefined
        expr = expr.replace(func, concrete.fn).replace(prime, concrete.dfn)
    return expr


# ---------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# 2. Derive
# ---------------------------------------------------------------------------


def gradient(L: sp.Expr, M: sp.Matrix) -> sp.Matrix:
    r"""The gradient of the scalar L with respect to every entry of M, shaped like M.

    .. math:: \Big(\frac{\partial L}{\partial M}\Big)_{ij} = \frac{\partial L}{\partial M_{ij}}
              \quad \text{(by sympy.diff)}

    Parameters
    ----------
    L : a scalar SymPy expression.
    M : a Matrix of symbols (from :func:`matrix` or :func:`vector`).

    Examples
    --------
    >>> from bpkit.symbolic import gradient, matrix
    >>> W = matrix("W", 1, 2)
    >>> gradient(W[0, 0] ** 2 * W[0, 1], W)
    Matrix([[2*W_{11}*W_{12}, W_{11}**2]])
    """
    if isinstance(L, sp.MatrixBase):
        if L.shape != (1, 1):
            raise ValueError(f"L must be a scalar (or a 1 x 1 matrix); got shape {L.shape}")
        L = L[0, 0]
    L = sp.sympify(L)
    M = _as_matrix(M, "M")
    bad = [m for m in M if not isinstance(m, sp.Symbol)]
    if bad:
        raise TypeError(f"M must be a matrix of symbols; got non-symbol entries {bad[:3]}")
    return M.applyfunc(lambda m: sp.diff(L, m))


# ---------------------------------------------------------------------------
# 3a. Prove a matrix formula exactly
# ---------------------------------------------------------------------------


class FormulaError(AssertionError):
    """A matrix formula differs from the derived gradient (raised by :func:`prove_formula`)."""


def _evaluate(expr: Any, where: Mapping[Any, sp.Matrix]) -> Any:
    """Evaluate a matrix expression to an explicit Matrix, operation by operation."""
    if isinstance(expr, sp.MatrixBase):  # explicit: substitute the scalar symbols of where
        return sp.Matrix(expr).xreplace({k: v for k, v in where.items()
                                         if not isinstance(k, sp.MatrixSymbol)})
    if isinstance(expr, sp.MatrixSymbol):
        if expr not in where:
            raise ValueError(f"the formula contains the matrix symbol {expr} {tuple(expr.shape)}; "
                             "give its value in where={...}")
        return where[expr]
    if not isinstance(expr, sp.MatrixExpr):  # a scalar factor
        return expr.xreplace({k: v for k, v in where.items() if not isinstance(v, sp.MatrixBase)})
    if isinstance(expr, sp.OneMatrix | sp.ZeroMatrix | sp.Identity):
        return sp.Matrix(expr.as_explicit())
    args = [_evaluate(a, where) for a in expr.args]
    if isinstance(expr, sp.MatMul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(expr, sp.MatAdd):
        out = args[0]
        for a in args[1:]:
            out = out + a
        return out
    if isinstance(expr, sp.HadamardProduct):
        out = args[0]
        for a in args[1:]:
            out = out.multiply_elementwise(a)
        return out
    if isinstance(expr, sp.Transpose):
        return args[0].T
    if isinstance(expr, sp.MatPow):
        return args[0] ** args[1]
    return sp.Matrix(expr.xreplace(where).doit().as_explicit())


def _resolve(formula: Any, where: Mapping[Any, Any] | None) -> sp.Matrix:
    """The explicit Matrix a formula stands for, after substituting ``where``."""
    values: dict[Any, Any] = {}
    for k, v in (where or {}).items():
        if isinstance(k, sp.MatrixSymbol):
            v = _as_matrix(v, str(k))
            if tuple(k.shape) != v.shape:
                raise ValueError(f"where[{k}] must have the shape of {k}, {tuple(k.shape)}; "
                                 f"got {v.shape}")
        values[k] = v
    if isinstance(formula, sp.MatrixBase | sp.MatrixExpr):
        return sp.Matrix(_evaluate(formula, values))
    raise TypeError(f"formula must be a SymPy Matrix or matrix expression; got "
                    f"{type(formula).__name__}")


def _freeze_functions(e: sp.Expr) -> sp.Expr:
    """Replace every function application (sigma(z), g'(z), exp(z), ...) by a fresh symbol.

    Applications equal after expanding their arguments share one symbol. If
    the result is the zero rational function of independent symbols, e is 0.
    """
    canon: dict[sp.Expr, sp.Symbol] = {}
    subs: dict[sp.Expr, sp.Symbol] = {}
    for app in sorted(e.atoms(sp.Function), key=sp.default_sort_key):
        key = sp.expand(app)
        subs[app] = canon.setdefault(key, sp.Dummy(f"f{len(canon)}"))
    return e.xreplace(subs)


def _is_zero(e: sp.Expr) -> bool:
    """Exact test that e simplifies to 0, cheapest method first."""
    if e == 0:
        return True
    frozen = _freeze_functions(e)
    if sp.expand(frozen) == 0 or sp.expand(sp.together(frozen).as_numer_denom()[0]) == 0:
        return True
    for step in (sp.expand, sp.simplify, lambda x: sp.simplify(x.rewrite(sp.exp))):
        e = step(e)
        if e == 0:
            return True
    return False


#: a difference above this (relative to the entries' size) at the sample point
#: is a counterexample: float64 round-off in these small expressions is ~1e-15
_NONZERO = 1e-8


def _symbols_of(*exprs: Any) -> list[sp.Symbol]:
    syms: set[sp.Symbol] = set()
    for e in exprs:
        syms |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    return sorted(syms, key=str)


def _undefined_in(expr: Any) -> list[Activation]:
    found = []
    for act in _UNDEFINED.values():
        if any(expr.has(f) for f in act.undefined):
            found.append(act)
    return found


def _numeric(exprs: Sequence[Any], symbols: Sequence[sp.Symbol]) -> Callable[..., list]:
    """lambdify with shared common subexpressions (numpy, float64)."""
    return sp.lambdify(list(symbols), list(exprs), modules=[_NUMPY_NAMES, "numpy"], cse=True)


@dataclass
class FormulaCheck:
    r"""The verdict of :func:`check_formula`.

    Attributes
    ----------
    name : LaTeX name of the parameter (``"W_O"``), used in :meth:`latex`.
    formula : the formula as given (a Matrix or a matrix expression such as
        :math:`\delta_O \hat H^T`); this is what :meth:`latex` displays.
    explicit : the formula as an explicit Matrix (after ``where``).
    derived : the gradient it was compared with, a Matrix of the same shape.
    difference : ``explicit - derived`` entry by entry: 0 where proven equal,
        the unsimplified difference elsewhere.
    holds : True when every entry of the difference simplifies to 0 exactly.
    point : the sample point {symbol: float} used for the numbers below.
    formula_value, derived_value : both sides at ``point``, float arrays.
    mismatches : [(i, j, formula, derived)] at ``point`` for the entries not
        proven equal (0-based positions): the counterexample for an errata box.
    """

    name: str
    formula: Any
    explicit: sp.Matrix
    derived: sp.Matrix
    difference: sp.Matrix
    holds: bool
    point: dict[sp.Symbol, float]
    formula_value: np.ndarray
    derived_value: np.ndarray
    mismatches: list[tuple[int, int, float, float]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.holds

    @property
    def max_abs_difference(self) -> float:
        """max |formula - derived| over the entries, at ``point``."""
        return float(np.max(np.abs(self.formula_value - self.derived_value)))

    def _lhs(self) -> str:
        return rf"\frac{{\partial L}}{{\partial {self.name}}}" if self.name else r"\nabla L"

    def latex(self) -> str:
        r"""LaTeX of the verdict: :math:`\partial L/\partial W = \text{formula}` when it holds,
        else :math:`\neq` followed by the counterexample's first differing entries."""
        rhs = latex(self.formula)
        if self.holds:
            return rf"{self._lhs()} = {rhs}"
        ents = ", ".join(rf"({i + 1},{j + 1}):\ {f:.6g} \text{{ vs }} {d:.6g}"
                         for i, j, f, d in self.mismatches[:3])
        return rf"{self._lhs()} \neq {rhs} \quad \text{{e.g. entry }} {ents}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"

    def __str__(self) -> str:
        if self.holds:
            return f"dL/d{self.name or 'param'}: formula holds exactly ({self.explicit.shape})"
        lines = [f"dL/d{self.name or 'param'}: formula differs from the derived gradient in "
                 f"{len(self.mismatches)} of {self.explicit.rows * self.explicit.cols} entries; "
                 f"at the sample point:"]
        for i, j, f, d in self.mismatches:
            lines.append(f"  entry ({i + 1}, {j + 1}) [1-based]: formula {f:.10g}, "
                         f"derived {d:.10g}, difference {f - d:.3g}")
        return "\n".join(lines)


def check_formula(
    formula: Any,
    derived: sp.Matrix,
    *,
    where: Mapping[Any, Any] | None = None,
    assume: Mapping[sp.Symbol, Any] | None = None,
    activations: Mapping[Activation, Activation | str] | None = None,
    name: str = "",
    seed: int = 0,
) -> FormulaCheck:
    r"""Check a matrix formula against a derived gradient, exactly.

    The formula holds when ``formula - derived`` simplifies to the zero matrix.
    Whatever the verdict, both sides are evaluated at one random point (seeded)
    so that a failing formula comes with its counterexample.

    Parameters
    ----------
    formula : a Matrix in the network's symbols, e.g. ``(O - Y) * Hhat.T``, or
        a matrix expression of ``MatrixSymbol`` s (``dO * Hhat_.T``) whose
        values are given in ``where``; the expression is what gets displayed.
    derived : the gradient from :func:`gradient`, of the parameter's shape.
    where : {MatrixSymbol: Matrix} giving the value of each matrix symbol of
        ``formula``.
    assume : substitutions applied to both sides first, e.g. a one-hot
        constraint ``{y_2: 1 - y_1}``.
    activations : {g: concrete} used only for the sample point: an undefined
        g is proven symbolically, and replaced by ``sigmoid`` (default) or the
        activation given here for the numbers.
    name : LaTeX name of the parameter for display (``"W_O"``).
    seed : seeds the sample point (standard normal values for every symbol).

    Returns
    -------
    FormulaCheck (truthy when the formula holds).

    Raises
    ------
    ValueError : if the formula's shape differs from the derived gradient's;
        the message names both shapes.

    Examples
    --------
    >>> from bpkit.symbolic import check_formula, gradient, half_squared_error, matrix
    >>> W, X, Y = matrix("W", 2, 3), matrix("X", 3, 2), matrix("Y", 2, 2)
    >>> G = gradient(half_squared_error(W * X, Y, reduction="sum"), W)
    >>> check_formula((W * X - Y) * X.T, G).holds
    True
    >>> check_formula(-(W * X - Y) * X.T, G).holds          # wrong sign
    False
    """
    derived = _as_matrix(derived, "derived")
    fshape = tuple(formula.shape) if hasattr(formula, "shape") else None
    if fshape is not None and fshape != tuple(derived.shape):
        raise ValueError(f"formula has shape {fshape} but the parameter's gradient has shape "
                         f"{tuple(derived.shape)}{' for ' + name if name else ''}")
    explicit = _resolve(formula, where)
    if explicit.shape != derived.shape:
        raise ValueError(f"formula has shape {explicit.shape} but the parameter's gradient has "
                         f"shape {derived.shape}{' for ' + name if name else ''}")
    F, D = explicit, derived
    if assume:
        F, D = F.subs(assume), D.subs(assume)

    # the sample point: undefined activations become concrete for the numbers
    acts = dict(activations or {})
    for g in _undefined_in(F.row_join(D)):
        acts.setdefault(g, sigmoid)
    Fn, Dn = _substitute_activations(F, acts), _substitute_activations(D, acts)
    symbols = _symbols_of(Fn, Dn)
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(len(symbols))
    point = {s: float(v) for s, v in zip(symbols, values, strict=True)}
    f_num, d_num = _numeric([Fn, Dn], symbols)(*values)
    f_num = np.broadcast_to(np.asarray(f_num, dtype=np.float64), F.shape).copy()
    d_num = np.broadcast_to(np.asarray(d_num, dtype=np.float64), D.shape).copy()

    # exact verdict per entry; an entry already different at the point needs no simplify
    def entry_difference(i: int, j: int) -> sp.Expr:
        gap = abs(f_num[i, j] - d_num[i, j])
        if gap > _NONZERO * max(1.0, abs(f_num[i, j]), abs(d_num[i, j])):
            return F[i, j] - D[i, j]
        e = F[i, j] - D[i, j]
        return sp.Integer(0) if _is_zero(e) else e

    diff = sp.Matrix(F.rows, F.cols, entry_difference)
    holds = all(e == 0 for e in diff)
    mismatches = [(i, j, float(f_num[i, j]), float(d_num[i, j]))
                  for i in range(F.rows) for j in range(F.cols) if diff[i, j] != 0]
    return FormulaCheck(name, formula, explicit, derived, diff, holds, point, f_num, d_num,
                        mismatches)


def prove_formula(formula: Any, derived: sp.Matrix, **kwargs: Any) -> FormulaCheck:
    """:func:`check_formula`, raising :class:`FormulaError` (with the counterexample)
    unless the formula holds. Takes the same arguments; returns the FormulaCheck.

    Examples
    --------
    >>> from bpkit.symbolic import gradient, matrix, prove_formula
    >>> w = matrix("w", 1, 1)
    >>> prove_formula(2 * w, gradient(w[0] ** 2, w)).holds
    True
    """
    result = check_formula(formula, derived, **kwargs)
    if not result.holds:
        raise FormulaError(str(result))
    return result


# ---------------------------------------------------------------------------
# 3b. Three-way agreement: symbolic, bpkit's backward, finite differences
# ---------------------------------------------------------------------------


class AgreementError(GradientCheckError):
    """Symbolic gradient, bpkit's backward and finite differences disagree."""


@dataclass
class Agreement:
    """The figures of :func:`check_agreement`, one row per parameter.

    Attributes
    ----------
    rows : [(name, shape, rel diff symbolic vs bpkit, rel error symbolic vs FD,
        rel error bpkit vs FD)].
    loss_symbolic, loss_bpkit : the loss at the point by both routes.
    seconds : wall time of the check (lambdify, evaluation and differences).
    ok : every figure within its tolerance (RTOL, TOL).
    """

    rows: list[tuple[str, tuple[int, int], float, float, float]]
    loss_symbolic: float
    loss_bpkit: float
    seconds: float
    ok: bool

    def __str__(self) -> str:
        head = (f"{'parameter':>12} {'shape':>8} {'sym vs bpkit':>13} {'sym vs FD':>10} "
                f"{'bpkit vs FD':>11}")
        lines = [head] + [f"{n:>12} {str(s):>8} {a:13.2e} {b:10.2e} {c:11.2e}"
                          for n, s, a, b, c in self.rows]
        lines.append(f"loss: symbolic {self.loss_symbolic:.15g}, bpkit {self.loss_bpkit:.15g}; "
                     f"tolerances {RTOL:.0e} (sym vs bpkit), {TOL:.0e} (vs FD); "
                     f"{self.seconds:.2f} s")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{s[0]}&times;{s[1]}</td><td>{a:.2e}</td>"
            f"<td>{b:.2e}</td><td>{c:.2e}</td></tr>" for n, s, a, b, c in self.rows)
        return ("<table><thead><tr><th>parameter</th><th>shape</th><th>symbolic vs bpkit</th>"
                "<th>symbolic vs FD</th><th>bpkit vs FD</th></tr></thead>"
                f"<tbody>{cells}</tbody></table>"
                f"<p>loss: symbolic {self.loss_symbolic:.15g}, bpkit {self.loss_bpkit:.15g}; "
                f"tolerances {RTOL:.0e} and {TOL:.0e}; {self.seconds:.2f} s</p>")


def _rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(max |a|, max |b|), 0 when both are 0."""
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return 0.0 if scale == 0.0 else float(np.max(np.abs(a - b)) / scale)


def _random_targets(model: Any, N: int, rng: np.random.Generator) -> np.ndarray:
    C = model.sizes[-1]
    if model.loss_name == "cross_entropy":
        return rng.integers(0, C, size=N)
    if model.loss_name == "binary_cross_entropy":
        return rng.uniform(0.0, 1.0, size=(C, N))
    return rng.standard_normal((C, N))


def check_agreement(
    loss: sp.Expr,
    params: Mapping[str, sp.Matrix],
    model: Any,
    X: np.ndarray | None = None,
    y: Any = None,
    *,
    inputs: sp.Matrix,
    targets: sp.Matrix | None = None,
    layout: Mapping[str, str | Callable[[dict[str, np.ndarray]], np.ndarray]] | None = None,
    activations: Mapping[Activation, Activation | str] | None = None,
    constants: Mapping[sp.Symbol, float] | None = None,
    hold: Mapping[str, float | np.ndarray] | None = None,
    seed: int = 0,
    scale: float = 0.5,
    raise_on_failure: bool = True,
) -> Agreement:
    r"""Three-way agreement at one random float64 point, in one call.

    The symbolic gradient of ``loss`` (derived once, lambdified with shared
    common subexpressions), ``model.loss_and_grads`` (bpkit's backward) and
    central finite differences of ``model.loss``
    (:func:`bpkit.gradcheck.numerical_gradient`) are compared at the same
    point: symbolic vs bpkit to a relative difference of :data:`RTOL` = 1e-9
    (max |s - b| / max(max|s|, max|b|) per parameter) and both against finite
    differences to a relative error (:func:`bpkit.gradcheck.relative_error`)
    below :data:`bpkit.gradcheck.TOL` = 1e-7. The two losses must also agree
    to RTOL.

    Parameters
    ----------
    loss : the scalar symbolic loss.
    params : {document name: Matrix of symbols}, e.g. ``{"W_H": W_H, "b_H": b_H}``.
    model : a float64 :class:`bpkit.MLP` (or anything with ``params``, ``sizes``,
        ``loss_name``, ``targets``, ``loss`` and ``loss_and_grads``). It is
        copied; the copy's parameters are set to random values
        (normal, standard deviation ``scale``, seeded).
    X, y : the data, as bpkit takes it: X (D, N), y labels (N,) or targets
        (C, N). Random (seeded) when None.
    inputs : the symbolic X, same shape as X (document layout: samples are columns).
    targets : the symbolic targets (C, N), or None when the loss has concrete
        targets (e.g. ``one_hot``) or none.
    layout : {document name: bpkit name or function}. A bpkit name
        (``"W1"``) means the same array; a function maps bpkit's dict of
        arrays to the document's matrix, e.g. ``lambda p: p["W1"].T`` for a
        document that stores W as (n_in, n_out), or
        ``lambda p: np.hstack([p["b1"], p["W1"]])`` for
        :math:`\Theta^{(1)}` with its bias column. It must be a
        rearrangement (linear), since it also maps bpkit's gradients.
        Defaults to the identity on names (params keyed by bpkit's names).
    activations : {g: concrete} replacing undefined activations for the numbers.
    constants : values of other symbols of the loss, e.g. ``{lam: 0.1}`` for a
        symbolic L2 weight (it must equal the model's ``l2``).
    hold : {bpkit name: value} for model parameters that keep a fixed value
        instead of a random one, e.g. ``{"b1": 0.0, "b2": 0.0}`` for a
        document whose network has no biases.
    seed : seeds the parameters and, when omitted, X and y.
    raise_on_failure : raise :class:`AgreementError` if any figure is out of tolerance.

    Returns
    -------
    Agreement : the figures per parameter (prints and renders as a table).

    Examples
    --------
    >>> from bpkit import MLP
    >>> from bpkit.symbolic import symbolic_mlp
    >>> net = symbolic_mlp([2, 3, 1], N=2)
    >>> report = net.agree(MLP([2, 3, 1]))
    >>> report.ok
    True
    """
    start = time.perf_counter()
    layout = dict(layout) if layout is not None else {k: k for k in params}
    missing = set(params) - set(layout)
    if missing:
        raise ValueError(f"layout has no entry for {sorted(missing)}; expected one per "
                         f"parameter of params {sorted(params)}")
    params = {k: _as_matrix(v, k) for k, v in params.items()}
    inputs = _as_matrix(inputs, "inputs")
    rng = np.random.default_rng(seed)
    model = copy.deepcopy(model)
    for k, arr in model.params.items():
        model.params[k] = scale * rng.standard_normal(arr.shape)
    for k, value in (hold or {}).items():
        if k not in model.params:
            raise ValueError(f"hold names {k!r}, which is not a parameter of the model "
                             f"{sorted(model.params)}")
        model.params[k][...] = value
    if X is None:
        X = rng.standard_normal((model.sizes[0], inputs.cols))
    X = np.array(X, dtype=np.float64)
    if X.shape != inputs.shape:
        raise ValueError(f"X must have the shape of the symbolic inputs {inputs.shape}; got {X.shape}")
    if y is None:
        y = _random_targets(model, X.shape[1], rng)
    Y = model.targets(y, X.shape[1])

    def view(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
        how = layout[name]
        out = arrays[how] if isinstance(how, str) else how(arrays)
        out = np.asarray(out, dtype=np.float64)
        if out.shape != params[name].shape:
            raise ValueError(f"layout[{name!r}] gives shape {out.shape}; the symbolic "
                             f"{name} has shape {params[name].shape}")
        return out

    # symbolic side: derive once, lambdify once
    L = _substitute_activations(sp.sympify(loss), activations)
    left = _undefined_in(L)
    if left:
        raise ValueError(f"the loss uses undefined activations {[a.name for a in left]}; "
                         "give concrete ones, e.g. activations={g: 'sigmoid'}")
    grads_sym = [gradient(L, M) for M in params.values()]
    bound: dict[sp.Symbol, float] = {}
    for name, M in params.items():
        bound.update(zip(M, view(model.params, name).ravel(), strict=True))
    bound.update(zip(inputs, X.ravel(), strict=True))
    if targets is not None:
        targets = _as_matrix(targets, "targets")
        if targets.shape != Y.shape:
            raise ValueError(f"targets must have shape {Y.shape}; got {targets.shape}")
        bound.update(zip(targets, Y.ravel(), strict=True))
    bound.update({k: float(v) for k, v in (constants or {}).items()})
    unbound = set(L.free_symbols) - set(bound)
    if unbound:
        raise ValueError(f"the loss has symbols with no value: {sorted(map(str, unbound))}; "
                         "declare them in params, inputs, targets or constants")
    symbols = list(bound)
    values = [bound[s] for s in symbols]
    out = _numeric([L, *grads_sym], symbols)(*values)
    loss_sym = float(out[0])
    sym = {name: np.asarray(g, dtype=np.float64).reshape(params[name].shape)
           for name, g in zip(params, out[1:], strict=True)}

    # bpkit's backward and finite differences of bpkit's forward
    loss_bp, grads_bp = model.loss_and_grads(X, y)

    def f(_: np.ndarray) -> float:
        return model.loss(X, y)

    fd = {k: numerical_gradient(f, arr) for k, arr in model.params.items()}
    rows = []
    for name in params:
        s, b, n = sym[name], view(grads_bp, name), view(fd, name)
        rows.append((name, params[name].shape, _rel_diff(s, b), relative_error(s, n),
                     relative_error(b, n)))
    ok = (_rel_diff(np.array(loss_sym), np.array(loss_bp)) <= RTOL
          and all(a <= RTOL and e1 < TOL and e2 < TOL for _, _, a, e1, e2 in rows))
    report = Agreement(rows, loss_sym, float(loss_bp), time.perf_counter() - start, ok)
    if raise_on_failure and not ok:
        raise AgreementError(f"symbolic, bpkit and finite differences disagree:\n{report}")
    return report


# ---------------------------------------------------------------------------
# A whole bpkit.MLP, declared symbolically
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# For all sizes: matrix calculus on MatrixSymbols
# ---------------------------------------------------------------------------


@dataclass
class GeneralGradient:
    r"""A gradient derived for symbolic sizes with SymPy's matrix calculus.

    Attributes
    ----------
    loss : the scalar loss, a matrix expression (a trace).
    wrt : the MatrixSymbol differentiated against.
    derived : ``sympy.diff(loss, wrt)`` as SymPy returns it.
    expected : the closed form it is proven equal to.
    holds : True when ``derived - expected`` expands to the zero matrix.
    sizes : the size symbols (m, n, N).
    """

    loss: sp.Expr
    wrt: sp.MatrixSymbol
    derived: sp.MatrixExpr
    expected: sp.MatrixExpr
    holds: bool
    sizes: tuple[sp.Symbol, ...]

    def latex(self) -> str:
        """LaTeX: the gradient equals the closed form, for all sizes."""
        lhs = rf"\frac{{\partial}}{{\partial {sp.latex(self.wrt)}}} {latex(self.loss)}"
        return rf"{lhs} = {latex(self.expected)}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"

    def at_size(self, **sizes: int) -> FormulaCheck:
        r"""The same result at concrete sizes, entry by entry.

        The loss is made explicit at these sizes (matrices of scalar symbols),
        differentiated by :func:`gradient`, and the closed form is checked
        against it with :func:`check_formula`.

        Examples
        --------
        >>> from bpkit.symbolic import general_linear_gradient
        >>> general_linear_gradient().at_size(m=3, n=4, N=2).holds
        True
        """
        names = {str(s) for s in self.sizes}
        if set(sizes) != names:
            raise ValueError(f"give every size {sorted(names)}; got {sorted(sizes)}")
        for k, v in sizes.items():
            _check_size(v, k)
        by_name = {str(s): s for s in self.sizes}
        size_subs = {by_name[k]: v for k, v in sizes.items()}
        mats = {M for M in (self.loss.free_symbols | self.expected.free_symbols | {self.wrt})
                if isinstance(M, sp.MatrixSymbol)}
        sized = {M: M.subs(size_subs) for M in mats}  # W(m, n) -> W(3, 4)
        explicit = {sized[M]: sp.ImmutableMatrix(matrix(M.name, *map(int, sized[M].shape)))
                    for M in mats}

        def concrete(e: Any) -> Any:
            e = e.subs(size_subs).xreplace(explicit)
            e = e.replace(lambda x: isinstance(x, sp.OneMatrix),
                          lambda x: sp.ImmutableMatrix(sp.ones(*map(int, x.shape)))).doit()
            return e.as_explicit() if isinstance(e, sp.MatrixExpr) else e

        L = concrete(self.loss)
        if isinstance(L, sp.MatrixBase):
            L = L[0, 0]
        return check_formula(sp.Matrix(concrete(self.expected)),
                             gradient(sp.expand(L), explicit[sized[self.wrt]]), name=self.wrt.name)


def _general(loss: sp.Expr, wrt: sp.MatrixSymbol, expected: sp.MatrixExpr,
             sizes: tuple[sp.Symbol, ...]) -> GeneralGradient:
    derived = sp.diff(loss, wrt)
    holds = sp.expand(derived - expected).doit() == sp.ZeroMatrix(*wrt.shape) or \
        sp.simplify(sp.expand(derived - expected)) == 0
    return GeneralGradient(loss, wrt, derived, expected, bool(holds), sizes)


def general_linear_gradient() -> GeneralGradient:
    r"""Prove, for all sizes m, n, N:

    .. math:: \frac{\partial}{\partial W} \tfrac12 \|W X - Y\|_F^2 = (W X - Y) X^T

    with W (m, n), X (n, N), Y (m, N) MatrixSymbols of symbolic sizes and
    :math:`\|A\|_F^2 = \operatorname{tr}(A^T A)`.

    Examples
    --------
    >>> from bpkit.symbolic import general_linear_gradient
    >>> r = general_linear_gradient()
    >>> r.holds, r.at_size(m=3, n=4, N=2).holds
    (True, True)
    """
    m, n, N = sp.symbols("m n N", integer=True, positive=True)
    W, X, Y = sp.MatrixSymbol("W", m, n), sp.MatrixSymbol("X", n, N), sp.MatrixSymbol("Y", m, N)
    R = W * X - Y
    loss = sp.Rational(1, 2) * sp.Trace(R.T * R)
    return _general(loss, W, R * X.T, (m, n, N))


def general_dense_gradients() -> dict[str, GeneralGradient]:
    r"""Prove the linear part of backprop through a dense layer, for all sizes.

    For :math:`Z = W A + b \mathbf{1}^T` with W (m, n), A (n, N), b (m, 1) and
    an upstream gradient :math:`G = \partial L / \partial Z` (m, N), the chain
    rule makes L locally :math:`\operatorname{tr}(G^T Z)`, whence

    .. math:: \frac{\partial L}{\partial W} = G A^T, \qquad
              \frac{\partial L}{\partial A} = W^T G, \qquad
              \frac{\partial L}{\partial b} = G \mathbf{1}

    Returns {"W": ..., "A": ..., "b": ...} as :class:`GeneralGradient` s.

    Examples
    --------
    >>> from bpkit.symbolic import general_dense_gradients
    >>> all(r.holds for r in general_dense_gradients().values())
    True
    """
    m, n, N = sp.symbols("m n N", integer=True, positive=True)
    W, A = sp.MatrixSymbol("W", m, n), sp.MatrixSymbol("A", n, N)
    b, G = sp.MatrixSymbol("b", m, 1), sp.MatrixSymbol("G", m, N)
    loss = sp.Trace(G.T * (W * A + b * sp.OneMatrix(1, N)))
    return {"W": _general(loss, W, G * A.T, (m, n, N)),
            "A": _general(loss, A, W.T * G, (m, n, N)),
            "b": _general(loss, b, G * sp.OneMatrix(N, 1), (m, n, N))}


# ---------------------------------------------------------------------------
# 4. Display
# ---------------------------------------------------------------------------


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer, with the all-ones matrix printed as a bold 1."""

    def _print_OneMatrix(self, expr: Any) -> str:
        return r"\mathbf{1}"


def latex(obj: Any) -> str:
    r"""LaTeX for a SymPy object or a checked result (``FormulaCheck``, ``GeneralGradient``).

    Matrices print with square brackets, the all-ones matrix as :math:`\mathbf{1}`.

    Examples
    --------
    >>> from bpkit.symbolic import latex, matrix
    >>> latex(matrix("W_H", 1, 2))
    '\\left[\\begin{matrix}W_{H,11} & W_{H,12}\\end{matrix}\\right]'
    """
    if isinstance(obj, FormulaCheck | GeneralGradient):
        return obj.latex()
    return _Printer({"mat_delim": "["}).doprint(obj)


def show(*objs: Any) -> Any:
    r"""An ``IPython.display.Math`` of the objects' LaTeX, in a row.

    Strings are taken as LaTeX and run into what follows (``show(r"W_H =", W_H)``);
    other objects go through :func:`latex`, two in a row separated by ``\quad``.
    Returned (not displayed), so a notebook cell ending in ``show(...)``
    renders it and myst-nb can ``glue`` it.

    Examples
    --------
    >>> from bpkit.symbolic import matrix, show
    >>> show(r"W_H =", matrix("W_H", 1, 1))
    <IPython.core.display.Math object>
    """
    from IPython.display import Math

    out = ""
    for k, o in enumerate(objs):
        if k:
            both = not isinstance(objs[k - 1], str) and not isinstance(o, str)
            out += r" \quad " if both else " "
        out += o if isinstance(o, str) else latex(o)
    return Math(out)
