"""bpkit.symbolic: exact proofs, their failures, and three-way agreement.

Each wrong-formula test asserts that the check *reports* the mismatch, so the
suite fails if the checker ever starts accepting a wrong formula.
"""

import doctest

import numpy as np
import pytest
import sympy as sp

import bpkit.symbolic as sym
from bpkit import MLP
from bpkit.symbolic import activations, agreement, display, general, layers, losses, network, proofs, symbols

# -- a small net in document 000's notation, shared by the formula tests ------

N = 2

SUBMODULES = [activations, agreement, display, general, layers, losses, network, proofs, symbols]


@pytest.fixture(scope="module")
def net000():
    """I (3, N), W_H (4, 3), W_O (2, 4), sigmoid hidden layer, L = 1/2 sum (O - Y)^2 / N."""
    I = sym.matrix("I", 3, N)
    W_H, b_H = sym.matrix("W_H", 4, 3), sym.matrix("b_H", 4, 1)
    W_O, b_O = sym.matrix("W_O", 2, 4), sym.matrix("b_O", 2, 1)
    Y = sym.matrix("Y", 2, N)
    H = sym.affine(W_H, I, b_H)
    Hh = sym.sigmoid(H)
    O = sym.affine(W_O, Hh, b_O)
    lam = sp.Symbol("lambda", positive=True)
    L = sym.half_squared_error(O, Y, reduction="mean", l2=lam, weights=[W_H, W_O])
    grads = {k: sym.gradient(L, M) for k, M in
             {"W_H": W_H, "b_H": b_H, "W_O": W_O, "b_O": b_O}.items()}
    dO = (O - Y) / N
    dH = sym.hadamard(W_O.T * dO, sym.hadamard(Hh, sp.ones(4, N) - Hh))
    return dict(I=I, W_H=W_H, b_H=b_H, W_O=W_O, b_O=b_O, Y=Y, H=H, Hh=Hh, O=O, L=L, lam=lam,
                grads=grads, dO=dO, dH=dH)


def test_right_formulas_hold(net000):
    n = net000
    ones = sp.ones(N, 1)
    right = {
        "W_O": n["dO"] * n["Hh"].T + n["lam"] / N * n["W_O"],
        "b_O": n["dO"] * ones,
        "W_H": n["dH"] * n["I"].T + n["lam"] / N * n["W_H"],
        "b_H": n["dH"] * ones,
    }
    for name, formula in right.items():
        result = sym.prove_formula(formula, n["grads"][name], name=name)
        assert result.holds and not result.mismatches
        assert all(e == 0 for e in result.difference)
        np.testing.assert_allclose(result.formula_value, result.derived_value, rtol=1e-12)


@pytest.mark.parametrize("error", ["no activation derivative", "no 1/m", "wrong sign",
                                   "L2 on biases", "no L2 term"])
def test_known_wrong_formulas_fail(net000, error):
    n = net000
    lam_W_H = n["lam"] / N * n["W_H"]
    ones = sp.ones(N, 1)
    name, formula = {
        "no activation derivative": ("W_H", (n["W_O"].T * n["dO"]) * n["I"].T + lam_W_H),
        "no 1/m": ("W_H", N * n["dH"] * n["I"].T + lam_W_H),
        "wrong sign": ("W_H", -n["dH"] * n["I"].T + lam_W_H),
        "L2 on biases": ("b_H", n["dH"] * ones + n["lam"] / N * n["b_H"]),
        "no L2 term": ("W_O", n["dO"] * n["Hh"].T),
    }[error]
    result = sym.check_formula(formula, n["grads"][name], name=name)
    assert not result.holds
    assert not bool(result)
    assert result.mismatches, "a failing check must come with a counterexample"
    i, j, f, d = result.mismatches[0]
    assert abs(f - d) > 1e-8
    assert result.difference[i, j] != 0
    assert r"\neq" in result.latex()
    with pytest.raises(sym.FormulaError, match="differs"):
        sym.prove_formula(formula, n["grads"][name], name=name)


def test_missing_transpose_is_a_shape_error(net000):
    """I dL/dH^T, the gradient in 000's declared (D_I, D_H) layout, is (3, 4), not (4, 3)."""
    n = net000
    with pytest.raises(ValueError, match=r"formula has shape \(3, 4\).*\(4, 3\) for W_H"):
        sym.check_formula(n["I"] * n["dH"].T, n["grads"]["W_H"], name="W_H")


def test_transpose_of_a_square_gradient_fails():
    """Where a missing transpose still type-checks (square W), the values tell."""
    W, X, Y = sym.matrix("W", 3, 3), sym.matrix("X", 3, 3), sym.matrix("Y", 3, 3)
    G = sym.gradient(sym.half_squared_error(W * X, Y, "sum"), W)
    assert sym.check_formula((W * X - Y) * X.T, G).holds
    bad = sym.check_formula((W * X - Y) * X, G)
    assert not bad.holds and len(bad.mismatches) == 9


def test_shape_mismatch_names_both_shapes(net000):
    n = net000
    with pytest.raises(ValueError, match=r"formula has shape \(3, 4\).*\(4, 3\)"):
        sym.check_formula(n["W_H"].T, n["grads"]["W_H"])
    M = sp.MatrixSymbol("M", 4, 4)
    with pytest.raises(ValueError, match=r"\(4, 4\).*\(4, 3\)"):
        sym.check_formula(M, n["grads"]["W_H"], where={M: sp.zeros(4, 4)})


def test_matrix_expression_formula_is_displayed_and_checked(net000):
    n = net000
    dO, Hh = sp.MatrixSymbol(r"\delta_O", 2, N), sp.MatrixSymbol(r"\widehat{H}", 4, N)
    W_O = sp.MatrixSymbol("W_O", 2, 4)
    lam = n["lam"]
    formula = dO * Hh.T + lam / N * W_O
    result = sym.check_formula(formula, n["grads"]["W_O"], name="W_O",
                               where={dO: n["dO"], Hh: n["Hh"], W_O: n["W_O"]})
    assert result.holds
    tex = result.latex()
    assert tex.startswith(r"\frac{\partial L}{\partial W_O} =") and r"\widehat{H}^{T}" in tex
    with pytest.raises(ValueError, match="where"):
        sym.check_formula(formula, n["grads"]["W_O"], where={dO: n["dO"]})
    with pytest.raises(ValueError, match=r"shape of .*\(2, 2\)"):
        sym.check_formula(formula, n["grads"]["W_O"], where={dO: sp.zeros(3, 2)})


def test_undefined_activation_document_002():
    """Document 002, one sample: delta_j needs g'_h; the document's summary omits it."""
    g_o, g_h = sym.activation("g_o"), sym.activation("g_h")
    x, W, U, y = sym.vector("x", 3), sym.matrix("w", 4, 3), sym.matrix("u", 2, 4), sym.vector("y", 2)
    net_j = W * x
    h = g_h(net_j)
    net_k = U * h
    o = g_o(net_k)
    L = sym.half_squared_error(o, y, reduction="sum")
    gU, gW = sym.gradient(L, U), sym.gradient(L, W)
    assert gU[0, 0].has(g_o.undefined[1]) and not gU[0, 0].has(sp.Subs)
    delta_k = sym.hadamard(o - y, g_o.prime(net_k))
    assert sym.check_formula(delta_k * h.T, gU).holds
    delta_j = sym.hadamard(U.T * delta_k, g_h.prime(net_j))
    assert sym.check_formula(delta_j * x.T, gW).holds
    as_written = sym.check_formula((U.T * delta_k) * x.T, gW)  # delta_j without g'_h
    assert not as_written.holds and as_written.mismatches
    assert sym.activation("g_h") is g_h


def test_softmax_cross_entropy_document_001():
    W1, b1, W2, b2 = (sym.matrix("W_1", 3, 2), sym.matrix("b_1", 3, 1),
                      sym.matrix("W_2", 2, 3), sym.matrix("b_2", 2, 1))
    X1 = sym.matrix("X_1", 2, N)
    Y = sym.one_hot([1, 0], 2)
    X2 = sym.tanh(sym.affine(W1, X1, b1))
    f = sym.affine(W2, X2, b2)
    L = sym.cross_entropy(f, Y, reduction="sum")
    dLdf = sym.softmax(f) - Y
    assert sym.check_formula(dLdf * X2.T, sym.gradient(L, W2)).holds
    assert not sym.check_formula((Y - sym.softmax(f)) * X2.T, sym.gradient(L, W2)).holds
    # symbolic targets: P - Y holds once the columns of Y sum to 1
    Ys = sym.matrix("y", 2, 1)
    z = sym.matrix("z", 2, 1)
    G = sym.gradient(sym.cross_entropy(z, Ys, reduction="sum"), z)
    assert not sym.check_formula(sym.softmax(z) - Ys, G).holds
    assert sym.check_formula(sym.softmax(z) - Ys, G, assume={Ys[1]: 1 - Ys[0]}).holds


def test_bce_document_004():
    v, d = sym.matrix("v", 1, 3), sym.matrix("d", 1, 3)
    y = sym.sigmoid(v)
    L = sym.binary_cross_entropy(y, d, reduction="mean")
    assert sym.check_formula((y - d) / 3, sym.gradient(L, v)).holds
    assert not sym.check_formula(y - d, sym.gradient(L, v)).holds  # the missing 1/m


# -- three-way agreement ------------------------------------------------------

CASES = [
    # sizes, hidden, output, loss, reduction, l2
    ([2, 1], "sigmoid", "identity", "half_squared_error", "mean", 0.0),
    ([3, 4, 2], "sigmoid", "identity", "half_squared_error", "sum", 0.3),
    ([2, 3, 2], "tanh", "sigmoid", "half_squared_error", "mean", 0.0),
    ([2, 3, 1], "identity", "tanh", "half_squared_error", "sum", 0.0),
    ([2, 3, 1], "tanh", "sigmoid", "binary_cross_entropy", "mean", 0.1),
    ([3, 2, 2, 3], "sigmoid", "softmax", "cross_entropy", "sum", 0.0),
    ([2, 2, 3, 2], "tanh", "softmax", "cross_entropy", "mean", 0.2),
    ([2, 3, 2, 2], "relu", "sigmoid", "binary_cross_entropy", "sum", 0.0),
]


@pytest.mark.parametrize("sizes, hidden, output, loss, reduction, l2", CASES)
def test_three_way_agreement(sizes, hidden, output, loss, reduction, l2):
    snet = sym.symbolic_mlp(sizes, N=2, hidden=hidden, output=output, loss=loss,
                            reduction=reduction, l2=l2)
    model = MLP(sizes, hidden=hidden, output=output, loss=loss, reduction=reduction, l2=l2)
    report = snet.agree(model, seed=len(sizes))
    assert report.ok
    assert [r[0] for r in report.rows] == list(model.params)
    for _, _, sym_bp, sym_fd, bp_fd in report.rows:
        assert sym_bp <= sym.RTOL and sym_fd < 1e-7 and bp_fd < 1e-7
    assert abs(report.loss_symbolic - report.loss_bpkit) <= 1e-9 * abs(report.loss_bpkit)
    assert "sym vs bpkit" in str(report) and "<table>" in report._repr_html_()


@pytest.mark.parametrize("seed", range(3))
def test_backprop_formulas_proven_on_random_architectures(seed):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 4))
    sizes = [int(s) for s in rng.integers(1, 3, size=depth + 1)]
    hidden = str(rng.choice(["sigmoid", "tanh", "identity"]))
    output, loss = [("identity", "half_squared_error"), ("sigmoid", "binary_cross_entropy"),
                    ("softmax", "cross_entropy")][seed]
    labels = None
    if loss == "cross_entropy":
        sizes[-1] = 2
        labels = [int(k) for k in rng.integers(0, 2, size=2)]
    snet = sym.symbolic_mlp(sizes, N=2, hidden=hidden, output=output, loss=loss, labels=labels,
                            reduction=str(rng.choice(["mean", "sum"])), l2=sp.Symbol("lambda"))
    derived, formulas = snet.gradients(), snet.backprop()
    for k in snet.params:
        assert sym.check_formula(formulas[k], derived[k], name=k).holds, (k, sizes, hidden)


def test_agreement_with_document_layouts():
    """003's Theta^(1) holds the bias in column 0; 000 declares W_H as (D_I, D_H)."""
    m = 2
    X = sym.matrix("x", 3, m)
    T1 = sym.matrix(r"\Theta^{(1)}", 3, 4, start=(1, 0))
    T2 = sym.matrix(r"\Theta^{(2)}", 2, 4, start=(1, 0))
    Y = sym.matrix("y", 2, m)
    g = sym.activation("g")
    a2 = sym.with_bias_unit(g(T1 * sym.with_bias_unit(X)))
    h = T2 * a2
    lam = 0.7
    J = sym.half_squared_error(h, Y, reduction="mean", l2=lam, weights=[T1[:, 1:], T2[:, 1:]])
    model = MLP([3, 3, 2], hidden="tanh", reduction="mean", l2=lam)
    layout = {"Theta1": lambda p: np.hstack([p["b1"], p["W1"]]),
              "Theta2": lambda p: np.hstack([p["b2"], p["W2"]])}
    report = sym.check_agreement(J, {"Theta1": T1, "Theta2": T2}, model, inputs=X, targets=Y,
                                 layout=layout, activations={g: "tanh"})
    assert report.ok and report.rows[0][1] == (3, 4)
    with pytest.raises(ValueError, match="undefined activations"):
        sym.check_agreement(J, {"Theta1": T1, "Theta2": T2}, model, inputs=X, targets=Y,
                            layout=layout)
    # the same loss with l2 on the bias column too disagrees with bpkit
    J_bias = sym.half_squared_error(h, Y, reduction="mean", l2=lam, weights=[T1, T2])
    with pytest.raises(sym.AgreementError, match="disagree"):
        sym.check_agreement(J_bias, {"Theta1": T1, "Theta2": T2}, model, inputs=X, targets=Y,
                            layout=layout, activations={g: "tanh"})
    bad = sym.check_agreement(J_bias, {"Theta1": T1, "Theta2": T2}, model, inputs=X, targets=Y,
                              layout=layout, activations={g: "tanh"}, raise_on_failure=False)
    assert not bad.ok


def test_agreement_input_errors():
    snet = sym.symbolic_mlp([2, 2, 1], N=2)
    with pytest.raises(ValueError, match="layout has no entry"):
        sym.check_agreement(snet.loss, snet.params, MLP([2, 2, 1]), inputs=snet.X,
                            targets=snet.Y, layout={"W1": "W1"})
    with pytest.raises(ValueError, match="no value"):
        sym.check_agreement(snet.loss, snet.params, MLP([2, 2, 1]), inputs=snet.X)
    with pytest.raises(ValueError, match="shape"):
        snet.agree(MLP([2, 2, 1]), X=np.zeros((2, 3)), y=np.zeros((1, 3)))


# -- general sizes ------------------------------------------------------------


def test_general_linear_gradient_for_all_sizes():
    r = sym.general_linear_gradient()
    m, n, N_ = r.sizes
    assert r.holds and r.wrt.shape == (m, n)
    assert sp.expand(r.derived - r.expected).doit() == sp.ZeroMatrix(m, n)
    for sizes in ({"m": 3, "n": 4, "N": 2}, {"m": 1, "n": 2, "N": 3}):
        small = r.at_size(**sizes)
        assert small.holds and small.derived.shape == (sizes["m"], sizes["n"])
    assert r"X^{T}" in r.latex()
    with pytest.raises(ValueError, match="every size"):
        r.at_size(m=3)


def test_general_dense_gradients():
    results = sym.general_dense_gradients()
    assert set(results) == {"W", "A", "b"}
    for r in results.values():
        assert r.holds
        assert r.at_size(m=2, n=3, N=2).holds


# -- declarations and errors --------------------------------------------------


def test_names_follow_the_documents():
    assert str(sym.matrix("W_H", 2, 2)[1, 0]) == "W_{H,21}"
    assert str(sym.matrix("u", 2, 12)[1, 10]) == "u_{2,11}"
    assert str(sym.matrix(r"\Theta^{(1)}", 3, 4, start=(1, 0))[0, 0]) == r"\Theta^{(1)}_{10}"
    assert str(sym.matrix("W^{[1]}", 2, 2)[0, 1]) == "W^{[1]}_{12}"
    assert str(sym.matrix("w", 2, 2, latex="w_{{{j}{i}}}")[0, 1]) == "w_{21}"
    assert str(sym.vector("x", 3, start=0)[0]) == "x_{0}"
    assert sym.matrix("W", 2, 2)[0, 0].is_real
    tex = sym.latex(sym.sigmoid(sym.vector("v", 1)))
    assert tex == r"\left[\begin{matrix}\sigma\left(v_{1}\right)\end{matrix}\right]"


def test_declaration_errors():
    with pytest.raises(ValueError, match="rows must be a positive integer"):
        sym.matrix("W", 0, 2)
    with pytest.raises(TypeError, match="name must be"):
        sym.matrix("", 1, 1)
    with pytest.raises(ValueError, match=r"do not fit.*\(2, 3\).*\(2, 1\)"):
        sym.affine(sym.matrix("W", 2, 3), sym.matrix("X", 2, 1))
    with pytest.raises(ValueError, match="reduction"):
        sym.half_squared_error(sym.matrix("o", 1, 1), sym.matrix("y", 1, 1), reduction="avg")
    with pytest.raises(ValueError, match="same shape"):
        sym.half_squared_error(sym.matrix("o", 1, 2), sym.matrix("y", 2, 1))
    with pytest.raises(ValueError, match="no weights"):
        sym.half_squared_error(sym.matrix("o", 1, 1), sym.matrix("y", 1, 1), l2=1.0)
    with pytest.raises(TypeError, match="matrix of symbols"):
        sym.gradient(sp.Integer(1), sym.matrix("W", 1, 1) * 2)
    with pytest.raises(ValueError, match="labels"):
        sym.one_hot([0, 3], 3)
    with pytest.raises(ValueError, match="needs output"):
        sym.symbolic_mlp([2, 2], loss="cross_entropy")


@pytest.mark.parametrize("module", [sym, *SUBMODULES], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    """Every module's examples run (doctest), and every module has some."""
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 1 and failures == 0


def test_agreement_with_held_parameters_for_a_bias_free_document():
    """A bias-free network (document 002) agrees with bpkit once bpkit's biases are held at 0."""
    x, y = sym.vector("x", 2), sym.vector("y", 2)
    W, U = sym.matrix("w", 3, 2), sym.matrix("u", 2, 3)
    L = sym.half_squared_error(sym.sigmoid(U * sym.tanh(W * x)), y, reduction="sum")
    net = MLP([2, 3, 2], hidden="tanh", output="sigmoid", reduction="sum")
    params, layout = {"W": W, "U": U}, {"W": "W1", "U": "W2"}
    report = sym.check_agreement(L, params, net, inputs=x, targets=y, layout=layout,
                                 hold={"b1": 0.0, "b2": 0.0}, seed=4)
    assert report.ok
    with pytest.raises(sym.AgreementError):  # random biases: not the document's network
        sym.check_agreement(L, params, net, inputs=x, targets=y, layout=layout, seed=4)
    with pytest.raises(ValueError, match=r"hold names 'b3', which is not a parameter"):
        sym.check_agreement(L, params, net, inputs=x, targets=y, layout=layout, hold={"b3": 0})


def test_where_substitutes_scalar_symbols_in_an_explicit_formula():
    """Per-weight formulas (document 002) name delta_k and h_j as scalars given in where."""
    W, X, Y = sym.matrix("W", 2, 3), sym.matrix("X", 3, 1), sym.matrix("Y", 2, 1)
    G = sym.gradient(sym.half_squared_error(W * X, Y, reduction="sum"), W)
    d = [sp.Symbol(f"delta_{k}") for k in (1, 2)]
    per_weight = sp.Matrix(2, 3, lambda k, i: d[k] * X[i])
    where = dict(zip(d, W * X - Y, strict=True))
    assert sym.check_formula(per_weight, G, where=where).holds
    assert not sym.check_formula(per_weight, G, where={d[0]: 0, d[1]: 0}).holds
