"""Sanity checks on the whole: initial loss, overfitting, L2, training."""

import numpy as np
import pytest

from bpkit import MLP, train
from bpkit.data import blobs, regression_1d, spirals, xor


@pytest.mark.parametrize("C", [2, 3, 10])
def test_initial_cross_entropy_is_log_C(C):
    net = MLP([5, 8, C], output="softmax", loss="cross_entropy", init="scaled_normal", seed=0)
    rng = np.random.default_rng(0)
    loss = net.loss(rng.standard_normal((5, 50)), rng.integers(0, C, 50))
    assert loss == pytest.approx(np.log(C), rel=1e-3)


def test_small_net_overfits_twenty_samples():
    X, y = spirals(n_per_class=10, num_classes=2, seed=1)  # 20 samples
    net = MLP([2, 32, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    history = train(net, X, y, epochs=3000, lr=1.0)
    assert history[-1] < 1e-2 < history[0]
    assert np.array_equal(net.predict(X), y)


def test_xor_is_learned():
    X, y = xor()
    net = MLP([2, 4, 1], hidden="tanh", output="sigmoid", loss="binary_cross_entropy", seed=0)
    train(net, X, y.reshape(1, -1).astype(float), epochs=2000, lr=1.0)
    assert np.array_equal(net.predict(X), y)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_larger_l2_never_lowers_the_loss(reduction):
    X, y = blobs(n_per_class=10, seed=0)
    params = MLP([2, 6, 3], seed=3).params
    losses = []
    for lam in [0.0, 0.01, 0.1, 1.0, 10.0]:
        net = MLP([2, 6, 3], output="softmax", loss="cross_entropy", reduction=reduction, l2=lam)
        net.params.update({k: v.copy() for k, v in params.items()})
        losses.append(net.loss(X, y))
    assert all(a < b for a, b in zip(losses, losses[1:], strict=False))
    assert losses[-1] > losses[0]


def test_regression_training_and_minibatches_are_deterministic():
    X, Y = regression_1d(n=40, seed=0)
    runs = []
    for _ in range(2):
        net = MLP([1, 10, 1], seed=0)
        runs.append(train(net, X, Y, epochs=50, lr=0.5, batch_size=8, seed=4))
    assert runs[0] == runs[1]
    assert runs[0][-1] < 0.5 * runs[0][0]


def test_progress_is_printed_when_asked(capsys):
    X, Y = regression_1d(n=10, seed=0)
    train(MLP([1, 3, 1]), X, Y, epochs=20, lr=0.1, progress=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 10 and lines[-1].startswith("epoch 20/20  loss ")
    train(MLP([1, 3, 1]), X, Y, epochs=20, lr=0.1, progress=False)
    assert capsys.readouterr().out == ""


def test_diverging_training_stops_with_a_clear_error():
    X, Y = regression_1d(n=10, seed=0)
    message = r"training diverged at epoch \d+ \(overflow .*\); lower the learning rate lr=10.0"
    with pytest.raises(FloatingPointError, match=message):
        train(MLP([1, 20, 1], hidden="identity"), 100 * X, 100 * Y, epochs=200, lr=10.0)
