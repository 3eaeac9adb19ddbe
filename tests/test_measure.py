"""bpkit.measure: counting matrix products, median times, BLAS threads."""

import numpy as np
import pytest

from bpkit import MLP
from bpkit.measure import blas_thread_count, blas_threads, count_matmuls, median_times


def test_count_matmuls_follows_results_of_counted_arrays():
    rng = np.random.default_rng(0)
    mats = {"A": rng.standard_normal((2, 3))}
    B, C = rng.standard_normal((3, 4)), rng.standard_normal((4, 1))
    assert count_matmuls(lambda: mats["A"] @ B, mats) == 1
    assert count_matmuls(lambda: (mats["A"] @ B) @ C, mats) == 2           # AB is counted too
    assert count_matmuls(lambda: np.tanh(mats["A"]).T.T @ B, mats) == 1    # through ufuncs, views
    assert count_matmuls(lambda: np.matmul(B.T, mats["A"].T), mats) == 1
    assert count_matmuls(lambda: B @ C, mats) == 0                         # owes nothing to A
    assert count_matmuls(lambda: mats["A"] * 2.0 + 1.0, mats) == 0         # no product


@pytest.mark.parametrize("L", [1, 2, 3, 5])
@pytest.mark.parametrize("kind", [
    dict(hidden="sigmoid", output="identity", loss="half_squared_error"),
    dict(hidden="relu", output="softmax", loss="cross_entropy", l2=0.1),
    dict(hidden="tanh", output="sigmoid", loss="binary_cross_entropy", reduction="sum"),
])
def test_count_matmuls_of_an_mlp(L, kind):
    """Forward: L products; backward: L for the weights and L - 1 for the deltas."""
    rng = np.random.default_rng(L)
    sizes = [3] + [4, 5] * L
    sizes = sizes[:L] + [2]
    net = MLP(sizes, seed=L, **kind)
    X = rng.standard_normal((3, 6))
    y = rng.integers(0, 2, 6) if kind["loss"] == "cross_entropy" else rng.uniform(0, 1, (2, 6))
    params = dict(net.params)
    loss_plain, grads_plain = net.loss_and_grads(X, y)
    assert count_matmuls(lambda: net.loss(X, y), net.params) == L
    assert count_matmuls(lambda: net.loss_and_grads(X, y), net.params) == 3 * L - 1
    assert count_matmuls(lambda: net.loss_and_grads(X, y, input_grad=True), net.params) == 3 * L
    # the arrays are put back, and counting changed no number
    assert all(net.params[k] is params[k] and type(net.params[k]) is np.ndarray for k in params)
    out = []
    count_matmuls(lambda: out.extend(net.loss_and_grads(X, y)), net.params)
    assert out[0] == loss_plain
    assert all(np.array_equal(out[1][k], grads_plain[k]) for k in grads_plain)


def test_count_matmuls_restores_the_arrays_when_fn_raises():
    mats = {"A": np.ones((2, 2))}
    original = mats["A"]

    def boom():
        mats["A"] @ mats["A"]
        raise RuntimeError("inside fn")

    with pytest.raises(RuntimeError, match="inside fn"):
        count_matmuls(boom, mats)
    assert mats["A"] is original


@pytest.mark.parametrize("fn, arrays, error, match", [
    (None, {"A": np.ones(2)}, TypeError, "function of no arguments"),
    (lambda: None, [np.ones(2)], TypeError, "mutable mapping"),
    (lambda: None, {}, ValueError, "at least one array"),
    (lambda: None, {"A": [[1.0]]}, TypeError, r"NumPy array; got other types for \['A'\]"),
])
def test_count_matmuls_rejects(fn, arrays, error, match):
    with pytest.raises(error, match=match):
        count_matmuls(fn, arrays)


def test_median_times_interleaves_and_takes_the_median():
    calls, elapsed = [], [0.0]
    durations = iter([5.0, 1.0, 9.0, 2.0, 1.0, 3.0])   # a, b, a, b, a, b

    def make(name):
        def f():
            calls.append(name)
            elapsed[0] += next(durations)               # a fake clock advanced by each call
        return f

    result = median_times({"a": make("a"), "b": make("b")}, repeats=3, warmup=0,
                          clock=lambda: elapsed[0])
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert result == {"a": 5.0, "b": 2.0}               # medians of (5, 9, 1) and (1, 2, 3)


def test_median_times_warmup_and_real_clock():
    calls = []
    median_times({"a": lambda: calls.append(1)}, repeats=2, warmup=3)
    assert len(calls) == 5
    t = median_times({"short": lambda: sum(range(10)), "long": lambda: sum(range(300_000))},
                     repeats=5)
    assert 0 <= t["short"] < t["long"]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(fns={}), TypeError, "non-empty mapping"),
    (dict(fns=[lambda: None]), TypeError, "non-empty mapping"),
    (dict(fns={"a": 3}), TypeError, r"not for \['a'\]"),
    (dict(fns={"a": lambda: None}, repeats=0), ValueError, "repeats must be an integer >= 1"),
    (dict(fns={"a": lambda: None}, repeats=True), ValueError, "repeats"),
    (dict(fns={"a": lambda: None}, warmup=-1), ValueError, "warmup must be an integer >= 0"),
    (dict(fns={"a": lambda: None}, warmup=1.5), ValueError, "warmup"),
    (dict(fns={"a": lambda: None}, clock="now"), TypeError, "clock must be a function"),
])
def test_median_times_rejects(kwargs, error, match):
    with pytest.raises(error, match=match):
        median_times(**kwargs)


def test_blas_threads_sets_and_restores():
    before = blas_thread_count()
    with blas_threads(1) as limited:
        assert limited == (before is not None)
        if limited:
            assert blas_thread_count() == 1
        A = np.ones((64, 64))
        assert np.array_equal(A @ A, np.full((64, 64), 64.0))
    assert blas_thread_count() == before


@pytest.mark.parametrize("n", [0, -2, 1.5, True, "1"])
def test_blas_threads_rejects(n):
    with pytest.raises(ValueError, match="positive integer number of threads"):
        with blas_threads(n):
            pass
