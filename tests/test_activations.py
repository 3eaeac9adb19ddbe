"""Each activation's backward agrees with central differences of its forward."""

import numpy as np
import pytest

from bpkit.activations import ACTIVATIONS, log_softmax, sigmoid, softmax, softplus
from bpkit.gradcheck import TOL, check_gradient


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_backward_matches_finite_differences(name, rng):
    forward, backward = ACTIVATIONS[name]
    z = rng.standard_normal((4, 3))
    if name == "relu":  # keep every point at least 0.1 away from the kink
        z = np.sign(z) * (0.1 + np.abs(z))
    da = rng.standard_normal(z.shape)  # upstream gradient: L = sum(da * a)
    a, cache = forward(z)
    dz = backward(da, cache)
    assert dz.shape == z.shape
    err = check_gradient(lambda zz: float(np.sum(da * forward(zz)[0])), z, dz)
    assert err < TOL


@pytest.mark.parametrize("z", [-1000.0, -40.0, 0.0, 40.0, 1000.0])
def test_sigmoid_is_finite_and_exact_at_extremes(z):
    s = sigmoid(np.array([z]))
    assert np.isfinite(s).all() and 0.0 <= s[0] <= 1.0
    assert sigmoid(np.array([-z]))[0] == pytest.approx(1.0 - s[0], abs=1e-15)


def test_softmax_and_log_softmax_extreme_logits():
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 999.0]])
    p, logp = softmax(z), log_softmax(z)
    assert np.isfinite(p).all() and np.isfinite(logp).all()
    np.testing.assert_allclose(p.sum(axis=0), 1.0, rtol=1e-15)
    np.testing.assert_allclose(logp[:, 0], [0.0, -2000.0, -1000.0])
    np.testing.assert_allclose(np.exp(logp), p)


def test_softplus_matches_definition_and_extremes():
    z = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(softplus(z), np.log1p(np.exp(z)), rtol=1e-14)
    np.testing.assert_allclose(softplus(np.array([1000.0, -1000.0])), [1000.0, 0.0])



# sigmoid at a single number (chapter 004 evaluates it at a float)
@pytest.mark.parametrize("z", [0.3, np.float64(0.3), 2, np.array(0.3)])
def test_sigmoid_of_a_number(z):
    assert np.isclose(sigmoid(z), 1 / (1 + np.exp(-0.3 if z != 2 else -2)), rtol=1e-15)


def test_sigmoid_keeps_shape_dtype_and_input():
    z = np.array([[-8.0, 0.0, 3.0]], dtype=np.float32)
    before = z.copy()
    out = sigmoid(z)
    assert out.shape == (1, 3) and out.dtype == np.float32
    assert np.array_equal(z, before)                      # the input is not overwritten
    assert sigmoid(np.array([0, 1])).dtype == np.float64  # integers give floats
    assert sigmoid(np.array([-800.0]))[0] > 0             # clipped, not 0, not a warning
