"""Dense layer and losses: backward against central differences; stability."""

import numpy as np
import pytest

from bpkit.data import one_hot
from bpkit.gradcheck import TOL, check_gradient
from bpkit.layers import dense_backward, dense_forward
from bpkit.losses import (
    LOSSES,
    binary_cross_entropy_forward,
    cross_entropy_forward,
)


def test_dense_backward(rng):
    X, W, b = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
    dZ = rng.standard_normal((4, 5))
    Z, cache = dense_forward(X, W, b)
    np.testing.assert_allclose(Z, W @ X + b)
    dX, dW, db = dense_backward(dZ, cache)
    assert (dX.shape, dW.shape, db.shape) == (X.shape, W.shape, b.shape)
    loss = lambda _: float(np.sum(dZ * dense_forward(X, W, b)[0]))  # noqa: E731
    for arr, grad in [(X, dX), (W, dW), (b, db)]:
        assert check_gradient(loss, arr, grad) < TOL


def _targets(name, rng, C, N):
    if name == "cross_entropy":
        return one_hot(rng.integers(0, C, N), C)
    return rng.uniform(size=(C, N))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_backward(name, reduction, rng):
    forward, backward, _ = LOSSES[name]
    pred, Y = rng.standard_normal((3, 6)), _targets(name, rng, 3, 6)
    loss, cache = forward(pred, Y, reduction)
    assert loss >= 0.0
    dpred = backward(1.0, cache)
    assert check_gradient(lambda p: forward(p, Y, reduction)[0], pred, dpred) < TOL


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_mean_is_sum_over_samples(name, rng):
    forward = LOSSES[name][0]
    pred, Y = rng.standard_normal((2, 7)), _targets(name, rng, 2, 7)
    assert forward(pred, Y, "mean")[0] == pytest.approx(forward(pred, Y, "sum")[0] / 7, rel=1e-14)


def test_soft_targets_cross_entropy_gradient(rng):
    """Targets whose columns do not sum to 1 still get the exact gradient."""
    forward, backward, _ = LOSSES["cross_entropy"]
    Z, Y = rng.standard_normal((3, 4)), rng.uniform(size=(3, 4))
    _, cache = forward(Z, Y, "sum")
    assert check_gradient(lambda z: forward(z, Y, "sum")[0], Z, backward(1.0, cache)) < TOL


@pytest.mark.parametrize("name", ["binary_cross_entropy", "cross_entropy"])
def test_logit_losses_stable_at_1000(name):
    forward, backward, _ = LOSSES[name]
    Z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])  # every prediction maximally wrong
    loss, cache = forward(Z, Y, "sum")
    grad = backward(1.0, cache)
    assert np.isfinite(loss) and np.isfinite(grad).all()
    assert loss == pytest.approx(4000.0)  # 1000 per wrong entry (BCE), 2000 per column (CE)
    # and maximally right predictions cost nothing
    assert forward(Z, 1.0 - Y, "sum")[0] == pytest.approx(0.0, abs=1e-12)


def test_bce_equals_textbook_formula(rng):
    Z, Y = rng.standard_normal((2, 5)), rng.uniform(size=(2, 5))
    P = 1 / (1 + np.exp(-Z))
    textbook = -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    assert binary_cross_entropy_forward(Z, Y, "sum")[0] == pytest.approx(textbook, rel=1e-12)


def test_cross_entropy_equals_textbook_formula(rng):
    Z, y = rng.standard_normal((4, 5)), rng.integers(0, 4, 5)
    P = np.exp(Z) / np.exp(Z).sum(axis=0)
    textbook = -np.mean(np.log(P[y, np.arange(5)]))
    assert cross_entropy_forward(Z, one_hot(y, 4), "mean")[0] == pytest.approx(textbook, rel=1e-12)
