"""The MLP's gradients against central differences, every parameter and dL/dX."""

import numpy as np
import pytest

from bpkit import MLP, check_mlp, train
from bpkit.data import blobs
from bpkit.gradcheck import TOL


def _data(loss, sizes, n, rng):
    X = rng.standard_normal((sizes[0], n))
    C = sizes[-1]
    if loss == "cross_entropy":
        return X, rng.integers(0, C, n)
    return X, rng.uniform(size=(C, n))


CASES = [
    ("sigmoid", "identity", "half_squared_error"),
    ("tanh", "sigmoid", "half_squared_error"),
    ("relu", "identity", "half_squared_error"),
    ("sigmoid", "sigmoid", "binary_cross_entropy"),
    ("tanh", "softmax", "cross_entropy"),
    ("identity", "softmax", "half_squared_error"),
]


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("l2", [0.0, 0.7])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("hidden,output,loss", CASES)
def test_mlp_gradients(hidden, output, loss, reduction, l2, depth, rng):
    sizes = [3, 5, 4, 6, 2][: depth] + [3]
    net = MLP(sizes, hidden=hidden, output=output, loss=loss, reduction=reduction, l2=l2, seed=1)
    X, y = _data(loss, sizes, 4, rng)
    if hidden == "relu":  # move every pre-activation away from the kink
        for k in net.params:
            if k.startswith("b"):
                net.params[k][...] = 0.3
    errors = check_mlp(net, X, y)
    assert set(errors) == {*net.params, "X"}
    assert max(errors.values()) < TOL


def test_gradient_shapes_and_keys():
    net = MLP([4, 6, 3], output="softmax", loss="cross_entropy")
    X = np.random.default_rng(0).standard_normal((4, 10))
    loss, grads = net.loss_and_grads(X, np.arange(10) % 3, input_grad=True)
    assert isinstance(loss, float) and loss == net.loss(X, np.arange(10) % 3)
    assert list(grads) == ["W1", "b1", "W2", "b2", "X"]
    assert net.params["W1"].shape == (6, 4) and net.params["b1"].shape == (6, 1)
    for k, p in net.params.items():
        assert grads[k].shape == p.shape and grads[k].dtype == np.float64
    assert grads["X"].shape == X.shape


def test_directional_check_on_a_large_net(rng):
    net = MLP([64, 128, 10], output="softmax", loss="cross_entropy", seed=3)
    X, y = rng.standard_normal((64, 256)), rng.integers(0, 10, 256)
    errors = check_mlp(net, X, y, directional=True)
    assert max(errors.values()) < TOL


def test_integer_labels_equal_one_hot_targets(rng):
    net = MLP([2, 4, 3], output="softmax", loss="cross_entropy")
    X, y = rng.standard_normal((2, 5)), rng.integers(0, 3, 5)
    Y = np.eye(3)[:, y]
    l1, g1 = net.loss_and_grads(X, y)
    l2, g2 = net.loss_and_grads(X, Y)
    assert l1 == l2 and all(np.array_equal(g1[k], g2[k]) for k in g1)


def test_l2_term_value_and_bias_untouched(rng):
    X, Y = rng.standard_normal((2, 5)), rng.standard_normal((1, 5))
    plain = MLP([2, 3, 1], seed=0)
    reg = MLP([2, 3, 1], l2=2.0, seed=0)
    sq = sum(np.sum(reg.params[k] ** 2) for k in ("W1", "W2"))
    assert reg.loss(X, Y) == pytest.approx(plain.loss(X, Y) + 2.0 / (2 * 5) * sq, rel=1e-14)
    _, gp = plain.loss_and_grads(X, Y)
    _, gr = reg.loss_and_grads(X, Y)
    np.testing.assert_array_equal(gp["b1"], gr["b1"])
    np.testing.assert_allclose(gr["W1"] - gp["W1"], 2.0 / 5 * reg.params["W1"], rtol=1e-12)


def test_forward_and_predict(rng):
    net = MLP([2, 4, 3], output="softmax", loss="cross_entropy")
    X = rng.standard_normal((2, 7))
    P = net.forward(X)
    assert P.shape == (3, 7)
    np.testing.assert_allclose(P.sum(axis=0), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(net.predict(X), P.argmax(axis=0))
    binary = MLP([2, 3, 1], output="sigmoid", loss="binary_cross_entropy")
    assert set(np.unique(binary.predict(X))) <= {0, 1}


def test_seed_makes_initialisation_repeatable():
    a, b, c = MLP([3, 4, 2], seed=7), MLP([3, 4, 2], seed=7), MLP([3, 4, 2], seed=8)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_mlp_stable_for_huge_logits():
    net = MLP([1, 2], hidden="sigmoid", output="softmax", loss="cross_entropy", init="constant")
    net.params["W1"][...] = [[1000.0], [-1000.0]]
    loss, grads = net.loss_and_grads(np.array([[1.0, -1.0]]), np.array([1, 1]), input_grad=True)
    assert loss == pytest.approx(1000.0)  # mean of 2000 and 0
    assert all(np.isfinite(g).all() for g in grads.values())


# -- bpkit 0.2: the L2 term under minibatches, logits, the transposed layout -------------


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss", ["cross_entropy", "half_squared_error"])
def test_minibatch_gradients_average_to_the_full_batch_gradient(reduction, loss, rng):
    """With n_train = N, each minibatch gradient estimates the one objective without bias."""
    out = "softmax" if loss == "cross_entropy" else "identity"
    net = MLP([3, 5, 4], output=out, loss=loss, reduction=reduction, l2=0.7, seed=2)
    X, y = _data(loss, [3, 5, 4], 12, rng)
    full_loss, full = net.loss_and_grads(X, y)
    for B in (1, 3, 4, 6):
        order = rng.permutation(12)
        batches = [order[i:i + B] for i in range(0, 12, B)]
        parts = [net.loss_and_grads(X[:, idx], y[..., idx], n_train=12) for idx in batches]
        for k in full:
            mean_grad = sum(g[k] for _, g in parts) / len(parts)
            np.testing.assert_allclose(mean_grad, full[k], rtol=1e-12, atol=1e-12)
        assert np.isclose(np.mean([j for j, _ in parts]), full_loss, rtol=1e-12)
    # without n_train a batch carries the penalty of its own size: biased for B < N
    _, g_small = net.loss_and_grads(X[:, :3], y[..., :3])
    _, g_right = net.loss_and_grads(X[:, :3], y[..., :3], n_train=12)
    if reduction == "mean":
        assert not np.allclose(g_small["W1"], g_right["W1"])
        np.testing.assert_allclose(g_small["b1"], g_right["b1"], rtol=1e-14)  # biases: no L2


def test_full_batch_and_batch_size_N_runs_are_identical():
    X, y = blobs(n_per_class=8, seed=1)
    runs = []
    for batch_size in (None, X.shape[1]):
        net = MLP([2, 6, 3], output="softmax", loss="cross_entropy", l2=0.1, seed=0)
        runs.append((train(net, X, y, epochs=20, lr=0.5, batch_size=batch_size), net.params))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(runs[0][1][k], runs[1][1][k]) for k in runs[0][1])


def test_n_train_must_cover_the_batch():
    net = MLP([2, 3, 1])
    X = np.zeros((2, 4))
    for bad in (3, 2.5, "4"):
        with pytest.raises(ValueError, match=r"n_train .* an integer >= the batch's 4 samples"):
            net.loss_and_grads(X, np.zeros((1, 4)), n_train=bad)


@pytest.mark.parametrize("output, loss, g", [
    ("softmax", "cross_entropy", lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0)),
    ("sigmoid", "binary_cross_entropy", lambda Z: 1 / (1 + np.exp(-Z))),
    ("identity", "half_squared_error", lambda Z: Z),
])
def test_logits_are_the_scores_before_the_output_activation(output, loss, g, rng):
    net = MLP([3, 4, 2], output=output, loss=loss, seed=1)
    X = rng.standard_normal((3, 5))
    Z = net.logits(X)
    A1 = 1 / (1 + np.exp(-(net.params["W1"] @ X + net.params["b1"])))
    np.testing.assert_allclose(Z, net.params["W2"] @ A1 + net.params["b2"], rtol=1e-13)
    np.testing.assert_allclose(net.forward(X), g(Z), rtol=1e-13)


def test_transposed_weights_are_named_with_the_expected_layout():
    net = MLP([4, 10, 3])
    net.params["W1"] = net.params["W1"].T.copy()  # (4, 10): a row-major course's layout
    message = (r"W1 must have shape \(n_out, n_in\) = \(10, 4\); got \(4, 10\)\. "
               r"bpkit stores weights as \(n_out, n_in\); transpose it\?")
    for call in (lambda: net.loss(np.ones((4, 2)), np.ones((3, 2))), lambda: net.forward(np.ones((4, 2))),
                 lambda: net.logits(np.ones((4, 2)))):
        with pytest.raises(ValueError, match=message):
            call()
    net = MLP([4, 10, 3])
    net.params["b2"] = np.zeros(3)
    with pytest.raises(ValueError, match=r"b2 must have shape \(n_out, 1\) = \(3, 1\); got \(3,\)"):
        net.forward(np.ones((4, 2)))
    net.params["W3"] = net.params.pop("W2")
    with pytest.raises(ValueError, match=r"params must hold W2 and b2"):
        net.forward(np.ones((4, 2)))


def test_cross_entropy_from_labels_equals_cross_entropy_from_one_hot_columns(rng):
    from bpkit.data import one_hot
    from bpkit.losses import cross_entropy_backward, cross_entropy_forward
    Z, y = 30 * rng.standard_normal((4, 6)), rng.integers(0, 4, 6)
    for reduction in ("mean", "sum"):
        la, ca = cross_entropy_forward(Z, y, reduction)
        lb, cb = cross_entropy_forward(Z, one_hot(y, 4), reduction)
        assert la == pytest.approx(lb, rel=1e-14)
        np.testing.assert_allclose(cross_entropy_backward(0.5, ca), cross_entropy_backward(0.5, cb),
                                   rtol=1e-14, atol=1e-16)
