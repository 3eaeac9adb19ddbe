"""The judges, judged: every verdict the course relies on fails just past its contract.

The other suites show that the checkers accept right answers and reject grossly
wrong ones. Here each judge is pushed to the edge: errors just above the
tolerance at magnitudes from 1e-6 to 1e6, NaN and inf in every input, an error
confined to one array, formulas that differ by 1e-12 in one entry, each part of
a composite verdict broken alone. Tolerances are written as literal numbers,
so a drifting constant fails here instead of moving the tests with it.
"""

import numpy as np
import pytest
import sympy as sp

import bpkit.symbolic as sym
from bpkit import MLP, GradientCheckError, check_directional, check_gradient, check_mlp, gradcheck, train
from bpkit.activations import ACTIVATIONS
from bpkit.data import blobs
from bpkit.init import INITIALISERS
from bpkit.losses import LOSSES
from bpkit.symbolic import proofs
from bpkit.symbolic.general import _general

SCALES = [1e-6, 1e-3, 1.0, 1e3, 1e6]


def make_f(scale):
    def f(x):
        return scale * float(np.sum(np.sin(x) * x**2))

    def grad(x):
        return scale * (np.cos(x) * x**2 + 2 * x * np.sin(x))

    return f, grad


def test_the_stated_constants_are_what_the_book_says():
    assert gradcheck.TOL == 1e-7 and gradcheck.STEP == 1e-3 and gradcheck.STEP_ORDER2 == 1e-5
    assert sym.RTOL == 1e-9
    # check_formula's numeric screen: above 1e-8 a difference is a counterexample without
    # simplification; a weaker screen sends wrong formulas to sympy.simplify, which can take minutes
    assert proofs._NONZERO == 1e-8


# -- relative_error, check_gradient, check_directional --------------------------------


@pytest.mark.parametrize("scale", SCALES)
def test_relative_error_is_scale_free(scale):
    a = scale * np.array([3.0, 4.0])
    assert gradcheck.relative_error(a, a * (1 + 1e-7)) == pytest.approx(1e-7, rel=1e-6)
    assert gradcheck.relative_error(a, -a) == pytest.approx(2.0)


@pytest.mark.parametrize("scale", SCALES)
def test_check_gradient_fails_just_above_the_tolerance_at_every_magnitude(scale, rng):
    f, grad = make_f(scale)
    x = rng.standard_normal((3, 4))
    assert check_gradient(f, x, grad(x) * (1 + 5e-8)) < 1e-7
    with pytest.raises(GradientCheckError):
        check_gradient(f, x, grad(x) * (1 + 2e-7))


@pytest.mark.parametrize("scale", SCALES)
def test_check_directional_fails_just_above_the_tolerance_at_every_magnitude(scale, rng):
    f, grad = make_f(scale)
    x = rng.standard_normal((6, 7))
    assert check_directional(f, x, grad(x) * (1 + 5e-8)) < 1e-7
    with pytest.raises(GradientCheckError):
        check_directional(f, x, grad(x) * (1 + 2e-7))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["analytic", "function"])
@pytest.mark.parametrize("check", [check_gradient, check_directional], ids=["full", "directional"])
def test_non_finite_values_fail_the_check(check, where, bad, rng):
    f, grad = make_f(1.0)
    x = rng.standard_normal(5)
    analytic, x2 = grad(x), float(x[2])
    if where == "analytic":
        analytic[2] = bad
        fun = f
    else:
        def fun(z):  # the loss turns non-finite as soon as entry 2 moves
            return f(z) if z[2] == x2 else bad
    with pytest.raises(GradientCheckError):
        check(fun, x, analytic)
    assert np.isnan(gradcheck.relative_error(np.array([1.0, np.nan]), np.array([1.0, 1.0])))


@pytest.mark.parametrize("wrong", ["W1", "b1", "W2", "b2", "X"])
def test_check_mlp_catches_an_error_in_any_single_array(wrong, rng, monkeypatch):
    """A mistake in one array alone, dL/dX included, is reported under its name."""
    net = MLP([3, 4, 2], output="softmax", loss="cross_entropy", seed=0)
    X, y = rng.standard_normal((3, 5)), rng.integers(0, 2, 5)
    original = MLP.loss_and_grads

    def one_wrong(self, X, y, input_grad=False, n_train=None):
        loss, grads = original(self, X, y, input_grad, n_train)
        grads[wrong] = grads[wrong] * (1 + 1e-6)
        return loss, grads

    monkeypatch.setattr(MLP, "loss_and_grads", one_wrong)
    with pytest.raises(GradientCheckError, match=f"failed for {wrong}:"):
        check_mlp(net, X, y)
    with pytest.raises(GradientCheckError, match=f"failed for {wrong}:"):
        check_mlp(net, X, y, directional=True)


# -- check_formula: the exact test itself, not only the numeric screen ------------------


def test_a_formula_off_by_1e_minus_12_in_one_entry_is_not_proven():
    W, X, Y = sym.matrix("W", 2, 3), sym.matrix("X", 3, 2), sym.matrix("Y", 2, 2)
    G = sym.gradient(sym.half_squared_error(W * X, Y, reduction="sum"), W)
    right = (W * X - Y) * X.T
    almost = right.copy()
    almost[1, 2] += sp.Rational(1, 10**12) * X[0, 0]   # below the numeric screen's 1e-8
    assert sym.check_formula(right, G).holds
    result = sym.check_formula(almost, G)
    assert not result.holds
    assert [(i, j) for i, j, *_ in result.mismatches] == [(1, 2)]


def test_a_formula_equal_only_after_simplification_is_proven():
    """The exact test must not stop at expand: sigma' written as sigma(1 - sigma) vs e^-z/(1+e^-z)^2."""
    z = sym.matrix("z", 1, 2)
    L = sum(sym.sigmoid(z))
    rewritten = z.applyfunc(lambda v: sp.exp(-v) / (1 + sp.exp(-v)) ** 2)
    assert sym.check_formula(rewritten, sym.gradient(L, z)).holds


# -- check_agreement: each part of the verdict broken alone -----------------------------


class OffsetLoss(MLP):
    """bpkit's gradients, with a loss value shifted by a constant (FD cannot see a constant)."""

    def loss_and_grads(self, X, y, input_grad=False, n_train=None):
        loss, grads = super().loss_and_grads(X, y, input_grad, n_train)
        return loss * (1 + 1e-6), grads


class SlightlyWrongGradient(MLP):
    """bpkit's loss, with dL/dW2 off by 1e-8 relative: within FD's reach, not within RTOL."""

    def loss_and_grads(self, X, y, input_grad=False, n_train=None):
        loss, grads = super().loss_and_grads(X, y, input_grad, n_train)
        grads["W2"] = grads["W2"] * (1 + 1e-8)
        return loss, grads


@pytest.fixture(scope="module")
def small_symbolic_net():
    return sym.symbolic_mlp([2, 3, 2], N=2, hidden="tanh")


def test_agreement_holds_for_the_honest_model(small_symbolic_net):
    assert small_symbolic_net.agree(MLP([2, 3, 2], hidden="tanh")).ok


@pytest.mark.parametrize("model", [OffsetLoss, SlightlyWrongGradient])
def test_agreement_fails_when_one_part_alone_is_broken(small_symbolic_net, model):
    report = small_symbolic_net.agree(model([2, 3, 2], hidden="tanh"), raise_on_failure=False)
    assert not report.ok
    with pytest.raises(sym.AgreementError):
        small_symbolic_net.agree(model([2, 3, 2], hidden="tanh"))


def test_agreement_fails_when_the_symbolic_loss_is_not_bpkits(small_symbolic_net):
    net = small_symbolic_net
    wrong = net.loss * (1 + sp.Rational(1, 10**6))
    report = sym.check_agreement(wrong, net.params, MLP([2, 3, 2], hidden="tanh"), inputs=net.X,
                                 targets=net.Y, raise_on_failure=False)
    assert not report.ok
    assert all(row[2] > 1e-9 for row in report.rows)        # symbolic vs bpkit, every parameter


# -- general sizes and the symbolic backward recursion ----------------------------------


def test_a_general_size_proof_with_the_wrong_sign_fails():
    m, n, N = sp.symbols("m n N", integer=True, positive=True)
    W, X, Y = sp.MatrixSymbol("W", m, n), sp.MatrixSymbol("X", n, N), sp.MatrixSymbol("Y", m, N)
    R = W * X - Y
    loss = sp.Rational(1, 2) * sp.Trace(R.T * R)
    assert _general(loss, W, R * X.T, (m, n, N)).holds
    assert not _general(loss, W, -R * X.T, (m, n, N)).holds
    assert not _general(loss, W, R * X.T / 2, (m, n, N)).holds


@pytest.mark.parametrize("hidden, output, loss, reduction", [
    ("tanh", "identity", "half_squared_error", "sum"),
    ("tanh", "sigmoid", "binary_cross_entropy", "sum"),
    ("sigmoid", "softmax", "cross_entropy", "sum"),
])
def test_symbolic_backprop_on_the_paths_of_sum_and_tanh(hidden, output, loss, reduction):
    net = sym.symbolic_mlp([2, 3, 2], N=2, hidden=hidden, output=output, loss=loss,
                           reduction=reduction, l2=sp.Symbol("lambda"),
                           labels=[0, 1] if loss == "cross_entropy" else None)
    derived, recursion = net.gradients(), net.backprop()
    for k in net.params:
        assert sym.check_formula(recursion[k], derived[k]).holds, k
    wrong = recursion["W1"] * 2
    assert not sym.check_formula(wrong, derived["W1"]).holds


# -- conventions the code states, pinned ------------------------------------------------


def test_relu_derivative_at_zero_is_zero_on_both_sides():
    relu_bwd = ACTIVATIONS["relu"][1]
    assert relu_bwd(np.array([[1.0, 1.0, 1.0]]), np.array([[-1e-300, 0.0, 1e-300]])).tolist() == [[0, 0, 1]]
    z = sp.Symbol("z", real=True)
    assert sym.relu.prime(sp.Integer(0)) == 0 and sym.relu.prime(z).subs(z, 0) == 0


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_backward_multiplies_by_the_upstream_factor(name, rng):
    forward, backward, _ = LOSSES[name]
    pred = rng.standard_normal((3, 4))
    Y = rng.uniform(size=(3, 4))
    if name == "cross_entropy":
        Y = Y / Y.sum(axis=0)
    _, cache = forward(pred, Y, "mean")
    np.testing.assert_allclose(backward(2.5, cache), 2.5 * backward(1.0, cache), rtol=1e-15)
    assert not np.allclose(backward(2.5, cache), backward(1.0, cache))


def test_train_shuffles_minibatches_and_covers_every_sample_once_per_epoch(monkeypatch):
    X, y = blobs(n_per_class=4, num_classes=3, seed=0)           # 12 samples
    X[0] = np.arange(12)                                         # row 0 names each column
    seen = []
    original = MLP.loss_and_grads

    def spy(self, Xb, yb, input_grad=False, n_train=None):
        seen.append([int(v) for v in Xb[0]])
        return original(self, Xb, yb, input_grad, n_train)

    monkeypatch.setattr(MLP, "loss_and_grads", spy)
    train(MLP([2, 3, 3], output="softmax", loss="cross_entropy"), X, y, epochs=3, lr=0.01,
          batch_size=4, seed=1)
    epochs = [sum(seen[i:i + 3], []) for i in (0, 3, 6)]
    assert all(sorted(e) == list(range(12)) for e in epochs)      # every sample once per epoch
    assert epochs[0] != list(range(12)) and epochs[0] != epochs[1] != epochs[2]   # shuffled


@pytest.mark.parametrize("name, variance", [
    ("xavier", lambda n_out, n_in: 2 / (n_in + n_out)),
    ("he", lambda n_out, n_in: 2 / n_in),
    ("scaled_normal", lambda n_out, n_in: 1e-4),
])
def test_initialiser_variance(name, variance):
    W = INITIALISERS[name](300, 500, np.random.default_rng(0))
    assert W.shape == (300, 500)
    assert abs(W.mean()) < 0.02 * np.sqrt(variance(300, 500))
    assert W.var() == pytest.approx(variance(300, 500), rel=0.02)  # 150000 draws: ~0.4 % spread
