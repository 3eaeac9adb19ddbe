"""The answers of the book's self-checking exercises in NumPy, with the slips students make.

Each function takes the arguments of its exercise (document names, samples as
columns, ``W`` as (n_out, n_in)) and ``slip``: None for the right answer, or a
key of the exercise's slips in :mod:`bpkit.exercise_bank` ("a+b" for two at
once), each part a mistake of :data:`bpkit.exercise_bank.MISTAKES`. The checker
(:func:`bpkit.exercises.check_exercise`) compares a wrong answer with every slip
to name it; it compares a right one with SymPy and finite differences, never
with these functions.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid


def _parts(slip: str | None) -> set[str]:
    return set((slip or "").split("+"))


def _slope(A: np.ndarray, kind: str, s: set[str]) -> np.ndarray:
    """g'(Z) from A = g(Z) for "sigmoid" or "tanh", with the slips that replace it."""
    if "missing_activation_derivative" in s:
        return np.ones_like(A)
    if "sigmoid_slope" in s:
        return A * (1 - A)
    if "derivative_at_output" in s:                  # g' evaluated at A instead of at Z
        gA = sigmoid(A) if kind == "sigmoid" else np.tanh(A)
        return gA * (1 - gA) if kind == "sigmoid" else 1 - gA ** 2
    return A * (1 - A) if kind == "sigmoid" else 1 - A ** 2


# ----------------------------------------------------------------------------- document 000


def mlp_backward(I, Y, W_H, b_H, W_O, b_O, slip=None):
    """Chapter 000: (dL/dW_H, dL/db_H, dL/dW_O, dL/db_O), sigmoid hidden layer, summed loss."""
    s = _parts(slip)
    H = W_H @ I + b_H
    H_hat = sigmoid(H)
    O = W_O @ H_hat + b_O
    dO = O - Y
    dH_hat = (W_O if "missing_transpose" in s else W_O.T) @ dO
    dH = dH_hat * _slope(H_hat, "sigmoid", s)
    if "missing_input_transpose" in s:
        return dH @ I, dH.sum(axis=1, keepdims=True), dO @ H_hat, dO.sum(axis=1, keepdims=True)
    return dH @ I.T, dH.sum(axis=1, keepdims=True), dO @ H_hat.T, dO.sum(axis=1, keepdims=True)


def mlp_input_gradient(I, Y, W_H, b_H, W_O, b_O, slip=None):
    """Chapter 000, exercise 4 in code: dL/dI with a tanh hidden layer, summed loss."""
    s = _parts(slip)
    H_hat = np.tanh(W_H @ I + b_H)
    dO = W_O @ H_hat + b_O - Y
    dH = (W_O.T @ dO) * _slope(H_hat, "tanh", s)
    return (W_H if "missing_transpose" in s else W_H.T) @ dH


# ----------------------------------------------------------------------------- document 001


def _softmax_forward(X_1, y, W_1, b_1, W_2, b_2, s):
    Y_1 = W_1 @ X_1 + b_1
    X_2 = np.tanh(Y_1)
    f = W_2 @ X_2 + b_2
    P = np.exp(f - f.max(axis=0))
    P /= P.sum(axis=0)
    one_y = np.eye(W_2.shape[0])[:, y]
    return Y_1, X_2, P if "one_hot_not_subtracted" in s else P - one_y


def softmax_output_layer(X_1, y, W_1, b_1, W_2, b_2, slip=None):
    """Chapter 001: (dL/dW_2, dL/db_2) of the softmax classifier, tanh hidden layer, summed loss."""
    s = _parts(slip)
    Y_1, X_2, dLdf = _softmax_forward(X_1, y, W_1, b_1, W_2, b_2, s)
    if "missing_input_transpose" in s:
        return dLdf @ X_2, dLdf.sum(axis=1, keepdims=True)
    return dLdf @ (Y_1 if "pre_activation" in s else X_2).T, dLdf.sum(axis=1, keepdims=True)


def softmax_hidden_layer(X_1, y, W_1, b_1, W_2, b_2, slip=None):
    """Chapter 001: (dL/dW_1, dL/db_1), the chain through W_2 and g'(Y_1) = 1 - X_2^2."""
    s = _parts(slip)
    Y_1, X_2, dLdf = _softmax_forward(X_1, y, W_1, b_1, W_2, b_2, s)
    slope = _slope(X_2, "tanh", s)
    if "chain_in_wrong_order" in s:                  # the document's line, read as matrices
        return dLdf @ W_2 @ slope @ X_1, (dLdf @ W_2 @ slope).sum(axis=1, keepdims=True)
    dX_2 = (W_2 if "missing_transpose" in s else W_2.T) @ dLdf
    dY_1 = dX_2 @ slope if "matrix_product_for_hadamard" in s else dX_2 * slope
    return dY_1 @ X_1.T, dY_1.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- document 002


def _deltas_002(x, y, W, U, s):
    h = np.tanh(W @ x)
    o = sigmoid(U @ h)
    delta_o = (o - y) * (1.0 if "missing_output_derivative" in s else o * (1 - o))
    kept = delta_o.copy()
    if "truncated_sum" in s:
        kept[-1] = 0.0                               # the sum over k stops at C - 1
    back = (U if "missing_transpose" in s else U.T) @ kept
    return h, delta_o, back * _slope(h, "tanh", s)


def error_terms(x, y, W, U, slip=None):
    """Chapter 002: (delta_o, delta_h) = (dL/dnet_k, dL/dnet_j), tanh hidden, sigmoid output."""
    _, delta_o, delta_h = _deltas_002(x, y, W, U, _parts(slip))
    return delta_o, delta_h


def weight_by_weight(x, y, W, U, slip=None):
    """Chapter 002: (grad_W, grad_U) with entries delta_j x_i and delta_k h_j."""
    s = _parts(slip)
    h, delta_o, delta_h = _deltas_002(x, y, W, U, s)
    return delta_h @ x.T, delta_o @ (np.arctanh(h) if "pre_activation" in s else h).T


# ----------------------------------------------------------------------------- document 003


def _with_bias(A):
    """The bias unit, a row of ones, on top of the activations A (one column per sample)."""
    return np.vstack([np.ones((1, A.shape[1])), A])


def theta_gradients(X, Y, Theta1, Theta2, lam, slip=None):
    """Chapter 003: (D1, D2) = dJ/dTheta1, dJ/dTheta2 of the regularised mean cost J(Theta).

    Sigmoid hidden units, linear outputs; Theta_l is [b_l W_l], column 0 not regularised.
    """
    s = _parts(slip)
    m = X.shape[1]
    A1 = _with_bias(X)
    A2 = _with_bias(sigmoid(Theta1 @ A1))
    delta3 = Theta2 @ A2 - (Y[:1] if "shared_target" in s else Y)
    if "output_as_target" in s:                      # y_p read as the output of unit p
        delta3 = 0.0 * delta3
    if "bias_unit_delta" in s:                       # Theta2^T keeps the row of a^(2)_0
        delta2 = (Theta2.T @ delta3) * _slope(A2, "sigmoid", s)
    else:
        delta2 = (Theta2[:, 1:].T @ delta3) * _slope(A2[1:], "sigmoid", s)
    D = [delta2 @ A1.T / m, delta3 @ A2.T / m]
    if "missing_l2" not in s:
        cols = slice(0, None) if "regularised_bias" in s else slice(1, None)
        for Dl, T in zip(D, (Theta1, Theta2), strict=True):
            Dl[-T.shape[0]:, cols] += lam / m * T[:, cols]
    return tuple(D)


def theta_deltas(x, y, Theta1, Theta2, Theta3, slip=None):
    """Chapter 003: (delta2, delta3, delta4) for one sample, two sigmoid hidden layers."""
    s = _parts(slip)
    a = [x]
    for T in (Theta1, Theta2):
        a.append(sigmoid(T @ _with_bias(a[-1])))
    z4 = Theta3 @ _with_bias(a[-1])
    deltas = [(z4 - y) * (sigmoid(z4) * (1 - sigmoid(z4)) if "slope_on_linear_output" in s else 1)]
    for T, A in ((Theta3, a[2]), (Theta2, a[1])):
        bar = T[:, 1:]                               # without the bias column
        deltas.append(((bar if "missing_transpose" in s else bar.T) @ deltas[-1])
                      * _slope(A, "sigmoid", s))
    return deltas[2], deltas[1], deltas[0]


# ----------------------------------------------------------------------------- document 004


def minibatch_backward(X, D, W1, b1, W2, b2, slip=None):
    """Chapter 004: (dW1, db1, dW2, db2) of the two-layer sigmoid net, mean cross-entropy.

    The document's convention: dV2 = Y2 - D is m dL/dV2, and dW, db carry the 1/m.
    """
    s = _parts(slip)
    m = X.shape[1]
    Y1 = sigmoid(W1 @ X + b1)
    Y2 = sigmoid(W2 @ Y1 + b2)
    dV2 = Y2 - D
    up = dV2 / (Y2 * (1 - Y2)) if "upstream_before_activation" in s else dV2   # dY2 for dV2
    dV1 = ((W2 if "missing_transpose" in s else W2.T) @ up) * _slope(Y1, "sigmoid", s)
    return (dV1 @ X.T / m, dV1.sum(axis=1, keepdims=True) / m,
            dV2 @ Y1.T / m, dV2.sum(axis=1, keepdims=True) / m)


def logistic_minibatch(X, d, w, b, slip=None):
    """Chapter 004, Example 1 for m samples: (dw, db), w a row (1, n), mean cross-entropy."""
    s = _parts(slip)
    m = X.shape[1]
    y = sigmoid(w @ X + b)
    if "swapped_loss_arguments" in s:                # d/dy of L(d, y) = -(y log d + (1-y) log(1-d))
        dv = np.log((1 - d) / d) * y * (1 - y)
    elif "squared_error_slope" in s:
        dv = (y - d) * y * (1 - y)
    else:
        dv = y - d
    return dv @ X.T / m, dv.sum(axis=1, keepdims=True) / m


# ----------------------------------------------------------------------------- L layers


def l_layer_backward(X, Y, Ws, bs, slip=None):
    """Chapter on L layers: the lists (dWs, dbs); tanh hidden layers, linear output, mean loss."""
    s = _parts(slip)
    L, N = len(Ws), X.shape[1]
    A, Z = [X], [None]                               # A_0..A_L, Z_1..Z_L
    for l in range(1, L + 1):
        Z.append(Ws[l - 1] @ A[-1] + bs[l - 1])
        A.append(np.tanh(Z[l]) if l < L else Z[l])
    delta = (A[L] - Y) / N
    if "slope_on_linear_output" in s:
        delta = delta * (1 - np.tanh(Z[L]) ** 2)
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        inputs = Z[l - 1] if "pre_activation" in s and l > 1 else A[l - 1]
        inputs = A[l] if "activation_of_same_layer" in s else inputs
        dWs[l - 1] = delta @ (inputs if "missing_input_transpose" in s else inputs.T)
        dbs[l - 1] = delta.sum(axis=1, keepdims=True)
        if l > 1:
            W = Ws[l - 1]
            delta = ((W if "missing_transpose" in s else W.T) @ delta) * _slope(A[l - 1], "tanh", s)
    return dWs, dbs


def l_layer_input_gradient(X, y, Ws, bs, slip=None):
    """Chapter on L layers: dL/dX; sigmoid hidden layers, softmax cross-entropy, mean loss."""
    s = _parts(slip)
    L, N = len(Ws), X.shape[1]
    A = [X]
    for l in range(1, L + 1):
        Z = Ws[l - 1] @ A[-1] + bs[l - 1]
        A.append(sigmoid(Z) if l < L else Z)
    P = np.exp(A[L] - A[L].max(axis=0))
    P /= P.sum(axis=0)
    delta = (P if "one_hot_not_subtracted" in s else P - np.eye(P.shape[0])[:, y]) / N
    for l in range(L, 0, -1):
        W = Ws[l - 1]
        delta = (W if "missing_transpose" in s else W.T) @ delta
        if l > 1:
            delta = delta * _slope(A[l - 1], "sigmoid", s)
    return delta * sigmoid(X) * (1 - sigmoid(X)) if "slope_at_input" in s else delta
