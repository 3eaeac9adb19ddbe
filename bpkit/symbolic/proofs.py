r"""Exact proofs of matrix formulas, with a counterexample when one fails.

Step 3 of "verified": :func:`check_formula` compares a formula, as a
document states it or corrected, with the gradient derived by
:func:`bpkit.symbolic.gradient` and returns a :class:`FormulaCheck`;
:func:`prove_formula` raises :class:`FormulaError` instead. Every chapter
for a source document proves its formulas, and shows its errata, with these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from .activations import Activation, _numeric, _substitute_activations, _undefined_in, sigmoid
from .display import latex
from .symbols import _as_matrix


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
