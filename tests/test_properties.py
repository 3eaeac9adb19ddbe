"""Property tests over random shapes and architectures (Hypothesis)."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpkit import MLP, check_mlp
from bpkit.activations import sigmoid, softmax
from bpkit.gradcheck import TOL
from bpkit.losses import LOSSES

HEADS = [("identity", "half_squared_error"), ("sigmoid", "binary_cross_entropy"),
         ("softmax", "cross_entropy"), ("tanh", "half_squared_error")]


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
       n=st.integers(1, 6), hidden=st.sampled_from(["sigmoid", "tanh", "identity"]),
       head=st.sampled_from(HEADS), reduction=st.sampled_from(["mean", "sum"]),
       l2=st.sampled_from([0.0, 0.5]), seed=st.integers(0, 2**16))
def test_mlp_gradients_match_finite_differences(sizes, n, hidden, head, reduction, l2, seed):
    output, loss = head
    if output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    rng = np.random.default_rng(seed)
    net = MLP(sizes, hidden=hidden, output=output, loss=loss, reduction=reduction, l2=l2,
              seed=seed)
    X = rng.uniform(-1, 1, (sizes[0], n))
    y = rng.integers(0, sizes[-1], n) if loss == "cross_entropy" else rng.uniform(size=(sizes[-1], n))
    # Finite differences resolve a gradient only to about eps * |L| / h: where a gradient is
    # below 1e-6 |L| (saturated units, long chains of width 1) the numeric side is the
    # inaccurate one, so such draws are skipped rather than judged.
    value, grads = net.loss_and_grads(X, y, input_grad=True)
    assume(all(np.linalg.norm(g) > 1e-6 * value for g in grads.values()))
    assert max(check_mlp(net, X, y).values()) < TOL


finite = st.floats(-1000, 1000, allow_nan=False)


@given(st.lists(finite, min_size=1, max_size=20))
def test_sigmoid_symmetry(values):
    x = np.array(values)
    np.testing.assert_allclose(sigmoid(-x), 1.0 - sigmoid(x), atol=1e-15)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**16), st.floats(0.1, 1000))
def test_softmax_columns_sum_to_one(C, N, seed, scale):
    z = scale * np.random.default_rng(seed).standard_normal((C, N))
    p = softmax(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=0), 1.0, rtol=1e-14)


@given(st.sampled_from(sorted(LOSSES)), st.sampled_from(["mean", "sum"]), st.integers(1, 5),
       st.integers(1, 5), st.integers(0, 2**16), st.floats(0.1, 1000))
def test_losses_are_non_negative(name, reduction, C, N, seed, scale):
    rng = np.random.default_rng(seed)
    pred = scale * rng.standard_normal((C, N))
    Y = np.eye(C)[:, rng.integers(0, C, N)] if name == "cross_entropy" else rng.uniform(size=(C, N))
    loss, _ = LOSSES[name][0](pred, Y, reduction)
    assert np.isfinite(loss) and loss >= 0.0
