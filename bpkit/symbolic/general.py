r"""Gradients for all sizes at once: SymPy's matrix calculus on ``MatrixSymbol``.

:func:`general_linear_gradient` and :func:`general_dense_gradients` prove the
linear part of backprop through a dense layer for symbolic sizes m, n, N;
:meth:`GeneralGradient.at_size` confirms a result entry by entry at a small
size. Used by the page on ``bpkit.symbolic`` and the chapter on L layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from .display import latex
from .proofs import FormulaCheck, check_formula
from .symbols import _check_size, gradient, matrix


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
