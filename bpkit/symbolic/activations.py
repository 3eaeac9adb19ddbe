r"""Activations in symbols: sigmoid, tanh, ReLU, identity, softmax, and an undefined g.

The symbolic twins of :mod:`bpkit.activations`. An undefined activation
(:func:`activation`) keeps its derivative as :math:`g'`, so a result proven
with it holds for every differentiable activation (chapters on documents 002
and 003, and on L layers). The module also holds what turns these functions
into numbers (:func:`_numeric`, lambdify with shared subexpressions), which
the proofs and the three-way agreement use for their sample points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from .symbols import _as_matrix, _split_top, _strip_braces


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
    # exp(-log(1 + e^{-z})): stable for any finite z, and written independently of
    # bpkit.activations.sigmoid, so the symbolic side does not inherit its mistakes
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))


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


def _undefined_in(expr: Any) -> list[Activation]:
    found = []
    for act in _UNDEFINED.values():
        if any(expr.has(f) for f in act.undefined):
            found.append(act)
    return found


def _numeric(exprs: Sequence[Any], symbols: Sequence[sp.Symbol]) -> Callable[..., list]:
    """lambdify with shared common subexpressions (numpy, float64)."""
    return sp.lambdify(list(symbols), list(exprs), modules=[_NUMPY_NAMES, "numpy"], cse=True)
