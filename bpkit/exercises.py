"""Coding exercises that check themselves and name the mistake.

A chapter's exercise cell holds a stub that the student completes (say, the
backward pass of document 000's network); the next cell calls
:func:`check_exercise`. It runs the student's function on three cases (every
size 3, so that a missing transpose still runs; then two where the sizes
differ) and compares each returned array with the gradient derived by SymPy
(the exercise's network declared in symbols with one sample, differentiated by
``sympy.diff`` and lambdified once per size, summed over the samples), to
``sym.RTOL`` = 1e-9, and with central finite differences of bpkit's loss
(:mod:`bpkit.gradcheck`), to ``TOL`` = 1e-7.

It answers with an :class:`ExerciseResult`, never an exception for a student's
mistake: a stub is "not implemented yet"; an exception, a wrong shape, a NaN or
a wrong return type gets a message in plain words; a wrong value is located
(output, entry, expected and received value) and, when it matches a known
mistake, named. Mistakes read off one output (a transpose, a sign, a factor N,
a bias gradient not summed) are recognised in every exercise; slips inside an
exercise's chain of formulas (a missing g'(Z), W for W^T, the documents'
errata) are found by recomputing its answer with each slip
(:mod:`bpkit.exercise_answers`). The exercises (:class:`Exercise`,
:data:`EXERCISES`) and the mistakes (:data:`MISTAKES`) are in
:mod:`bpkit.exercise_bank`.

>>> from bpkit.exercises import check_exercise
>>> def backward(I, Y, W_H, b_H, W_O, b_O):
...     raise NotImplementedError
>>> check_exercise("mlp-backward", backward).status
'not implemented'
"""

from __future__ import annotations

import functools
import html
import inspect
import textwrap
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import symbolic as sym
from .exercise_bank import EXERCISES, MISTAKES, Exercise
from .gradcheck import TOL, numerical_gradient, relative_error
from .network import MLP
from .symbolic.activations import _numeric


@dataclass(frozen=True)
class ExerciseResult:
    """What :func:`check_exercise` found; prints (and renders in Jupyter) as its message.

    Attributes
    ----------
    exercise, label : the exercise's name and label.
    status : "passed", "not implemented", "wrong" (a wrong value or shape) or
        "error" (an exception, a wrong return type or signature).
    message : the verdict in plain words, one paragraph per line (``str()`` wraps it
        to 88 columns; Jupyter renders it as HTML).
    mistakes : names of the recognised mistakes (keys of :data:`MISTAKES`).
    """

    exercise: str
    label: str
    status: str
    message: str
    mistakes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True if every output agreed with SymPy and finite differences in every case."""
        return self.status == "passed"

    def __str__(self) -> str:
        return "\n".join(p if p.startswith("  ") else textwrap.fill(
            p, 88, break_on_hyphens=False, break_long_words=False) for p in self.message.split("\n"))

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(str(self))

    def _repr_html_(self) -> str:
        colour = {"passed": "#2e7d32", "not implemented": "#757575"}.get(self.status, "#c62828")
        return (f'<div class="bpkit-exercise" style="border-left: 4px solid {colour}; '
                f'padding: 0.3em 0.8em; white-space: pre-wrap; overflow-wrap: anywhere">'
                f"{html.escape(self.message)}</div>")


def check_exercise(name: str, solution: Callable) -> ExerciseResult:
    """Check a student's solution of the exercise ``name``; never raises for a wrong answer.

    Parameters
    ----------
    name : a key of :data:`bpkit.exercise_bank.EXERCISES`, e.g. "mlp-backward".
    solution : the student's function; it is called with the exercise's
        arguments (copies) and must return its outputs, each a float array.

    Returns an :class:`ExerciseResult` (``.passed``, ``.status``, ``.message``, ``.mistakes``).
    Raises ValueError for an unknown exercise name (a mistake of the book, not the student's).
    """
    if not isinstance(name, str) or name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; expected one of {sorted(EXERCISES)}")
    ex = EXERCISES[name]
    names = [a for a, _ in ex.args]

    def result(status: str, text: str, mistakes: tuple[str, ...] = ()) -> ExerciseResult:
        verdict = {"passed": "passed", "not implemented": "not implemented yet"}.get(
            status, "not yet right")
        return ExerciseResult(ex.name, ex.label, status,
                              f"{ex.label} ({ex.name}): {verdict}.\n{text}", mistakes)

    if not callable(solution):
        return result("error", f"check_exercise needs your function itself, as in check_exercise("
                               f"{name!r}, my_function); got {type(solution).__name__}.")
    try:
        inspect.signature(solution).bind(*names)
    except TypeError:
        return result("error", f"Your function must take {len(names)} arguments, "
                               f"({', '.join(names)}); its signature is {inspect.signature(solution)}.")
    except ValueError:                          # a builtin without a signature: just call it
        pass
    cases = ex.cases()
    for number, sizes in enumerate(cases, 1):
        values = _draw(ex, sizes, seed=number)
        where = f"Case {number} of {len(cases)}: {_describe(ex, sizes)}."
        try:
            returned = solution(*(_view(ex, b, values) for _, b in ex.args))
        except NotImplementedError:
            return result("not implemented", "Write your code in place of the line raise "
                                             "NotImplementedError, run that cell, then this one.")
        except Exception as err:                # the student's code failed: say where, plainly
            shapes = isinstance(err, ValueError) and ("matmul" in str(err) or "broadcast" in str(err))
            hint = ("\nA product or a sum got operands of mismatched shapes. The sizes of this case "
                    "differ from each other, so a missing or extra transpose shows here.") if shapes else ""
            return result("error", f"{where} Your function raised {type(err).__name__}: {err}"
                                   f"{_where_in(solution, err)}{hint}")
        outputs, problem = _unpack(ex, returned, len(sizes) - 2)
        if problem:
            return result("error", f"{where} {problem}")
        verdict = _compare(ex, sizes, values, outputs)
        if verdict is not None:
            return result("wrong", f"{where}\n{verdict[0]}", verdict[1])
    outs = ", ".join(o for o, _ in ex.outputs)
    agree = "agrees" if len(ex.outputs) == 1 else "agree"
    return result("passed", f"{outs} {agree} with the gradient derived by SymPy (relative difference "
                            f"at most {sym.RTOL:.0e}) and with finite differences (relative error "
                            f"below {TOL:.0e}) in all {len(cases)} cases: "
                            + "; ".join(_describe(ex, s) for s in cases) + ".")


# ----------------------------------------------------------------------------- the cases


def _describe(ex: Exercise, sizes: tuple[int, ...]) -> str:
    names = ex.size_names or [*(f"n_{l}" for l in range(len(sizes) - 1)), "N"]
    text = ", ".join(f"{n}={s}" for i, (n, s) in enumerate(zip(names, sizes, strict=True))
                     if i not in ex.fixed)
    return text if ex.size_names else f"L={len(sizes) - 2} ({text})"


def _model(ex: Exercise, sizes: tuple[int, ...]) -> MLP:
    return MLP(list(sizes[:-1]), seed=0, **ex.network)


def _draw(ex: Exercise, sizes: tuple[int, ...], seed: int) -> dict[str, np.ndarray]:
    """Random inputs, targets and parameters (bpkit's names) for one case."""
    rng, N, model = np.random.default_rng(seed), sizes[-1], _model(ex, sizes)
    C = sizes[-2]
    values = {"X": rng.standard_normal((sizes[0], N))}
    if model.loss_name == "cross_entropy":
        values["y"] = rng.permutation(np.arange(N) % C)        # every class, if N >= C
    elif model.loss_name == "binary_cross_entropy":
        values["y"] = rng.uniform(0.05, 0.95, (C, N))
    else:
        values["y"] = rng.standard_normal((C, N))
    for k, p in model.params.items():
        values[k] = 0.0 * p if k in ex.hold else 0.8 * rng.standard_normal(p.shape)
    return values


def _view(ex: Exercise, name: str, arrays: dict) -> np.ndarray | float | list:
    """A copy of ``arrays[name]``; "Theta<l>" is [b_l W_l] (document 003), "lam" the L2 weight,
    "W*" the list [W1, ..., WL]."""
    if name == "lam":
        return float(ex.network["l2"])
    if name.startswith("Theta"):
        return np.hstack([arrays["b" + name[5:]], arrays["W" + name[5:]]])
    if name.endswith("*"):
        depth = sum(1 for k in arrays if k.startswith("W"))
        return [np.array(arrays[f"{name[0]}{l}"]) for l in range(1, depth + 1)]
    return np.array(arrays[name])


def _slots(ex: Exercise, depth: int) -> list[tuple[str, str]]:
    """(label, bpkit name) of every returned array, the lists "W*", "b*" spread out by layer."""
    return [(f"{o}[{l - 1}]", f"{b[0]}{l}") if b.endswith("*") else (o, b)
            for o, b in ex.outputs for l in (range(1, depth + 1) if b.endswith("*") else [0])]


# ----------------------------------------------------------------------------- the references


@functools.cache
def _per_sample(network: tuple, widths: tuple[int, ...], wrt: tuple[str, ...]) -> Callable:
    """One sample's gradients by sympy.diff, lambdified: f(x, y, params, c) -> list. The L2
    term of one sample is c/2 times the squared weights: c = l2/N for bpkit's loss."""
    c = sp.Symbol("c")
    net = sym.symbolic_mlp(list(widths), N=1, reduction="sum", l2=c,
                           **{k: v for k, v in network if k not in ("reduction", "l2")})
    grads = [sym.gradient(net.loss, net.X if k == "X" else net.params[k]) for k in wrt]
    symbols = [*net.X, *net.Y, *(s for M in net.params.values() for s in M), c]
    return _numeric(grads, symbols)


def _wrt(slots: list[tuple[str, str]]) -> tuple[str, ...]:
    """The bpkit arrays the outputs need ("Theta<l>" needs b<l> and W<l>)."""
    names = [[f"b{b[5:]}", f"W{b[5:]}"] if b.startswith("Theta") else [b] for _, b in slots]
    return tuple(dict.fromkeys(n for group in names for n in group))


def _sympy_gradients(ex: Exercise, sizes: tuple[int, ...], values: dict) -> dict[str, np.ndarray]:
    """The batch gradients: the sum (or mean) of the SymPy per-sample gradients."""
    slots = _slots(ex, len(sizes) - 2)
    wrt = _wrt(slots)
    f = _per_sample(tuple(sorted(ex.network.items())), sizes[:-1], wrt)
    model, N = _model(ex, sizes), sizes[-1]
    Y = model.targets(values["y"], N)
    params = np.concatenate([values[k].ravel() for k in model.params])
    grads = {k: np.zeros_like(values[k]) for k in wrt}
    for n in range(N):
        out = f(*values["X"][:, n], *Y[:, n], *params, model.l2 / N)
        for k, g in zip(wrt, out, strict=True):
            g = np.asarray(g, dtype=np.float64)
            if k == "X":
                grads[k][:, n] = g.ravel()
            else:
                grads[k] += g.reshape(values[k].shape)
    scale = 1.0 / N if ex.network.get("reduction", "mean") == "mean" else 1.0
    return {b: scale * _view(ex, b, grads) for _, b in slots}


def _finite_differences(ex: Exercise, sizes: tuple[int, ...], values: dict) -> dict[str, np.ndarray]:
    """Central finite differences (bpkit.gradcheck) of bpkit's loss, per output."""
    model = _model(ex, sizes)
    for k in model.params:
        model.params[k][...] = values[k]
    X = np.array(values["X"])
    arrays = dict(model.params, X=X)

    def loss(_: np.ndarray) -> float:
        return model.loss(X, values["y"])

    slots = _slots(ex, len(sizes) - 2)
    fd = {b: numerical_gradient(loss, arrays[b]) for b in _wrt(slots)}
    return {b: _view(ex, b, fd) for _, b in slots}


# ----------------------------------------------------------------------------- the comparison


def _unpack(ex: Exercise, returned: object, depth: int) -> tuple[list[np.ndarray], str | None]:
    """The student's outputs as a flat list of float arrays, or what is wrong with them."""
    names = [o for o, _ in ex.outputs]
    want = f"the {len(names)} outputs ({', '.join(names)})" if len(names) > 1 else names[0]
    if returned is None:
        return [], f"Your function returned None; it must return {want}. Is `return` missing?"
    if len(names) == 1 and not isinstance(returned, tuple | list):
        returned = (returned,)
    if not isinstance(returned, tuple | list) or len(returned) != len(names):
        what = (f"a {type(returned).__name__} of length {len(returned)}"
                if isinstance(returned, tuple | list) else f"a value of type {type(returned).__name__}")
        return [], f"Your function must return {want}, in this order; it returned {what}."
    items = []
    for (o, b), r in zip(ex.outputs, returned, strict=True):
        if not b.endswith("*"):
            items.append((o, r))
        elif not isinstance(r, tuple | list) or len(r) != depth:
            got = f"length {len(r)}" if isinstance(r, tuple | list) else f"type {type(r).__name__}"
            return [], (f"{o} must be a list of {depth} arrays, one per layer (L = {depth} here); "
                        f"it has {got}.")
        else:
            items += [(f"{o}[{i}]", a) for i, a in enumerate(r)]
    outputs = []
    for o, r in items:
        try:
            arr = np.asarray(r)
        except Exception:                       # e.g. a ragged list
            arr = np.asarray(None)
        if arr.dtype.kind not in "iuf":
            return [], f"{o} must be an array of numbers; your function returned {type(r).__name__} " \
                       f"{str(r)[:60]!r}."
        outputs.append(arr.astype(np.float64))
    return outputs, None


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape, and max |a - b| <= RTOL max(max |a|, max |b|) (all finite)."""
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return False
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return float(np.max(np.abs(a - b), initial=0.0)) <= sym.RTOL * scale


def _generic(got: np.ndarray, want: np.ndarray, bias: bool, N: int, mean: bool) -> str | None:
    """The mistake read off one output and its correct value, if one fits."""
    if got.shape == want.T.shape and _close(got, want.T) and not _close(want, want.T):
        return "transposed"
    if bias and got.shape == (want.shape[0], N) and N > 1 and _close(got.sum(1, keepdims=True), want):
        return "bias_not_summed"
    if _close(got, -want):
        return "wrong_sign"
    if N > 1 and _close(got, want / N):
        return "divided_twice" if mean else ("bias_averaged" if bias else "divided_by_n")
    if N > 1 and mean and _close(got, N * want):
        return "missing_mean"
    return None


def _compare(ex: Exercise, sizes: tuple[int, ...], values: dict, outputs: list[np.ndarray]
             ) -> tuple[str, tuple[str, ...]] | None:
    """None if every output is right; else the message and the recognised mistakes."""
    depth, N = len(sizes) - 2, sizes[-1]
    slots = _slots(ex, depth)
    exact, fd = _sympy_gradients(ex, sizes, values), _finite_differences(ex, sizes, values)
    for o, b in slots:                          # the book's own check: never expected to fail
        if relative_error(exact[b], fd[b]) >= TOL:
            raise RuntimeError(f"bpkit.exercises: SymPy and finite differences disagree on {o}")
    wrong = [(i, o, b) for i, ((o, b), got) in enumerate(zip(slots, outputs, strict=True))
             if not (_close(got, exact[b]) and relative_error(got, fd[b]) < TOL)]
    if not wrong:
        return None
    args = [_view(ex, b, values) for _, b in ex.args]
    correct = [exact[b] for _, b in slots]
    slips = {}
    for slip in ex.slips:
        try:
            answer, _ = _unpack(ex, ex.answer(*args, slip=slip), depth)
        except ValueError:                      # a slip that needs other shapes (square ones)
            continue
        if not all(_close(a, c) for a, c in zip(answer, correct, strict=True)):
            slips[slip] = answer                # only slips that change something here
    whole = [s for s, ans in slips.items() if all(map(_close, outputs, ans))]
    found: dict[str, list[str]] = {}            # mistake (or slip) -> outputs it explains
    lines = []
    of = {v: k for k, v in ex.args}
    for i, o, b in wrong:
        got, want = outputs[i], exact[b]
        lines.append(_difference(o, got, want, fd[b], of.get(b)))
        name = whole[0] if whole else next((s for s, ans in slips.items() if _close(got, ans[i])
                                            and not _close(ans[i], want)), None)
        mean = ex.network.get("reduction", "mean") == "mean"
        name = name or _generic(got, want, b.startswith("b"), N, mean)
        if name is not None:
            found.setdefault(name, []).append(o)
    batch = (ex.size_names or ["N"])[-1]
    for name, outs in found.items():
        what = ex.slips.get(name) or MISTAKES[name].format(N=batch)
        cite = [ex.cites[m] for m in name.split("+") if m in ex.cites]
        erratum = f" This is the document's erratum {', '.join(cite)}." if cite else ""
        lines.append(f"Recognised mistake ({name.replace('+', ' and ')}) in {', '.join(outs)}: "
                     f"{what}.{erratum}")
    mistakes = tuple(m for name in found for m in name.split("+"))
    return "\n".join(lines), tuple(dict.fromkeys(mistakes))


def _difference(o: str, got: np.ndarray, want: np.ndarray, fd: np.ndarray, of: str | None) -> str:
    """One output's difference in words: shape, a NaN, or the worst entry."""
    if got.shape != want.shape:
        shape = f", the shape of {of}" if of else ""
        return f"{o} has shape {got.shape}; expected {want.shape}{shape}."
    bad = ~np.isfinite(got)
    if bad.any():
        return f"{o} has NaN or inf entries, the first at {_entry(np.argwhere(bad)[0])}."
    idx = np.unravel_index(np.argmax(np.abs(got - want)), got.shape)
    return (f"{o} is wrong at {_entry(idx)}: expected {want[idx]:.10g}, received {got[idx]:.10g} "
            f"(relative error against finite differences {relative_error(got, fd):.1e}; the book "
            f"accepts {TOL:.0e}).")


def _entry(idx) -> str:
    i, j = (int(k) for k in idx)
    return f"entry [{i}, {j}] (row {i + 1}, column {j + 1})"


def _where_in(fn: Callable, err: Exception) -> str:
    """The line of the student's function where ``err`` was raised, if it was there."""
    code = getattr(fn, "__code__", None)
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if code is not None and f.filename == code.co_filename]
    if not frames:
        return ""
    line, text = frames[-1], (frames[-1].line or "").strip()
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"\n  at line {line.lineno} of the cell that defines it: {text}"


__all__ = ["EXERCISES", "MISTAKES", "Exercise", "ExerciseResult", "check_exercise"]
