"""Break a backward formula on purpose: the gradient check must catch every mutant.

Square sizes are used where a mutant would otherwise be caught by a shape
error alone, so that the numbers, not the shapes, expose it.
"""

import numpy as np
import pytest

import bpkit.network
from bpkit import MLP, GradientCheckError, check_mlp
from bpkit.activations import ACTIVATIONS, sigmoid_forward, tanh_forward
from bpkit.losses import LOSSES, cross_entropy_backward, cross_entropy_forward


def _dense_no_transpose_dW(dZ, cache, need_dX=True):
    X, W = cache
    return W.T @ dZ, dZ @ X, dZ.sum(axis=1, keepdims=True)        # X instead of X^T


def _dense_no_transpose_dX(dZ, cache, need_dX=True):
    X, W = cache
    return W @ dZ, dZ @ X.T, dZ.sum(axis=1, keepdims=True)        # W instead of W^T


def _dense_mean_bias(dZ, cache, need_dX=True):
    X, W = cache
    return W.T @ dZ, dZ @ X.T, dZ.mean(axis=1, keepdims=True)     # mean instead of sum


def _ce_without_scale(dloss, cache):
    logP, Y, s = cache
    return cross_entropy_backward(dloss, (logP, Y, 1.0))          # drops the 1/m


MUTANTS = {
    "sigmoid' dropped": ("activation", "sigmoid", (sigmoid_forward, lambda da, a: da)),
    "tanh' wrong sign": ("activation", "tanh", (tanh_forward, lambda da, a: -da * (1 - a * a))),
    "dW without transpose": ("dense", None, _dense_no_transpose_dW),
    "dX without transpose": ("dense", None, _dense_no_transpose_dX),
    "db averaged": ("dense", None, _dense_mean_bias),
    "1/m dropped": ("loss", "cross_entropy", (cross_entropy_forward, _ce_without_scale, "softmax")),
}


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    return rng.standard_normal((3, 3)), rng.integers(0, 3, 3)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
def test_unbroken_code_passes(problem, hidden):
    X, y = problem
    net = MLP([3, 3, 3], hidden=hidden, output="softmax", loss="cross_entropy", seed=0)
    assert check_mlp(net, X, y)


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_mutant_is_caught(problem, mutant, monkeypatch):
    kind, key, broken = MUTANTS[mutant]
    if kind == "activation":
        monkeypatch.setitem(ACTIVATIONS, key, broken)
    elif kind == "loss":
        monkeypatch.setitem(LOSSES, key, broken)
    else:
        monkeypatch.setattr(bpkit.network, "dense_backward", broken)
    hidden = key if kind == "activation" else "sigmoid"
    net = MLP([3, 3, 3], hidden=hidden, output="softmax", loss="cross_entropy", seed=0)
    X, y = problem
    with pytest.raises(GradientCheckError, match=r"(?s)relative error .* > 1e-07\nanalytic: .*\nnumeric: "):
        check_mlp(net, X, y)


def test_l2_on_biases_is_caught(problem, monkeypatch):
    """A penalty whose gradient reaches the biases disagrees with the loss it claims."""
    X, y = problem
    net = MLP([3, 3, 3], output="softmax", loss="cross_entropy", l2=0.5, seed=0)
    original = MLP.loss_and_grads

    def biased(self, X, y, input_grad=False):
        loss, grads = original(self, X, y, input_grad)
        for k in grads:
            if k.startswith("b"):
                grads[k] = grads[k] + self.l2 / X.shape[1] * self.params[k]
        return loss, grads

    net.params["b1"][...] = 1.0
    monkeypatch.setattr(MLP, "loss_and_grads", biased)
    with pytest.raises(GradientCheckError, match="b1"):
        check_mlp(net, X, y)
