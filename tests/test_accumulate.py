"""bpkit.accumulate: document 003's per-sample backprop and the cost of the two ways
to the gradient (chapter book/delta_recursion)."""

import numpy as np
import pytest

from bpkit import MLP, numerical_gradient
from bpkit.accumulate import (
    HIDDEN,
    backprop,
    backward_gradients,
    backward_multiplications,
    cost,
    from_thetas,
    naive_multiplications,
    path_sum_gradients,
    to_thetas,
)
from bpkit.gradcheck import TOL, relative_error


def random_net(sizes, hidden, rng, lam=0.0):
    net = MLP(sizes, hidden=hidden, output="identity", loss="half_squared_error",
              reduction="mean", l2=lam)
    for k, v in net.params.items():
        net.params[k] = rng.standard_normal(v.shape)
    return net


def test_counts_of_a_tiny_network_by_hand():
    # S = [2, 2, 1]: Theta1 is 2 x 3 (6 entries), Theta2 is 1 x 3 (3 entries).
    # Path sums, general g: a weight of Theta2 is (a - y) * a^(2)_j: 1 multiplication each -> 3.
    # A weight of Theta1 has one path to the single output: (a - y) * Theta2_1i * g'(z_i)
    # (2 multiplications), then * a^(1)_j (1) -> 3 each -> 18. Total 21.
    assert naive_multiplications([2, 2, 1]) == 21
    # Backward: delta^(2)_j = delta^(3)_1 Theta2_1j * g'(z_j): 2 per hidden unit -> 4;
    # one product per entry of Theta1 and Theta2 -> 6 + 3. Total 13.
    assert backward_multiplications([2, 2, 1]) == 13
    # Linear units leave out the slopes: 3 + 6 * 2 = 15 and 2 + 9 = 11.
    assert naive_multiplications([2, 2, 1], linear=True) == 15
    assert backward_multiplications([2, 2, 1], linear=True) == 11
    # The document's network N (3-3-2, linear): its own line for dJ/dTheta^(1)_22,
    # (delta_1 Theta_12 + delta_2 Theta_22) x_2, is 3 multiplications; 12 such weights plus
    # 8 weights of Theta2 at 1 each: 44. Backward: 2 * 3 for delta^(2), 12 + 8 outer: 26.
    assert naive_multiplications([3, 3, 2], linear=True) == 44
    assert backward_multiplications([3, 3, 2], linear=True) == 26


@pytest.mark.parametrize("sizes", [[2, 2, 1], [3, 3, 2], [2, 3, 2, 2], [1, 2, 3, 1, 2], [3, 1]])
@pytest.mark.parametrize("hidden", ["identity", "tanh"])
def test_counted_loops_match_closed_forms_and_bpkit(sizes, hidden, rng):
    net = random_net(sizes, hidden, rng)
    thetas = to_thetas(net.params)
    x, y = rng.standard_normal((sizes[0], 1)), rng.standard_normal((sizes[-1], 1))
    naive, n_naive = path_sum_gradients(thetas, x, y, hidden)
    stored, n_stored = backward_gradients(thetas, x, y, hidden)
    linear = hidden == "identity"
    assert n_naive == naive_multiplications(sizes, linear=linear)
    assert n_stored == backward_multiplications(sizes, linear=linear)
    _, grads = net.loss_and_grads(x, y)           # m = 1: J = 1/2 sum_k (h_k - y_k)^2
    for G, S, B in zip(naive, stored, to_thetas(grads), strict=True):
        np.testing.assert_allclose(G, B, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(S, B, rtol=1e-10, atol=1e-12)


def test_the_ratio_grows_with_depth_and_width():
    deep = [naive_multiplications([4] * d) / backward_multiplications([4] * d) for d in range(3, 9)]
    wide = [naive_multiplications([n, n, n, n]) / backward_multiplications([n, n, n, n])
            for n in (2, 4, 8, 16)]
    assert all(np.diff(deep) > 0) and all(np.diff(wide) > 0)
    assert naive_multiplications([3, 2]) == backward_multiplications([3, 2]) == 8  # no hidden layer


@pytest.mark.parametrize("hidden", HIDDEN)
def test_backprop_is_bpkit_gradient_with_mean_and_l2(hidden, rng):
    lam = 0.7
    net = random_net([3, 4, 3, 2], hidden, rng, lam=lam)
    X, Y = rng.standard_normal((3, 5)), rng.standard_normal((2, 5))
    J, D = backprop(to_thetas(net.params), X, Y, lam=lam, hidden=hidden)
    loss, grads = net.loss_and_grads(X, Y)
    assert J == pytest.approx(loss, rel=1e-12)
    assert cost(to_thetas(net.params), X, Y, lam=lam, hidden=hidden) == pytest.approx(loss, rel=1e-12)
    for Dl, Bl in zip(D, to_thetas(grads), strict=True):
        np.testing.assert_allclose(Dl, Bl, rtol=1e-10, atol=1e-12)


def test_backprop_against_finite_differences_and_bias_column(rng):
    thetas = to_thetas(random_net([2, 3, 2], "sigmoid", rng).params)
    X, Y = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    _, D = backprop(thetas, X, Y, lam=0.3, hidden="sigmoid")
    for T, Dl in zip(thetas, D, strict=True):
        fd = numerical_gradient(lambda _: cost(thetas, X, Y, lam=0.3, hidden="sigmoid"), T)
        assert relative_error(Dl, fd) < TOL
    # lambda changes every column but the bias column 0, by (lambda / m) Theta
    _, D0 = backprop(thetas, X, Y, lam=0.0, hidden="sigmoid")
    for T, Dl, Dl0 in zip(thetas, D, D0, strict=True):
        np.testing.assert_array_equal(Dl[:, 0], Dl0[:, 0])
        np.testing.assert_allclose(Dl[:, 1:] - Dl0[:, 1:], 0.3 / 4 * T[:, 1:], rtol=1e-12)


def test_theta_layout_round_trip(rng):
    net = random_net([3, 4, 2], "tanh", rng)
    thetas = to_thetas(net.params)
    assert [T.shape for T in thetas] == [(4, 4), (2, 5)]
    np.testing.assert_array_equal(thetas[0][:, 0:1], net.params["b1"])
    np.testing.assert_array_equal(thetas[1][:, 1:], net.params["W2"])
    back = from_thetas(thetas)
    assert all(np.array_equal(back[k], net.params[k]) for k in net.params)


@pytest.mark.parametrize("call,exc,message", [
    (lambda T, X, Y: backprop(T[0], X, Y), TypeError, r"thetas must be a non-empty list"),
    (lambda T, X, Y: backprop([], X, Y), TypeError, r"thetas must be a non-empty list"),
    (lambda T, X, Y: backprop([T[0], np.ones((2, 3))], X, Y), ValueError,
     r"Theta2 must have 5 columns.*got \(2, 3\)"),
    (lambda T, X, Y: backprop([np.ones((2, 1))], X, Y), ValueError, r"bias column"),
    (lambda T, X, Y: backprop(T, X[:2], Y), ValueError, r"X must have shape \(3, m\).*got \(2, 4\)"),
    (lambda T, X, Y: backprop(T, X, Y[:, :3]), ValueError, r"Y must have shape \(2, 4\).*got \(2, 3\)"),
    (lambda T, X, Y: backprop(T, X, Y, hidden="softmax"), ValueError, r"hidden must be one of"),
    (lambda T, X, Y: backprop(T, X, Y, lam=-1.0), ValueError, r"lam must be a finite number >= 0"),
    (lambda T, X, Y: cost(T, X, Y, lam=np.nan), ValueError, r"lam must be a finite number"),
    (lambda T, X, Y: cost(T, X.astype(str), Y), TypeError, r"X must be a real numeric array"),
    (lambda T, X, Y: path_sum_gradients(T, X, Y), ValueError, r"one sample.*got x \(3, 4\)"),
    (lambda T, X, Y: backward_gradients(T, X[:, :1], Y[:, :1], hidden="gelu"), ValueError,
     r"hidden must be one of"),
    (lambda T, X, Y: naive_multiplications([3]), ValueError, r"at least 2 positive integers"),
    (lambda T, X, Y: backward_multiplications([3, 0, 2]), ValueError, r"positive integers"),
    (lambda T, X, Y: naive_multiplications([3, True]), ValueError, r"positive integers"),
    (lambda T, X, Y: to_thetas([np.ones((2, 2))]), TypeError, r"mapping with keys W1, b1"),
    (lambda T, X, Y: to_thetas({"W1": np.ones((2, 3)), "b1": np.ones((3, 1))}), ValueError,
     r"b1 must have shape \(2, 1\)"),
])
def test_bad_input_is_rejected(call, exc, message, rng):
    thetas = to_thetas(random_net([3, 4, 2], "tanh", rng).params)
    with pytest.raises(exc, match=message):
        call(thetas, rng.standard_normal((3, 4)), rng.standard_normal((2, 4)))
