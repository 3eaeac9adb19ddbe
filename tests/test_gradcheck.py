"""The gradient-check helper itself: exact on known functions, strict on wrong ones."""

import numpy as np
import pytest

from bpkit import (
    MLP,
    GradientCheckError,
    check_directional,
    check_gradient,
    check_mlp,
    numerical_gradient,
    relative_error,
)
from bpkit.gradcheck import STENCILS, STEP, STEP_ORDER1, STEP_ORDER2, STEPS, TOL, CountingNet


def f(x):
    return float(np.sum(np.sin(x) * x**2))


def grad_f(x):
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


@pytest.mark.parametrize("order,bound", [(1, 1e-6), (2, 1e-8), (4, 1e-11)])
def test_numerical_gradient_of_a_known_function(order, bound, rng):
    x = rng.standard_normal((3, 4))
    x0 = x.copy()
    assert relative_error(grad_f(x), numerical_gradient(f, x, order=order)) < bound
    np.testing.assert_array_equal(x, x0)  # restored


def test_relative_error_definition():
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([3.0, 4.0]), np.array([0.0, 0.0])) == 1.0
    assert relative_error(2.0, 1.0) == pytest.approx(0.5)


def test_check_gradient_raises_with_both_figures(rng):
    x = rng.standard_normal(5)
    assert check_gradient(f, x, grad_f(x)) < TOL
    with pytest.raises(GradientCheckError, match=r"gradient check failed for x: relative error"):
        check_gradient(f, x, grad_f(x) * (1 + 1e-6))


def test_directional_check(rng):
    x = rng.standard_normal((20, 30))
    x0 = x.copy()
    assert check_directional(f, x, grad_f(x)) < TOL
    np.testing.assert_array_equal(x, x0)
    wrong = grad_f(x)
    wrong[3, 4] += 0.05  # one wrong entry out of 600
    with pytest.raises(GradientCheckError, match=r"(?s)analytic: .*\nnumeric: "):
        check_directional(f, x, wrong)


def test_float32_and_bad_order_are_refused():
    with pytest.raises(TypeError, match=r"gradient checks run on float64 arrays; got float32"):
        numerical_gradient(f, np.ones(3, dtype=np.float32))
    with pytest.raises(ValueError, match=r"order must be 1, 2 or 4; got 3"):
        numerical_gradient(f, np.ones(3), order=3)


def test_stencils_and_default_steps():
    # each stencil is exact on 1, x (and x^2, x^3, x^4 up to its order): sum w_k k^j = [j == 1]
    for order, stencil in STENCILS.items():
        for j in range(order + 1):
            assert sum(w * k**j for k, w in stencil.items()) == pytest.approx(float(j == 1), abs=1e-15)
    assert STENCILS[1] == {1: 1.0, 0: -1.0}
    assert STEPS == {1: STEP_ORDER1, 2: STEP_ORDER2, 4: STEP} and STEP == 1e-3


def test_forward_difference_is_first_order():
    """f = exp at x = 0: the forward difference errs by h/2 f'' (leading term), not by h^2."""
    for h in (1e-2, 1e-3):
        x = np.zeros(1)
        g = numerical_gradient(lambda v: float(np.exp(v[0])), x, h=h, order=1)[0]
        assert (g - 1.0) / h == pytest.approx(0.5, rel=2e-2)
    # defaults unchanged: the fourth-order formula with STEP
    x = np.array([0.3])
    default = numerical_gradient(lambda v: float(np.exp(v[0])), x)
    explicit = numerical_gradient(lambda v: float(np.exp(v[0])), x, h=STEP, order=4)
    np.testing.assert_array_equal(default, explicit)


def test_forward_difference_costs_two_evaluations_per_entry():
    calls = []
    numerical_gradient(lambda v: calls.append(1) or 0.0, np.zeros((2, 3)), order=1)
    assert len(calls) == 12


@pytest.fixture
def small_net():
    net = MLP([3, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    rng = np.random.default_rng(0)
    return net, rng.standard_normal((3, 5)), rng.integers(0, 2, 5)


def test_check_mlp_reports_every_parameter_without_raising(small_net):
    net, X, y = small_net
    default = check_mlp(net, X, y)
    report = check_mlp(net, X, y, raise_on_failure=False)
    assert report == default and list(report) == ["W1", "b1", "W2", "b2", "X"]
    wrong = MLP.loss_and_grads

    def two_wrong(X, y, input_grad=False):        # W1 and b2 wrong, the rest right
        loss, grads = wrong(net, X, y, input_grad)
        grads["W1"] = 2 * grads["W1"]
        grads["b2"] = grads["b2"] + 0.1
        return loss, grads

    net.loss_and_grads = two_wrong
    with pytest.raises(GradientCheckError, match="for W1"):
        check_mlp(net, X, y)                          # default: raises on the first
    report = check_mlp(net, X, y, raise_on_failure=False)
    assert [k for k, e in report.items() if e > TOL] == ["W1", "b2"]
    assert report["W1"] == pytest.approx(0.5, rel=1e-6)
    report_dir = check_mlp(net, X, y, directional=True, raise_on_failure=False)
    assert [k for k, e in report_dir.items() if e > TOL] == ["W1", "b2"]
    with pytest.raises(TypeError, match=r"raise_on_failure must be True or False; got 0"):
        check_mlp(net, X, y, raise_on_failure=0)


def test_check_mlp_reports_nan(small_net):
    net, X, y = small_net
    wrong = MLP.loss_and_grads

    def nan_grads(X, y, input_grad=False):
        loss, grads = wrong(net, X, y, input_grad)
        grads["b1"] = grads["b1"] * np.nan
        return loss, grads

    net.loss_and_grads = nan_grads
    with pytest.raises(GradientCheckError, match="for b1"):
        check_mlp(net, X, y)
    report = check_mlp(net, X, y, raise_on_failure=False)
    assert np.isnan(report["b1"]) and report["W2"] < TOL


def test_counting_net_counts_exactly(small_net):
    net, X, y = small_net
    counted = CountingNet(net)
    assert counted.params is net.params
    assert check_mlp(counted, X, y) == check_mlp(net, X, y)
    entries = sum(v.size for v in net.params.values()) + X.size    # 12 + 4 + 8 + 2 + 15
    assert (counted.loss_calls, counted.backward_calls) == (4 * entries, 1)
    counted = CountingNet(net)
    check_mlp(counted, X, y, directional=True, input_grad=False)
    assert (counted.loss_calls, counted.backward_calls) == (4 * 4, 1)
    with pytest.raises(TypeError, match=r"got dict without params, loss, loss_and_grads"):
        CountingNet({"params": 1})
