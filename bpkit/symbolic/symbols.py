r"""Symbols named as a document names them, and the gradient by ``sympy.diff``.

Steps 1 and 2 of "verified": :func:`matrix` and :func:`vector` declare
matrices of real symbols (``W_H``, ``u_{kj}``, ``\Theta^{(1)}_{ij}``,
``W^{[1]}_{ij}``), :func:`with_bias_unit` adds document 003's bias unit
:math:`x_0 = 1`, :func:`one_hot` makes concrete labels, and :func:`gradient`
differentiates a scalar loss entry by entry. Every chapter for a source
document declares its network with these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp


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
