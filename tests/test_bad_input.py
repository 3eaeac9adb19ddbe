"""Bad input raises ValueError or TypeError saying what was expected and what came."""

import numpy as np
import pytest

from bpkit import MLP, SGD, relative_error, train
from bpkit.data import one_hot
from bpkit.layers import dense_forward
from bpkit.losses import half_squared_error_forward


@pytest.fixture
def net():
    return MLP([3, 4, 2], output="softmax", loss="cross_entropy")


X_OK = np.ones((3, 5))
Y_OK = np.array([0, 1, 0, 1, 1])


@pytest.mark.parametrize("X,y,exc,message", [
    (np.ones((4, 5)), Y_OK, ValueError, r"X must have shape \(3, N\).*got \(4, 5\)"),
    (np.ones(3), Y_OK, ValueError, r"X must be 2-D; got shape \(3,\)"),
    (np.ones((3, 0)), np.array([], dtype=int), ValueError, r"X must not be empty; got shape \(3, 0\)"),
    (np.full((3, 5), np.nan), Y_OK, ValueError, r"X must be finite; got 15 NaN or inf"),
    (np.full((3, 5), np.inf), Y_OK, ValueError, r"X must be finite"),
    (np.array([["a"] * 5] * 3), Y_OK, TypeError, r"X must be a real numeric array; got dtype <U1"),
    (X_OK, np.array([0, 1, 2, 0, 1]), ValueError, r"labels must lie in \[0, 2\); got values from 0 to 2"),
    (X_OK, np.array([0, -1, 1, 0, 1]), ValueError, r"labels must lie in \[0, 2\); got values from -1"),
    (X_OK, np.array([0, 1, 0]), ValueError, r"X has 5 samples, so labels must have shape \(5,\); got \(3,\)"),
    (X_OK, np.array([0.0, 1, 0, 1, 1]), TypeError, r"class labels must be integers.*got dtype float64"),
    (X_OK, np.ones((2, 4)), ValueError, r"y must have shape \(2, 5\).*got \(2, 4\)"),
    (X_OK, np.ones((3, 5)), ValueError, r"y must have shape \(2, 5\).*got \(3, 5\)"),
    (X_OK, np.full((2, 5), np.nan), ValueError, r"y must be finite; got 10 NaN or inf"),
])
def test_loss_and_grads_rejects(net, X, y, exc, message):
    with pytest.raises(exc, match=message):
        net.loss_and_grads(X, y)


@pytest.mark.parametrize("kwargs,message", [
    (dict(hidden="swish"), r"unknown hidden activation 'swish'; expected one of \['identity'"),
    (dict(output="gelu"), r"unknown output activation 'gelu'"),
    (dict(loss="hinge"), r"unknown loss 'hinge'; expected one of \['binary_cross_entropy'"),
    (dict(loss="cross_entropy"), r"needs output='softmax'; got output='identity'"),
    (dict(loss="binary_cross_entropy"), r"needs output='sigmoid'; got output='identity'"),
    (dict(reduction="avg"), r"reduction must be 'mean' or 'sum'; got 'avg'"),
    (dict(l2=-1.0), r"l2 must be a finite number >= 0; got -1.0"),
    (dict(init="zeros"), r"unknown initialiser 'zeros'"),
])
def test_constructor_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP([3, 4, 2], **kwargs)


@pytest.mark.parametrize("sizes", [[3], [3, 0, 2], [3, 2.5, 2], []])
def test_bad_sizes(sizes):
    with pytest.raises(ValueError, match=r"sizes must be >= 2 positive integers"):
        MLP(sizes)


def test_bce_targets_outside_unit_interval():
    net = MLP([2, 1], output="sigmoid", loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]; got values from 0.0 to 2.0"):
        net.loss_and_grads(np.ones((2, 3)), np.array([[0.0, 1.0, 2.0]]))


def test_regression_accepts_flat_targets_only_for_one_output():
    net = MLP([1, 3, 1])
    net.loss_and_grads(np.ones((1, 4)), np.zeros(4))  # (N,) is (1, N) when C = 1
    with pytest.raises(ValueError, match=r"y must have shape \(2, 4\)"):
        MLP([1, 3, 2]).loss_and_grads(np.ones((1, 4)), np.zeros(4))


def test_dense_forward_shape_mismatch():
    message = r"W has shape \(4, 3\), so X must have shape \(3, N\); got \(2, 5\)"
    with pytest.raises(ValueError, match=message):
        dense_forward(np.ones((2, 5)), np.ones((4, 3)), np.ones((4, 1)))
    with pytest.raises(ValueError, match=r"b must have shape \(4, 1\); got \(4,\)"):
        dense_forward(np.ones((3, 5)), np.ones((4, 3)), np.ones(4))


def test_loss_reduction_name():
    with pytest.raises(ValueError, match=r"reduction must be 'mean' or 'sum'; got 'none'"):
        half_squared_error_forward(np.ones((1, 2)), np.ones((1, 2)), "none")


def test_one_hot_rejects():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\); got values from 0 to 3"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(TypeError, match=r"labels must be a 1-D integer array"):
        one_hot(np.array([0.5]), 3)


def test_train_and_sgd_reject(net):
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, 5\] or None; got 0"):
        train(net, X_OK, Y_OK, batch_size=0)
    with pytest.raises(ValueError, match=r"epochs must be a positive integer; got 0"):
        train(net, X_OK, Y_OK, epochs=0)
    with pytest.raises(ValueError, match=r"learning rate must be a finite number > 0; got 0"):
        SGD(lr=0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        train(net, X_OK, Y_OK + 5)
    with pytest.raises(ValueError, match=r"grads\['W1'\] must have shape \(4, 3\); got \(3, 4\)"):
        SGD(0.1).step(net.params, {"W1": np.ones((3, 4))})


def test_relative_error_shape_mismatch():
    with pytest.raises(ValueError, match=r"same shape; got \(2,\) and \(3,\)"):
        relative_error(np.ones(2), np.ones(3))
