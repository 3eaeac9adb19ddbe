r"""Step 4 of "verified": LaTeX of the checked objects themselves.

:func:`latex` prints a SymPy object, or a checked result (anything with a
``latex()`` method: ``FormulaCheck``, ``GeneralGradient``); :func:`show`
returns an ``IPython.display.Math`` that a chapter cell renders. Every
chapter displays what it proved with these, so what the reader sees is what
was tested.
"""

from __future__ import annotations

from typing import Any

from sympy.printing.latex import LatexPrinter


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
    if callable(getattr(obj, "latex", None)):  # a checked result renders itself
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
