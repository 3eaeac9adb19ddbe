r"""Three-way agreement: the symbolic gradient, bpkit's backward, finite differences.

The symbolic twin of :func:`bpkit.gradcheck.check_mlp`, and the only module of
:mod:`bpkit.symbolic` that uses the numeric side: it compares with it.
:func:`check_agreement` evaluates the derived gradient (lambdified once) at one
random float64 point and compares it with ``model.loss_and_grads`` and with
central finite differences. Every chapter for a source document calls it;
the page "How each chapter is verified" explains its tolerances.
"""

from __future__ import annotations

import copy
import html
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..gradcheck import TOL, GradientCheckError, numerical_gradient, relative_error
from .activations import Activation, _numeric, _substitute_activations, _undefined_in
from .symbols import _as_matrix, gradient

#: largest accepted relative difference between the symbolic gradient and bpkit's
RTOL = 1e-9


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
