"""The book's self-checking exercises, for :func:`bpkit.exercises.check_exercise`.

Each exercise is an :class:`Exercise`: the network of its chapter (as
:class:`bpkit.MLP` arguments), the student's arguments and outputs in the
document's names, its answer in NumPy (:mod:`bpkit.exercise_answers`) and the
slips students make, each made of keys of :data:`MISTAKES` and described in the
document's notation. The checker compares a wrong answer with every slip to
name it; ``tests/test_exercises.py`` checks that every right answer passes and
that every slip is recognised by its name.

Sizes in the names: samples are columns; ``W`` is (n_out, n_in), a bias (n_out, 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import exercise_answers as ans

#: mistake name -> what it is, in general terms. Each exercise says it in its own notation.
MISTAKES: dict[str, str] = {
    # recognised from one output and its correct value, in every exercise ({N}: the batch size)
    "transposed": "the gradient is transposed (the (n_in, n_out) layout of row-major code)",
    "wrong_sign": "the gradient has the wrong sign",
    "bias_not_summed": "the bias gradient keeps one column per sample instead of their sum",
    "bias_averaged": "the bias gradient is averaged over the {N} samples where the loss sums",
    "divided_by_n": "the gradient is divided by {N} where the loss sums over the samples",
    "divided_twice": "the gradient is divided by {N} twice (the mean loss has one 1/{N})",
    "missing_mean": "the gradient is {N} times too large: the 1/{N} of the mean loss is missing",
    # slips in one exercise's chain of formulas (bpkit.exercise_bank)
    "missing_transpose": "W where W^T belongs when the gradient goes back through a layer",
    "missing_input_transpose": "dZ A where dZ A^T belongs in the weight gradient",
    "missing_activation_derivative": "the factor g'(Z) of a hidden layer is left out",
    "missing_output_derivative": "the factor g'(Z) of the output layer is left out",
    "derivative_at_output": "g' taken at the activation A = g(Z) instead of at Z",
    "sigmoid_slope": "the sigmoid's slope A(1 - A) used for tanh, whose slope is 1 - A^2",
    "pre_activation": "the pre-activation Z used where the activation A = g(Z) belongs",
    "one_hot_not_subtracted": "dL/df = P, without subtracting the one-hot labels",
    "chain_in_wrong_order": "the chain rule multiplied out left to right without transposes",
    "matrix_product_for_hadamard": "a matrix product where the entrywise product with g' belongs",
    "truncated_sum": "the sum over the outputs stops one short of C",
    "upstream_before_activation": "dA of the next layer used where dZ belongs (its g' skipped)",
    "swapped_loss_arguments": "the derivative of L(d, y) with the arguments swapped",
    "squared_error_slope": "the squared error's dy = y - d used with a cross-entropy loss",
    "slope_on_linear_output": "the output error multiplied by a slope g', but the outputs are linear",
    "bias_unit_delta": "an error term for the bias unit, which receives no weights",
    "regularised_bias": "the L2 term also added to the bias column, which is not regularised",
    "missing_l2": "the gradient of the L2 term left out",
    "shared_target": "every output of a sample compared with one target, the sample's first",
    "output_as_target": "the network's output used as the target, so the error term vanishes",
    "activation_of_same_layer": "dW_l = delta_l A_l^T, where A_(l-1), the input of layer l, belongs",
    "slope_at_input": "dL/dX multiplied by a slope g'(X), but nothing is applied to X",
}

#: the square case's size, and the seed of the other cases' sizes
SQUARE, CASE_SEED = 3, 0


@dataclass(frozen=True)
class Exercise:
    """One self-checking exercise (the exercises are in :mod:`bpkit.exercise_bank`).

    Attributes
    ----------
    name, label : the key for :func:`check_exercise` and the book's label ("ex-000-5").
    network : keyword arguments of :class:`bpkit.MLP` (hidden, output, loss, reduction, l2).
    args : (document name, bpkit name) per argument of the student's function, in
        order; bpkit names are "X", "y" (labels or targets, as bpkit takes them),
        "W1", "b1", ..., "Theta1" for document 003's [b1 W1], "lam" for the L2 weight,
        "W*" and "b*" for the lists [W1, ..., WL] and [b1, ..., bL].
    outputs : (document name, bpkit name) per returned item, in order ("X": dL/dX;
        "W*", "b*": a list with one gradient per layer).
    answer : ``answer(*args, slip=None)``, the answer in NumPy; ``slip`` names a
        key of ``slips`` ("a+b": both).
    slips : slip -> what it does, in the document's notation; each slip's
        parts are keys of :data:`MISTAKES`.
    size_names : names of the widths n_0..n_L and of N, as the document writes them;
        None for n_0, ..., n_L, N with the depth L of each case given by ``depths``.
    fixed : {position in size_names: value}, e.g. one output unit, or N = 1.
    hold : bpkit parameters held at 0 and not passed to the student (no biases).
    cites : mistake -> the erratum of the book it reproduces, e.g. "E000-4".
    depths : the depth L of the three cases, when ``size_names`` is None.
    """

    name: str
    label: str
    network: dict
    args: tuple[tuple[str, str], ...]
    outputs: tuple[tuple[str, str], ...]
    answer: Callable[..., tuple]
    slips: dict[str, str]
    size_names: tuple[str, ...] | None
    fixed: dict[int, int] = field(default_factory=dict)
    hold: tuple[str, ...] = ()
    cites: dict[str, str] = field(default_factory=dict)
    depths: tuple[int, int, int] | None = None

    def cases(self) -> list[tuple[int, ...]]:
        """The sizes (n_0, ..., n_L, N) checked: first every size 3, then two draws in which
        every size differs from the others (neighbouring widths, with ``depths``) and N is larger."""
        rng = np.random.default_rng(CASE_SEED)
        depths = self.depths or (len(self.size_names) - 2,) * 3
        cases = [(SQUARE,) * (depths[0] + 2)]
        for depth, extra in zip(depths[1:], (1, 2), strict=True):
            if self.depths is None:
                widths = [int(w) for w in rng.permutation(np.arange(2, depth + 3))]
            else:
                widths = [int(rng.integers(2, 5))]
                while len(widths) <= depth:
                    widths.append(int(rng.choice([w for w in (2, 3, 4) if w != widths[-1]])))
            cases.append((*widths, max(widths) + extra))
        return [tuple(self.fixed.get(i, s) for i, s in enumerate(c)) for c in cases]




# ----------------------------------------------------------------------------- the bank

_MLP_000 = {"hidden": "sigmoid", "output": "identity", "loss": "half_squared_error",
            "reduction": "sum"}
_ARGS_000 = (("I", "X"), ("Y", "y"), ("W_H", "W1"), ("b_H", "b1"), ("W_O", "W2"), ("b_O", "b2"))
_NET_001 = {"hidden": "tanh", "output": "softmax", "loss": "cross_entropy", "reduction": "sum"}
_ARGS_001 = (("X_1", "X"), ("y", "y"), ("W_1", "W1"), ("b_1", "b1"), ("W_2", "W2"), ("b_2", "b2"))
_NET_002 = {"hidden": "tanh", "output": "sigmoid", "loss": "half_squared_error", "reduction": "sum"}
_ARGS_002 = (("x", "X"), ("y", "y"), ("W", "W1"), ("U", "W2"))
_NET_003 = {"hidden": "sigmoid", "output": "identity", "loss": "half_squared_error",
            "reduction": "sum"}
_NET_004 = {"hidden": "sigmoid", "output": "sigmoid", "loss": "binary_cross_entropy",
            "reduction": "mean"}

_TANH_SLIPS_001 = {
    "missing_activation_derivative": "dL/dY_1 = W_2^T dL/df without the factor g'(Y_1) = 1 - X_2^2",
    "derivative_at_output": "g' taken at X_2 = tanh(Y_1) instead of at Y_1: 1 - tanh(X_2)^2 where "
                            "1 - X_2^2 belongs",
    "sigmoid_slope": "the sigmoid's slope X_2 (1 - X_2) where tanh's slope 1 - X_2^2 belongs",
}
_DELTA_SLIPS_002 = {
    "missing_activation_derivative": "delta_j = sum_k delta_k u_kj without the factor "
                                     "g'_h(net_j) = 1 - h_j^2, as the document's summary writes it",
    "truncated_sum": "the sum over k in delta_j stops at C - 1; it must run over all C outputs",
    "missing_output_derivative": "delta_k = o_k - y_k without the factor g'_o(net_k) = o_k (1 - o_k)",
}

EXERCISES: dict[str, Exercise] = {ex.name: ex for ex in [
    Exercise(
        "mlp-backward", "ex-000-5", _MLP_000, _ARGS_000,
        (("dW_H", "W1"), ("db_H", "b1"), ("dW_O", "W2"), ("db_O", "b2")), ans.mlp_backward,
        {"missing_activation_derivative": "dL/dH = dL/dH_hat without the factor "
                                          "sigma'(H) = H_hat (1 - H_hat)",
         "derivative_at_output": "sigma' taken at H_hat instead of at H: sigma(H_hat) "
                                 "(1 - sigma(H_hat)) where H_hat (1 - H_hat) belongs",
         "missing_transpose": "dL/dH_hat = W_O dL/dO where W_O^T dL/dO belongs",
         "missing_input_transpose": "dL/dW_O = dL/dO H_hat and dL/dW_H = dL/dH I, where "
                                    "H_hat^T and I^T (sums over the samples) belong"},
        ("D_I", "D_H", "D_O", "N"),
        cites={"bias_not_summed": "E000-4 (b_O), E000-5 (b_H)", "transposed": "E000-1"}),
    Exercise(
        "mlp-input-gradient", "ex-000-6", {**_MLP_000, "hidden": "tanh"}, _ARGS_000,
        (("dI", "X"),), ans.mlp_input_gradient,
        {"missing_transpose": "dL/dI = W_H dL/dH where W_H^T dL/dH belongs",
         "missing_activation_derivative": "dL/dH = dL/dH_hat without the factor "
                                          "tanh'(H) = 1 - H_hat^2",
         "derivative_at_output": "tanh' taken at H_hat instead of at H: 1 - tanh(H_hat)^2 where "
                                 "1 - H_hat^2 belongs",
         "sigmoid_slope": "the sigmoid's slope H_hat (1 - H_hat) where tanh's slope 1 - H_hat^2 "
                          "belongs"},
        ("D_I", "D_H", "D_O", "N")),
    Exercise(
        "softmax-output-layer", "ex-001-5", _NET_001, _ARGS_001,
        (("dW_2", "W2"), ("db_2", "b2")), ans.softmax_output_layer,
        {"missing_input_transpose": "dL/dW_2 = dL/df X_2 as the document writes it, where "
                                    "dL/df X_2^T (a sum over the samples) belongs",
         "one_hot_not_subtracted": "dL/df = P where P - 1_y belongs",
         "pre_activation": "Y_1 where X_2 = g(Y_1) belongs: dL/dW_2 = dL/df X_2^T"},
        ("D", "H", "C", "N"), cites={"missing_input_transpose": "E001-3"}),
    Exercise(
        "softmax-hidden-layer", "ex-001-6", _NET_001, _ARGS_001,
        (("dW_1", "W1"), ("db_1", "b1")), ans.softmax_hidden_layer,
        {"chain_in_wrong_order": "dL/df W_2 g'(Y_1) X_1 multiplied out as the document writes "
                                 "it, where ((W_2^T dL/df) * g'(Y_1)) X_1^T belongs",
         "missing_transpose": "W_2 dL/df where W_2^T dL/df belongs",
         "matrix_product_for_hadamard": "(W_2^T dL/df) g'(Y_1) as a matrix product, where the "
                                        "entrywise product belongs",
         "one_hot_not_subtracted": "dL/df = P where P - 1_y belongs",
         **_TANH_SLIPS_001},
        ("D", "H", "C", "N"), cites={"chain_in_wrong_order": "E001-4"}),
    Exercise(
        "error-terms", "ex-002-6", _NET_002, _ARGS_002,
        (("delta_o", "b2"), ("delta_h", "b1")), ans.error_terms,
        {**_DELTA_SLIPS_002,
         "missing_transpose": "U delta_o where U^T delta_o (entry j: sum_k delta_k u_kj) belongs",
         "derivative_at_output": "g'_h taken at h_j instead of at net_j: 1 - tanh(h_j)^2 where "
                                 "1 - h_j^2 belongs"},
        ("d", "n_H", "C", "N"), fixed={3: 1}, hold=("b1", "b2"),
        cites={"missing_activation_derivative": "E002-1", "truncated_sum": "E002-2"}),
    Exercise(
        "weight-by-weight", "ex-002-7", _NET_002, _ARGS_002,
        (("grad_W", "W1"), ("grad_U", "W2")), ans.weight_by_weight,
        {**_DELTA_SLIPS_002,
         "pre_activation": "net_j where h_j = g_h(net_j) belongs: grad u_kj = delta_k h_j"},
        ("d", "n_H", "C", "N"), fixed={3: 1}, hold=("b1", "b2"),
        cites={"missing_activation_derivative": "E002-1", "truncated_sum": "E002-2"}),
    Exercise(
        "theta-gradients", "ex-003-6", {**_NET_003, "reduction": "mean", "l2": 0.3},
        (("X", "X"), ("Y", "y"), ("Theta1", "Theta1"), ("Theta2", "Theta2"), ("lam", "lam")),
        (("D1", "Theta1"), ("D2", "Theta2")), ans.theta_gradients,
        {"regularised_bias": "lambda/m Theta added to column j = 0 too; the bias column is "
                             "not regularised",
         "missing_l2": "D = Delta / m without the term lambda/m Theta of the regulariser",
         "shared_target": "delta3 = a3 - y_i with one target per sample (its first entry) for "
                          "every output, as the document's data term writes it",
         "missing_activation_derivative": "delta2 = Theta2_bar^T delta3 without the factor "
                                          "g'(z2) = a2 (1 - a2), the document's recursion for "
                                          "linear units",
         "bias_unit_delta": "delta2 keeps an entry for the bias unit a2_0: Theta2^T where "
                            "Theta2_bar^T (without column 0) belongs",
         "derivative_at_output": "g' taken at a2 instead of at z2: sigma(a2) (1 - sigma(a2)) "
                                 "where a2 (1 - a2) belongs",
         "output_as_target": "delta3 = a3 - y with y_p read as the output value of unit p, "
                             "as the document defines it, so delta3 = 0 and only the "
                             "regulariser is left"},
        ("S_1", "S_2", "S_3", "m"), cites={"shared_target": "E003-2", "output_as_target": "E003-3"}),
    Exercise(
        "theta-deltas", "ex-003-7", _NET_003,
        (("x", "X"), ("y", "y"), ("Theta1", "Theta1"), ("Theta2", "Theta2"), ("Theta3", "Theta3")),
        (("delta2", "b1"), ("delta3", "b2"), ("delta4", "b3")), ans.theta_deltas,
        {"missing_activation_derivative": "delta_l = Theta_bar^T delta_(l+1) without the factor "
                                          "g'(z_l) = a_l (1 - a_l), the document's recursion for "
                                          "linear units",
         "missing_transpose": "Theta_bar delta where Theta_bar^T delta belongs",
         "derivative_at_output": "g' taken at a_l instead of at z_l: sigma(a_l) (1 - sigma(a_l)) "
                                 "where a_l (1 - a_l) belongs",
         "slope_on_linear_output": "delta4 = (a4 - y) g'(z4), but the output units are linear: "
                                   "delta4 = a4 - y"},
        ("S_1", "S_2", "S_3", "S_4", "m"), fixed={4: 1}),
    Exercise(
        "l-layer-backward", "ex-llayers-7",
        {"hidden": "tanh", "output": "identity", "loss": "half_squared_error", "reduction": "mean"},
        (("X", "X"), ("Y", "y"), ("Ws", "W*"), ("bs", "b*")),
        (("dWs", "W*"), ("dbs", "b*")), ans.l_layer_backward,
        {"missing_activation_derivative": "delta_l = W_(l+1)^T delta_(l+1) without the factor "
                                          "g'(Z_l) = 1 - A_l^2",
         "derivative_at_output": "g' taken at A_l instead of at Z_l: 1 - tanh(A_l)^2 where "
                                 "1 - A_l^2 belongs",
         "sigmoid_slope": "the sigmoid's slope A_l (1 - A_l) where tanh's slope 1 - A_l^2 belongs",
         "missing_transpose": "W_(l+1) delta_(l+1) where W_(l+1)^T delta_(l+1) belongs",
         "missing_input_transpose": "dW_l = delta_l A_(l-1) where delta_l A_(l-1)^T belongs",
         "pre_activation": "dW_l = delta_l Z_(l-1)^T where A_(l-1) = g(Z_(l-1)) belongs",
         "activation_of_same_layer": "dW_l = delta_l A_l^T, the output of layer l, where its "
                                     "input A_(l-1) belongs",
         "slope_on_linear_output": "delta_L multiplied by tanh'(Z_L), but the output layer is "
                                   "linear: delta_L = (A_L - Y) / N"},
        None, depths=(3, 2, 4)),
    Exercise(
        "l-layer-input-gradient", "ex-llayers-8",
        {"hidden": "sigmoid", "output": "softmax", "loss": "cross_entropy", "reduction": "mean"},
        (("X", "X"), ("y", "y"), ("Ws", "W*"), ("bs", "b*")),
        (("dX", "X"),), ans.l_layer_input_gradient,
        {"missing_transpose": "W_l delta_l where W_l^T delta_l belongs",
         "missing_activation_derivative": "delta_l = W_(l+1)^T delta_(l+1) without the factor "
                                          "g'(Z_l) = A_l (1 - A_l)",
         "derivative_at_output": "g' taken at A_l instead of at Z_l: sigma(A_l) (1 - sigma(A_l)) "
                                 "where A_l (1 - A_l) belongs",
         "one_hot_not_subtracted": "delta_L = P / N where (P - Y) / N belongs",
         "slope_at_input": "dL/dX = (W_1^T delta_1) * sigma'(X), but no activation is applied "
                           "to X: dL/dX = W_1^T delta_1"},
        None, depths=(3, 2, 4)),
    Exercise(
        "minibatch-backward", "ex-004-6", _NET_004,
        (("X", "X"), ("D", "y"), ("W1", "W1"), ("b1", "b1"), ("W2", "W2"), ("b2", "b2")),
        (("dW1", "W1"), ("db1", "b1"), ("dW2", "W2"), ("db2", "b2")), ans.minibatch_backward,
        {"upstream_before_activation": "dV1 = W2^T dY2 * sigma'(V1) with dY2 = (Y2 - D) / (Y2 "
                                       "(1 - Y2)), the gradient before the output sigmoid, where "
                                       "dV2 = Y2 - D belongs",
         "derivative_at_output": "sigma'(Y1) = sigma(Y1) (1 - sigma(Y1)) where sigma'(V1) = "
                                 "Y1 (1 - Y1) belongs",
         "upstream_before_activation+derivative_at_output": "the line of dV1 as the document "
                                                            "writes it, W2^T dY2 * sigma'(Y1)",
         "missing_activation_derivative": "dV1 = W2^T dV2 without the factor sigma'(V1) = "
                                          "Y1 (1 - Y1)",
         "missing_transpose": "W2 dV2 where W2^T dV2 belongs"},
        ("n0", "n1", "n2", "m"),
        cites={"missing_mean": "E004-6", "upstream_before_activation": "E004-7",
               "derivative_at_output": "E004-8"}),
    Exercise(
        "logistic-minibatch", "ex-004-7", {**_NET_004, "hidden": "identity"},
        (("X", "X"), ("d", "y"), ("w", "W1"), ("b", "b1")),
        (("dw", "W1"), ("db", "b1")), ans.logistic_minibatch,
        {"swapped_loss_arguments": "dv = log((1 - d) / d) sigma'(v), the derivative of L(d, y) "
                                   "with the arguments swapped, where dv = y - d belongs",
         "squared_error_slope": "dv = (y - d) sigma'(v), as for the squared error; the "
                                "cross-entropy cancels sigma'(v) and gives dv = y - d"},
        ("n", "outputs", "m"), fixed={1: 1},
        cites={"swapped_loss_arguments": "E004-1", "wrong_sign": "E004-2"}),
]}
