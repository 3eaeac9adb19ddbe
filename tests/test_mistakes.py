"""Planted mistakes (bpkit.mistakes): each one is caught by check_mlp and localised.

The network has a square hidden layer (W2 is 4 x 4) so that a missing
transpose runs, L2 regularisation so that a missing L2 term shows, N = 5
samples so that a missing 1/N shows, and random biases so that no gradient is
zero by accident.
"""

import numpy as np
import pytest

from bpkit import MLP, GradientCheckError, check_mlp
from bpkit.gradcheck import TOL
from bpkit.mistakes import MISTAKES, SCOPES, BrokenMLP, broken


def make_net(hidden="tanh", **kw):
    kw = dict(output="softmax", loss="cross_entropy", reduction="mean", l2=0.1, seed=0) | kw
    net = MLP([3, 4, 4, 2], hidden=hidden, **kw)
    rng = np.random.default_rng(1)
    for k in net.params:
        net.params[k][...] = rng.standard_normal(net.params[k].shape)
    return net


@pytest.fixture
def data():
    rng = np.random.default_rng(2)
    return rng.standard_normal((3, 5)), rng.integers(0, 2, 5)


def cases():
    for name, m in sorted(MISTAKES.items()):
        if not m.per_layer:
            yield name, None
            continue
        for layer in range(1, 3 if m.hidden_only else 4):
            if name == "missing_transpose" and layer != 2:
                continue                              # only W2 is square
            yield name, layer


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
@pytest.mark.parametrize("name,layer", list(cases()))
def test_each_mistake_is_caught_and_localised(name, layer, hidden, data):
    X, y = data
    net = make_net(hidden)
    bad = broken(net, name, layer=layer)
    with pytest.raises(GradientCheckError, match=r"relative error .* > 1e-07"):
        check_mlp(bad, X, y)
    errors = check_mlp(bad, X, y, raise_on_failure=False)
    assert list(errors) == ["W1", "b1", "W2", "b2", "W3", "b3", "X"]
    failing = [k for k, e in errors.items() if e > TOL]
    assert failing == bad.affected, (name, layer, errors)
    assert min(errors[k] for k in failing) > 1e-4     # far above TOL, not a near miss
    # the same verdict from the cheap directional check
    errors_dir = check_mlp(bad, X, y, directional=True, raise_on_failure=False)
    assert [k for k, e in errors_dir.items() if e > TOL] == bad.affected


@pytest.mark.parametrize("name,layer", list(cases()))
def test_unaffected_gradients_and_loss_are_the_networks(name, layer, data):
    X, y = data
    net = make_net()
    bad = broken(net, name, layer=layer)
    loss, grads = net.loss_and_grads(X, y, input_grad=True)
    bad_loss, bad_grads = bad.loss_and_grads(X, y, input_grad=True)
    assert bad_loss == pytest.approx(loss, rel=1e-14) and bad.loss(X, y) == net.loss(X, y)
    for k in grads:
        same = np.allclose(bad_grads[k], grads[k], rtol=1e-12, atol=0)
        assert same == (k not in bad.affected), k


def test_dropped_mean_scales_every_gradient_by_N(data):
    X, y = data
    net = make_net(l2=0.0)
    _, grads = net.loss_and_grads(X, y)
    _, bad_grads = broken(net, "dropped_mean").loss_and_grads(X, y)
    for k in grads:
        np.testing.assert_allclose(bad_grads[k], 5 * grads[k], rtol=1e-12)


def test_the_copy_is_independent(data):
    X, y = data
    net = make_net()
    before = {k: v.copy() for k, v in net.params.items()}
    bad = broken(net, "output_sign")
    bad.params["W1"][...] = 0.0
    for k, v in net.params.items():
        np.testing.assert_array_equal(v, before[k])
    assert isinstance(bad, BrokenMLP) and "output_sign" in repr(bad)


def test_every_mistake_is_described():
    assert len(MISTAKES) >= 6
    for name, m in MISTAKES.items():
        assert m.name == name and m.scope in SCOPES
        assert m.description and "\n" not in m.description


def test_affected_names():
    m = MISTAKES
    assert m["missing_transpose"].affected(3, 2) == ["W1", "b1", "X"]
    assert m["dropped_activation_derivative"].affected(3, 2) == ["W1", "b1", "W2", "b2", "X"]
    assert m["dropped_mean"].affected(2) == ["W1", "b1", "W2", "b2", "X"]
    assert m["bias_mean"].affected(3, 3) == ["b3"]
    assert m["missing_l2"].affected(3, 1) == ["W1"]


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(name="no_such_mistake"), ValueError, r"unknown mistake 'no_such_mistake'; expected one of"),
    (dict(name="missing_transpose"), ValueError, r"needs layer= a layer from 1 to 3 .*; got None"),
    (dict(name="missing_transpose", layer=1), ValueError,
     r"needs a square W_1 .*; got W_1 of shape \(4, 3\)"),
    (dict(name="bias_mean", layer=4), ValueError, r"from 1 to 3 .*; got 4"),
    (dict(name="bias_mean", layer=1.0), ValueError, r"got 1.0"),
    (dict(name="bias_mean", layer=True), ValueError, r"got True"),
    (dict(name="dropped_activation_derivative", layer=3), ValueError,
     r"needs layer= a hidden layer from 1 to 2 .*; got 3"),
    (dict(name="dropped_mean", layer=1), ValueError, r"takes no layer; got layer=1"),
])
def test_bad_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        broken(make_net(), **kwargs)


def test_mistakes_that_cannot_show_are_refused(data):
    X, y = data
    with pytest.raises(TypeError, match=r"broken needs a bpkit.MLP; got dict"):
        broken({"W1": np.ones((2, 2))}, "output_sign")
    with pytest.raises(ValueError, match=r"'missing_l2' needs a network with l2 > 0; got l2=0.0"):
        broken(make_net(l2=0.0), "missing_l2", layer=1)
    with pytest.raises(ValueError, match=r"'dropped_mean' needs reduction='mean'; got 'sum'"):
        broken(make_net(reduction="sum"), "dropped_mean")
    with pytest.raises(ValueError, match=r"needs hidden='sigmoid' or 'tanh'; got 'relu'"):
        broken(make_net("relu"), "derivative_at_output", layer=1)
    with pytest.raises(ValueError, match=r"invisible for hidden='identity'"):
        broken(make_net("identity"), "dropped_activation_derivative", layer=1)
    with pytest.raises(ValueError, match=r"'bias_mean' is invisible with N = 1 .*got shape \(3, 1\)"):
        broken(make_net(), "bias_mean", layer=1).loss_and_grads(X[:, :1], y[:1])
    with pytest.raises(ValueError, match=r"X must have shape \(3, N\) .*; got \(2, 5\)"):
        broken(make_net(), "output_sign").loss_and_grads(X[:2], y)


@pytest.mark.parametrize("output,loss", [("identity", "half_squared_error"),
                                         ("sigmoid", "binary_cross_entropy")])
def test_other_losses(output, loss, data):
    """The copy's backward pass also follows the MLP for the other losses."""
    X, _ = data
    Y = np.random.default_rng(3).uniform(0, 1, (2, 5))
    net = make_net(output=output, loss=loss, reduction="sum")
    bad = broken(net, "missing_transpose", layer=2)
    errors = check_mlp(bad, X, Y, raise_on_failure=False)
    assert [k for k, e in errors.items() if e > TOL] == ["W1", "b1", "X"]
