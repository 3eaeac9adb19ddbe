"""Gradient checking by central differences: the one helper used by the
tests and by the chapters alike.

Two checks:

- :func:`check_gradient` compares every entry (4 n evaluations for n entries),
  for small arrays;
- :func:`check_directional` compares one directional derivative along a
  random unit direction u, :math:`\\langle \\nabla f, u \\rangle` against the
  central difference of f along u (4 evaluations whatever the size), for
  large arrays.

Both use the fourth-order central difference
:math:`(-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / 12h` with h = 1e-3 by
default: its error is ~1e-12, a hundred times below what the textbook
two-point formula reaches in float64, so TOL = 1e-7 leaves a wide margin.
Both need float64 and raise :class:`GradientCheckError` (an AssertionError)
with the analytic and numeric figures when the relative error exceeds the
tolerance. The book page "How each chapter is verified" explains STEP and TOL.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: step h of the fourth-order central difference (default): truncation ~ h^4, round-off ~ eps/h
STEP = 1e-3
#: step h of the second-order central difference: truncation ~ h^2, round-off ~ eps/h
STEP_ORDER2 = 1e-5
#: central-difference stencils: order -> {offset k: weight of f(x + k h)}, to be divided by h
STENCILS = {2: {1: 1 / 2, -1: -1 / 2}, 4: {2: -1 / 12, 1: 8 / 12, -1: -8 / 12, -2: 1 / 12}}
#: largest accepted relative error between backprop and finite differences (float64)
TOL = 1e-7


class GradientCheckError(AssertionError):
    """Backprop and finite differences disagree beyond the tolerance."""


def _stencil(order: int) -> dict[int, float]:
    if order not in STENCILS:
        raise ValueError(f"order must be 2 or 4; got {order!r}")
    return STENCILS[order]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float | None = None,
                       order: int = 4) -> np.ndarray:
    r"""Central-difference gradient of a scalar function, entry by entry.

    .. math::
        \text{order 2:}\ \frac{f(x + h e_i) - f(x - h e_i)}{2h}, \qquad
        \text{order 4:}\ \frac{-f(x + 2h e_i) + 8 f(x + h e_i) - 8 f(x - h e_i) + f(x - 2h e_i)}{12h}

    Parameters
    ----------
    f : function of x returning a float. It may read x through a closure:
        x is changed in place, one entry at a time, and restored.
    x : float64 array of any shape.
    h : step; defaults to STEP (order 4) or STEP_ORDER2 (order 2).
    order : 4 (default; error ~ h^4) or 2 (the textbook formula; error ~ h^2).

    Returns
    -------
    grad : array of x's shape.
    """
    _require_float64(x)
    stencil = _stencil(order)
    h = (STEP if order == 4 else STEP_ORDER2) if h is None else h
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        orig = x[idx]
        total = 0.0
        for k, w in stencil.items():
            x[idx] = orig + k * h
            total += w * f(x)
        x[idx] = orig
        grad[idx] = total / h
    return grad


def _require_float64(x: np.ndarray) -> None:
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"gradient checks run on float64 arrays; got {getattr(x, 'dtype', type(x))}")


def relative_error(analytic: np.ndarray | float, numeric: np.ndarray | float) -> float:
    r"""Relative error :math:`\|a - n\| / \max(\|a\|, \|n\|)` (Frobenius norms; 0 if both are 0).

    NaN when either side has a NaN or an infinite entry: there is no agreement to
    measure, and every check compares with ``err <= tol``, which NaN fails.
    """
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric must have the same shape; got {a.shape} and {n.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        return float("nan")
    scale = max(np.linalg.norm(a), np.linalg.norm(n))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - n) / scale)


def _fail(name: str, err: float, tol: float, analytic, numeric) -> GradientCheckError:
    with np.printoptions(precision=10, threshold=20):
        return GradientCheckError(f"gradient check failed for {name}: relative error {err:.3e} > "
                                  f"{tol:.0e}\nanalytic: {analytic}\nnumeric:  {numeric}")


def check_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, analytic: np.ndarray,
                   tol: float = TOL, h: float | None = None, name: str = "x") -> float:
    """Compare ``analytic`` with the central-difference gradient of f at x, every entry.

    Returns the relative error; raises GradientCheckError if it exceeds ``tol``.
    """
    numeric = numerical_gradient(f, x, h)
    err = relative_error(analytic, numeric)
    if not err <= tol:
        raise _fail(name, err, tol, analytic, numeric)
    return err


def check_directional(f: Callable[[np.ndarray], float], x: np.ndarray, analytic: np.ndarray,
                      seed: int = 0, tol: float = TOL, h: float | None = None, name: str = "x"
                      ) -> float:
    r"""Compare :math:`\langle \text{analytic}, u \rangle` with the fourth-order central
    difference of f along one random unit direction u (4 evaluations whatever the size).

    Returns the relative error; raises GradientCheckError if it exceeds ``tol``.
    """
    _require_float64(x)
    u = np.random.default_rng(seed).standard_normal(x.shape)
    u /= np.linalg.norm(u)
    h = STEP if h is None else h
    orig, numeric = x.copy(), 0.0
    for k, w in STENCILS[4].items():
        x[...] = orig + (k * h) * u
        numeric += w * f(x) / h
    x[...] = orig
    a = float(np.sum(analytic * u))
    err = relative_error(a, numeric)
    if not err <= tol:
        raise _fail(name, err, tol, a, numeric)
    return err


def check_mlp(net, X: np.ndarray, y: object, tol: float = TOL, directional: bool = False,
              input_grad: bool = True, seed: int = 0) -> dict[str, float]:
    """Check every gradient of ``net.loss_and_grads`` (and dL/dX) by central differences.

    Parameters
    ----------
    net : an :class:`bpkit.MLP` in float64.
    X : (D, N) inputs; y : labels (N,) or targets (C, N).
    directional : use :func:`check_directional` (cheap, for large nets)
        instead of the full entry-by-entry check.

    Returns
    -------
    errors : relative error per parameter name (and "X"); raises
    GradientCheckError on the first one above ``tol``.
    """
    X = np.array(X, dtype=np.float64)
    _, grads = net.loss_and_grads(X, y, input_grad=input_grad)
    targets = dict(net.params, **({"X": X} if input_grad else {}))
    errors = {}
    for k, arr in targets.items():
        def f(_: np.ndarray) -> float:
            return net.loss(X, y)
        if directional:
            errors[k] = check_directional(f, arr, grads[k], seed=seed, tol=tol, name=k)
        else:
            errors[k] = check_gradient(f, arr, grads[k], tol=tol, name=k)
    return errors
