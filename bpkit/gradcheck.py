"""Gradient checking by finite differences: the one helper used by the
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
tolerance. The book page "How each chapter is verified" explains STEP and TOL;
the chapter "Gradient checking" measures them, compares the three stencils of
:data:`STENCILS` (forward, central, fourth-order), and uses
:class:`CountingNet` and ``check_mlp(..., raise_on_failure=False)`` to count
the cost of a check and to find which parameter a broken backward pass gets
wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: step h of the fourth-order central difference (default): truncation ~ h^4, round-off ~ eps/h
STEP = 1e-3
#: step h of the second-order central difference: truncation ~ h^2, round-off ~ eps/h
STEP_ORDER2 = 1e-5
#: step h of the first-order forward difference: truncation ~ h, round-off ~ eps/h
STEP_ORDER1 = 1e-8
#: difference stencils: order -> {offset k: weight of f(x + k h)}, to be divided by h.
#: Order 1 is the forward difference (for teaching), 2 and 4 are central differences.
STENCILS = {1: {1: 1.0, 0: -1.0}, 2: {1: 1 / 2, -1: -1 / 2},
            4: {2: -1 / 12, 1: 8 / 12, -1: -8 / 12, -2: 1 / 12}}
#: default step of each order
STEPS = {1: STEP_ORDER1, 2: STEP_ORDER2, 4: STEP}
#: largest accepted relative error between backprop and finite differences (float64)
TOL = 1e-7


class GradientCheckError(AssertionError):
    """Backprop and finite differences disagree beyond the tolerance."""


def _stencil(order: int) -> dict[int, float]:
    if order not in STENCILS:
        raise ValueError(f"order must be 1, 2 or 4; got {order!r}")
    return STENCILS[order]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float | None = None,
                       order: int = 4) -> np.ndarray:
    r"""Finite-difference gradient of a scalar function, entry by entry.

    .. math::
        \text{order 1:}\ \frac{f(x + h e_i) - f(x)}{h}, \qquad
        \text{order 2:}\ \frac{f(x + h e_i) - f(x - h e_i)}{2h}, \qquad
        \text{order 4:}\ \frac{-f(x + 2h e_i) + 8 f(x + h e_i) - 8 f(x - h e_i) + f(x - 2h e_i)}{12h}

    Parameters
    ----------
    f : function of x returning a float. It may read x through a closure:
        x is changed in place, one entry at a time, and restored.
    x : float64 array of any shape.
    h : step; defaults to ``STEPS[order]``: STEP (order 4), STEP_ORDER2 (order 2)
        or STEP_ORDER1 (order 1).
    order : 4 (default; error ~ h^4), 2 (the textbook central formula; error ~ h^2)
        or 1 (the forward difference; error ~ h). Order 1 takes 2 evaluations
        per entry, orders 2 and 4 take 2 and 4.

    Returns
    -------
    grad : array of x's shape.
    """
    _require_float64(x)
    stencil = _stencil(order)
    h = STEPS[order] if h is None else h
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
              input_grad: bool = True, seed: int = 0, raise_on_failure: bool = True
              ) -> dict[str, float]:
    """Check every gradient of ``net.loss_and_grads`` (and dL/dX) by central differences.

    Parameters
    ----------
    net : an :class:`bpkit.MLP` in float64, or any object with ``params``,
        ``loss(X, y)`` and ``loss_and_grads(X, y, input_grad)`` (a
        :class:`CountingNet`, a broken copy from :func:`bpkit.mistakes.broken`).
    X : (D, N) inputs; y : labels (N,) or targets (C, N).
    directional : use :func:`check_directional` (cheap, for large nets)
        instead of the full entry-by-entry check.
    raise_on_failure : True (default) raises on the first parameter above
        ``tol``; False checks every parameter and returns all the errors,
        also those above ``tol``, so that a failure can be localised.

    Returns
    -------
    errors : relative error per parameter name (and "X"), in the order of
    ``net.params``. With ``raise_on_failure=True`` GradientCheckError is
    raised on the first one above ``tol``.
    """
    if not isinstance(raise_on_failure, bool):
        raise TypeError(f"raise_on_failure must be True or False; got {raise_on_failure!r}")
    X = np.array(X, dtype=np.float64)
    _, grads = net.loss_and_grads(X, y, input_grad=input_grad)
    targets = dict(net.params, **({"X": X} if input_grad else {}))
    check_tol = tol if raise_on_failure else np.inf   # inf: report, never raise
    errors = {}
    for k, arr in targets.items():
        def f(_: np.ndarray) -> float:
            return net.loss(X, y)
        try:
            if directional:
                errors[k] = check_directional(f, arr, grads[k], seed=seed, tol=check_tol, name=k)
            else:
                errors[k] = check_gradient(f, arr, grads[k], tol=check_tol, name=k)
        except GradientCheckError:
            if raise_on_failure:
                raise
            errors[k] = np.nan                              # the error itself is NaN
    return errors


class CountingNet:
    """A network that counts its own evaluations: the cost of a gradient check.

    Wraps any object with ``params``, ``loss(X, y)`` and
    ``loss_and_grads(X, y, input_grad=False)`` (an :class:`bpkit.MLP`, a broken
    copy from :func:`bpkit.mistakes.broken`) and passes every call through
    unchanged, counting it. ``check_mlp(CountingNet(net), X, y)`` gives the
    same errors as ``check_mlp(net, X, y)``; afterwards

    - ``loss_calls`` is the number of loss evaluations (forward passes): 4 per
      checked entry for the full check, 4 per checked array for the
      directional one;
    - ``backward_calls`` is the number of ``loss_and_grads`` calls: 1.

    Parameters
    ----------
    net : the network to wrap; its ``params`` are shared, not copied.

    Examples
    --------
    >>> import numpy as np
    >>> from bpkit import MLP, check_mlp
    >>> from bpkit.gradcheck import CountingNet
    >>> counted = CountingNet(MLP([2, 3, 1], seed=0))
    >>> _ = check_mlp(counted, np.ones((2, 4)), np.zeros((1, 4)))
    >>> counted.loss_calls, counted.backward_calls    # 4 (6 + 3 + 3 + 1 + 8 entries)
    (84, 1)
    """

    def __init__(self, net) -> None:
        missing = [a for a in ("params", "loss", "loss_and_grads") if not hasattr(net, a)]
        if missing:
            raise TypeError(f"CountingNet wraps a network with params, loss and loss_and_grads; "
                            f"got {type(net).__name__} without {', '.join(missing)}")
        self.net = net
        self.loss_calls = 0
        self.backward_calls = 0

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The wrapped network's parameters (the same arrays)."""
        return self.net.params

    def loss(self, X: np.ndarray, y: object) -> float:
        """The wrapped network's loss; counts one loss evaluation."""
        self.loss_calls += 1
        return self.net.loss(X, y)

    def loss_and_grads(self, X: np.ndarray, y: object, input_grad: bool = False
                       ) -> tuple[float, dict[str, np.ndarray]]:
        """The wrapped network's loss and gradients; counts one backward pass."""
        self.backward_calls += 1
        return self.net.loss_and_grads(X, y, input_grad=input_grad)
