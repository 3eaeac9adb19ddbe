"""Measuring what a computation costs: matrix products and time.

- :func:`count_matmuls` counts the matrix products (``@``, ``np.matmul``)
  that a call computes from some given arrays: an exact, machine-independent
  measure of the work of a forward or backward pass.
- :func:`median_times` times several calls in turn, repeatedly, and returns
  each one's median, which a busy machine disturbs far less than a mean or
  a single run.
- :func:`blas_threads` runs a block with NumPy's OpenBLAS limited to a number
  of threads. On a machine shared with other programs, a matrix product
  split over several threads can take many times longer than usual while
  its threads wait for each other; on one thread its time is stable.

The chapter "Backpropagation for L layers" uses them to compare the forward
pass of an :class:`bpkit.MLP` with its backward pass (forward: L products;
backward: 2L - 1 more).

Examples
--------
>>> import numpy as np
>>> from bpkit import MLP
>>> from bpkit.measure import count_matmuls
>>> net = MLP([3, 4, 4, 2], seed=0)
>>> X, Y = np.ones((3, 5)), np.zeros((2, 5))
>>> count_matmuls(lambda: net.loss(X, Y), net.params), count_matmuls(
...     lambda: net.loss_and_grads(X, Y), net.params)
(3, 8)
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------
# Counting matrix products
# ---------------------------------------------------------------------------


class _Counting(np.ndarray):
    """An ndarray view that counts the matrix products it takes part in.

    Every result computed from it by a NumPy ufunc (``np.matmul`` is one) is
    again a counting view sharing the same counter, a one-element list, so
    products further down a computation are counted as well.
    """

    _counter: list[int] | None

    def __array_finalize__(self, obj: Any) -> None:
        self._counter = getattr(obj, "_counter", None)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        counter = next(x._counter for x in inputs if isinstance(x, _Counting))
        if ufunc is np.matmul and method == "__call__":
            counter[0] += 1
        plain = [x.view(np.ndarray) if isinstance(x, _Counting) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Counting) else o
                                  for o in kwargs["out"])
        result = getattr(ufunc, method)(*plain, **kwargs)
        results = result if isinstance(result, tuple) else (result,)
        wrapped = []
        for r in results:
            if isinstance(r, np.ndarray):
                r = r.view(_Counting)
                r._counter = counter
            wrapped.append(r)
        return tuple(wrapped) if isinstance(result, tuple) else wrapped[0]


def count_matmuls(fn: Callable[[], object], arrays: MutableMapping[str, np.ndarray]) -> int:
    """Number of matrix products ``fn()`` computes from the arrays in ``arrays``.

    For the duration of the call every value of ``arrays`` (for instance
    ``net.params``) is replaced by a view of itself that counts each
    ``np.matmul`` (the ``@`` operator) it enters, and so is every array that
    NumPy's ufuncs compute from it; the original arrays are put back
    afterwards, also if ``fn`` raises. Nothing is copied, so the call computes
    exactly what it computes without counting.

    Parameters
    ----------
    fn : a function of no arguments, e.g. ``lambda: net.loss_and_grads(X, Y)``,
        that reads the arrays through the mapping.
    arrays : a mutable mapping from names to NumPy arrays, at least one.

    Returns
    -------
    int : the number of matrix products with at least one counted operand.
        Products of arrays that owe nothing to ``arrays`` are not counted.

    Examples
    --------
    >>> import numpy as np
    >>> from bpkit.measure import count_matmuls
    >>> mats = {"A": np.ones((2, 3))}
    >>> count_matmuls(lambda: (mats["A"] @ np.ones((3, 4))) @ np.ones((4, 1)), mats)
    2
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function of no arguments; got {type(fn).__name__}")
    if not isinstance(arrays, MutableMapping):
        raise TypeError(f"arrays must be a mutable mapping of names to arrays (such as "
                        f"net.params); got {type(arrays).__name__}")
    if not arrays:
        raise ValueError("arrays must hold at least one array to count products with; got none")
    bad = [k for k, v in arrays.items() if not isinstance(v, np.ndarray)]
    if bad:
        raise TypeError(f"every value of arrays must be a NumPy array; got other types for {bad}")
    counter = [0]
    originals = dict(arrays)
    try:
        for k, v in originals.items():
            view = v.view(_Counting)
            view._counter = counter
            arrays[k] = view
        fn()
    finally:
        arrays.update(originals)
    return counter[0]


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


def median_times(fns: Mapping[str, Callable[[], object]], repeats: int = 7, warmup: int = 1,
                 clock: Callable[[], float] = time.process_time) -> dict[str, float]:
    """Median time of one call of each function, in seconds.

    The functions are called in turn, one call each per round, ``repeats``
    rounds, so that a change in the machine's speed during the measurement
    affects all of them alike; the median of each function's times is then
    barely moved by a few slow calls.

    Parameters
    ----------
    fns : {name: function of no arguments}, at least one, e.g.
        ``{"forward": lambda: net.loss(X, Y)}``.
    repeats : number of timed rounds (>= 1).
    warmup : untimed rounds made first (>= 0), so that caches and lazy
        initialisation do not count.
    clock : ``time.process_time`` (default), the processor time of this
        process, which does not grow while the process waits for a processor
        that other programs are using; or ``time.perf_counter``, wall-clock
        time. Processor time adds up the time of all the process's threads:
        time matrix products inside :func:`blas_threads` ``(1)``.

    Returns
    -------
    {name: median of its ``repeats`` times}.

    Examples
    --------
    >>> from bpkit.measure import median_times
    >>> t = median_times({"short": lambda: sum(range(10)), "long": lambda: sum(range(10**6))})
    >>> t["short"] < t["long"]
    True
    """
    if not isinstance(fns, Mapping) or not fns:
        raise TypeError(f"fns must be a non-empty mapping of names to functions; got {fns!r}")
    bad = [k for k, f in fns.items() if not callable(f)]
    if bad:
        raise TypeError(f"every value of fns must be a function of no arguments; not for {bad}")
    for value, name, low in ((repeats, "repeats", 1), (warmup, "warmup", 0)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    if not callable(clock):
        raise TypeError(f"clock must be a function returning seconds; got {type(clock).__name__}")
    for _ in range(warmup):
        for f in fns.values():
            f()
    times = {k: np.empty(repeats) for k in fns}
    for r in range(repeats):
        for k, f in fns.items():
            start = clock()
            f()
            times[k][r] = clock() - start
    return {k: float(np.median(t)) for k, t in times.items()}


def _openblas() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """The get and set thread-count functions of the OpenBLAS bundled with NumPy, or None."""
    here = Path(np.__file__).parent
    libraries = sorted(here.parent.glob("numpy.libs/*openblas*")) + sorted(
        here.glob(".dylibs/*openblas*"))
    for path in libraries:
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    return get, set_
    return None


def blas_thread_count() -> int | None:
    """The number of threads NumPy's bundled OpenBLAS uses, or None if it cannot be read."""
    funcs = _openblas()
    return None if funcs is None else int(funcs[0]())


@contextmanager
def blas_threads(n: int) -> Iterator[bool]:
    """Run the block with NumPy's bundled OpenBLAS limited to ``n`` threads.

    Yields True when the limit is in force, False when NumPy's BLAS offers
    no such control (another BLAS library, or OpenBLAS from the system);
    then the block runs unchanged. The previous number of threads is
    restored on leaving the block.

    Examples
    --------
    >>> from bpkit.measure import blas_threads
    >>> with blas_threads(1) as limited:
    ...     pass                     # matrix products here use one thread if limited
    """
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer number of threads; got {n!r}")
    funcs = _openblas()
    if funcs is None:
        yield False
        return
    get, set_ = funcs
    before = int(get())
    set_(int(n))
    try:
        yield True
    finally:
        set_(before)
