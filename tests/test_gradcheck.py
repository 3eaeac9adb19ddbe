"""The gradient-check helper itself: exact on known functions, strict on wrong ones."""

import numpy as np
import pytest

from bpkit import GradientCheckError, check_directional, check_gradient, numerical_gradient, relative_error
from bpkit.gradcheck import TOL


def f(x):
    return float(np.sum(np.sin(x) * x**2))


def grad_f(x):
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


@pytest.mark.parametrize("order,bound", [(2, 1e-8), (4, 1e-11)])
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
    with pytest.raises(ValueError, match=r"order must be 2 or 4; got 3"):
        numerical_gradient(f, np.ones(3), order=3)
