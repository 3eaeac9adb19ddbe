r"""Backpropagation in document 003's notation: Θ matrices with a bias column,
gradients accumulated sample by sample, and what the stored deltas save.

Notation (the chapter "Backpropagation in Θ notation", ``book/delta_recursion``):
layers are numbered 1..L with :math:`S_l` units in layer l; layer 1 is the
input :math:`a^{(1)} = x` and layer L the output :math:`h_\Theta(x) = a^{(L)}`.
:math:`\Theta^{(l)}` maps layer l to layer l + 1 and has shape
:math:`(S_{l+1}, S_l + 1)`: its column 0 multiplies the bias unit
:math:`a^{(l)}_0 = 1`, so :math:`\Theta^{(l)}_{ij}` is the weight from unit j
of layer l to unit i of layer l + 1. The hidden layers apply an activation g;
the output layer is linear (the document's assumption), and the cost is

.. math::
    J(\Theta) = \frac{1}{2m} \sum_{i=1}^{m} \sum_{k=1}^{S_L}
        \big(h_\Theta(x^{(i)})_k - y^{(i)}_k\big)^2
        + \frac{\lambda}{2m} \sum_{l=1}^{L-1} \sum_{i=1}^{S_{l+1}} \sum_{j=1}^{S_l}
        \big(\Theta^{(l)}_{ij}\big)^2 ,

which is bpkit's ``MLP(sizes, hidden=g, output="identity",
loss="half_squared_error", reduction="mean", l2=lam)`` with
:math:`\Theta^{(l)} = [\,b_l \;\; W_l\,]` (:func:`to_thetas`, :func:`from_thetas`).
Samples are columns: X is :math:`(S_1, m)`, Y is :math:`(S_L, m)`.

Two parts:

- :func:`cost` and :func:`backprop`: J and its gradient by the algorithm of
  the document's (lost) algorithm box, one sample at a time with the
  accumulators :math:`\Delta^{(l)}`.
- :func:`path_sum_gradients` and :func:`backward_gradients` compute the
  gradient of one sample either weight by weight (one sum over paths per
  weight) or with the stored deltas, counting their multiplications;
  :func:`naive_multiplications` and :func:`backward_multiplications` give the
  same counts in closed form.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np

from ._validate import as_array
from .activations import ACTIVATIONS

__all__ = ["HIDDEN", "backprop", "backward_gradients", "backward_multiplications", "cost",
           "from_thetas", "naive_multiplications", "path_sum_gradients", "to_thetas"]

#: activations accepted for the hidden layers (the output layer is linear)
HIDDEN = ("identity", "sigmoid", "tanh", "relu")


# ---------------------------------------------------------------------------
# input checks and the forward pass
# ---------------------------------------------------------------------------


def _check_hidden(hidden: str) -> None:
    if not isinstance(hidden, str) or hidden not in HIDDEN:
        raise ValueError(f"hidden must be one of {HIDDEN}; got {hidden!r}")


def _check_thetas(thetas: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Θ^(1), ..., Θ^(L-1) as float64 arrays whose shapes chain: (S_{l+1}, S_l + 1)."""
    if isinstance(thetas, np.ndarray) or not isinstance(thetas, Sequence) or not thetas:
        raise TypeError(f"thetas must be a non-empty list of 2-D arrays [Theta1, Theta2, ...]; "
                        f"got {type(thetas).__name__}")
    out = [as_array(T, f"Theta{l}", ndim=2) for l, T in enumerate(thetas, start=1)]
    for l, T in enumerate(out, start=1):
        if T.shape[1] < 2:
            raise ValueError(f"Theta{l} must have shape (S_{l + 1}, S_{l} + 1) with a bias "
                             f"column and at least one unit; got {T.shape}")
        if l > 1 and T.shape[1] != out[l - 2].shape[0] + 1:
            raise ValueError(f"Theta{l} must have {out[l - 2].shape[0] + 1} columns (the "
                             f"{out[l - 2].shape[0]} units of layer {l} plus the bias unit) "
                             f"to follow Theta{l - 1} {out[l - 2].shape}; got {T.shape}")
    return out


def _check_data(thetas: list[np.ndarray], X: object, Y: object) -> tuple[np.ndarray, np.ndarray]:
    X, Y = as_array(X, "X", ndim=2), as_array(Y, "Y", ndim=2)
    if X.shape[0] != thetas[0].shape[1] - 1:
        raise ValueError(f"X must have shape ({thetas[0].shape[1] - 1}, m) to fit Theta1 "
                         f"{thetas[0].shape}; got {X.shape}")
    if Y.shape != (thetas[-1].shape[0], X.shape[1]):
        raise ValueError(f"Y must have shape ({thetas[-1].shape[0]}, {X.shape[1]}) for the "
                         f"{thetas[-1].shape[0]} outputs and {X.shape[1]} samples; got {Y.shape}")
    return X, Y


def _forward(thetas: list[np.ndarray], x: np.ndarray, hidden: str
             ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    r"""One sample x (S_1, 1) through the network.

    Returns ``a`` with ``a[l-1]`` = :math:`a^{(l)}` (S_l, 1), l = 1..L, bias unit
    not included, and ``slopes`` with ``slopes[l-1]`` = :math:`g'(z^{(l)})`
    (S_l, 1) for the hidden layers l = 2..L-1 (``slopes[0]`` is None: the input
    layer has no net input).
    """
    fwd, bwd = ACTIVATIONS[hidden]
    a, slopes = [x], [None]
    for l, T in enumerate(thetas, start=1):
        z = T[:, :1] + T[:, 1:] @ a[-1]                    # Θ^(l) [1; a^(l)]
        if l < len(thetas):
            act, cache = fwd(z)
            a.append(act)
            slopes.append(bwd(np.ones_like(z), cache))    # g'(z^(l+1))
        else:
            a.append(z)                                   # linear output units
    return a, slopes


# ---------------------------------------------------------------------------
# J(Θ) and the algorithm of the document's algorithm boxes
# ---------------------------------------------------------------------------


def cost(thetas: Sequence[np.ndarray], X: object, Y: object, lam: float = 0.0,
         hidden: str = "tanh") -> float:
    r"""The regularised cost :math:`J(\Theta)` (module docstring), forward pass only.

    Parameters
    ----------
    thetas : [Θ^(1), ..., Θ^(L-1)], Θ^(l) of shape (S_{l+1}, S_l + 1), bias in column 0.
    X : (S_1, m) inputs, one sample per column; Y : (S_L, m) targets.
    lam : λ >= 0; the bias column is not regularised.
    hidden : activation g of the hidden layers, one of :data:`HIDDEN`.

    Returns
    -------
    float: :math:`\frac{1}{2m}\sum_{i,k}(h_\Theta(x^{(i)})_k - y^{(i)}_k)^2
    + \frac{\lambda}{2m}\sum_l \sum_{i,\,j \ge 1} (\Theta^{(l)}_{ij})^2`.
    """
    thetas = _check_thetas(thetas)
    X, Y = _check_data(thetas, X, Y)
    _check_hidden(hidden)
    _check_lam(lam)
    m = X.shape[1]
    H = _forward(thetas, X, hidden)[0][-1]              # all samples at once: (S_L, m)
    penalty = sum(float(np.sum(T[:, 1:] ** 2)) for T in thetas)
    return float(np.sum((H - Y) ** 2)) / (2 * m) + lam * penalty / (2 * m)


def _check_lam(lam: float) -> None:
    if isinstance(lam, bool) or not isinstance(lam, int | float | np.floating) \
            or not np.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a finite number >= 0; got {lam!r}")


def backprop(thetas: Sequence[np.ndarray], X: object, Y: object, lam: float = 0.0,
             hidden: str = "tanh") -> tuple[float, list[np.ndarray]]:
    r""":math:`J(\Theta)` and :math:`D^{(l)} = \partial J / \partial \Theta^{(l)}`,
    accumulated one sample (one column of X) at a time.

    The algorithm (the document's algorithm box, reconstructed)::

        Δ^(l) := 0 for every l
        for i = 1..m:
            a^(1) := x^(i); forward pass to a^(2), ..., a^(L)
            δ^(L) := a^(L) - y^(i)                                 (linear output)
            δ^(l) := (Θ^(l)[:, 1:]^T δ^(l+1)) ⊙ g'(z^(l))       for l = L-1, ..., 2
            Δ^(l) := Δ^(l) + δ^(l+1) (a^(l))^T                   with a^(l)_0 = 1
        D^(l)_ij := Δ^(l)_ij / m + (λ/m) Θ^(l)_ij   for j >= 1
        D^(l)_i0 := Δ^(l)_i0 / m                   (biases are not regularised)

    Parameters
    ----------
    thetas : [Θ^(1), ..., Θ^(L-1)], Θ^(l) of shape (S_{l+1}, S_l + 1), bias in column 0.
    X : (S_1, m) inputs; Y : (S_L, m) targets.
    lam : λ >= 0.
    hidden : activation g of the hidden layers, one of :data:`HIDDEN`.

    Returns
    -------
    J : float, the cost (as :func:`cost`).
    D : [D^(1), ..., D^(L-1)], D^(l) of the shape of Θ^(l).
    """
    thetas = _check_thetas(thetas)
    X, Y = _check_data(thetas, X, Y)
    _check_hidden(hidden)
    _check_lam(lam)
    m = X.shape[1]
    Delta = [np.zeros_like(T) for T in thetas]
    squared_error = 0.0
    for i in range(m):
        a, slopes = _forward(thetas, X[:, [i]], hidden)
        delta = a[-1] - Y[:, [i]]                                       # δ^(L)
        squared_error += float(np.sum(delta**2))
        for l in range(len(thetas), 0, -1):                             # Θ^(l), l = L-1..1
            Delta[l - 1] += delta @ np.vstack([[1.0], a[l - 1]]).T      # δ^(l+1) [1; a^(l)]^T
            if l > 1:
                delta = (thetas[l - 1][:, 1:].T @ delta) * slopes[l - 1]   # δ^(l)
    D = []
    for T, Dl in zip(thetas, Delta, strict=True):
        reg = lam * T
        reg[:, 0] = 0.0                                                 # column 0: the biases
        D.append(Dl / m + reg / m)
    penalty = sum(float(np.sum(T[:, 1:] ** 2)) for T in thetas)
    return squared_error / (2 * m) + lam * penalty / (2 * m), D


def to_thetas(arrays: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    r"""bpkit's ``{"W1", "b1", ...}`` (``net.params`` or its gradients) as
    :math:`[\Theta^{(1)}, \dots]` with :math:`\Theta^{(l)} = [\,b_l \;\; W_l\,]`,
    shape (n_l, n_{l-1} + 1). The arrays are copied."""
    if not isinstance(arrays, Mapping) or "W1" not in arrays or "b1" not in arrays:
        raise TypeError(f"arrays must be a mapping with keys W1, b1, W2, b2, ... (net.params "
                        f"or the grads of loss_and_grads); got {type(arrays).__name__}")
    thetas, l = [], 1
    while f"W{l}" in arrays:
        W, b = np.asarray(arrays[f"W{l}"]), np.asarray(arrays.get(f"b{l}"))
        if W.ndim != 2 or b.shape != (W.shape[0], 1):
            raise ValueError(f"b{l} must have shape ({W.shape[0]}, 1) to go with W{l} "
                             f"{W.shape}; got {b.shape}")
        thetas.append(np.hstack([b, W]).astype(np.float64))
        l += 1
    return thetas


def from_thetas(thetas: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    r""":math:`[\Theta^{(1)}, \dots]` as bpkit's ``{"W1": Θ[:, 1:], "b1": Θ[:, :1], ...}``
    (copies), e.g. for ``net.params.update(from_thetas(thetas))``."""
    thetas = _check_thetas(thetas)
    out: dict[str, np.ndarray] = {}
    for l, T in enumerate(thetas, start=1):
        out[f"W{l}"], out[f"b{l}"] = T[:, 1:].copy(), T[:, :1].copy()
    return out


# ---------------------------------------------------------------------------
# What the stored deltas save: multiplications of the two ways to the gradient
# ---------------------------------------------------------------------------


def _one_sample(thetas: Sequence[np.ndarray], x: object, y: object, hidden: str
                ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray | None], np.ndarray]:
    """Checked inputs of one sample, its activations a^(1..L) and slopes as 1-D arrays, and y."""
    thetas = _check_thetas(thetas)
    x, y = _check_data(thetas, x, y)
    if x.shape[1] != 1:
        raise ValueError(f"x and y must be one sample, shapes (S_1, 1) and (S_L, 1); "
                         f"got x {x.shape}")
    _check_hidden(hidden)
    a, slopes = _forward(thetas, x, hidden)
    return thetas, [v[:, 0] for v in a], [None if s is None else s[:, 0] for s in slopes], y[:, 0]


def path_sum_gradients(thetas: Sequence[np.ndarray], x: object, y: object,
                       hidden: str = "identity") -> tuple[list[np.ndarray], int]:
    r"""Every :math:`\partial J / \partial \Theta^{(l)}_{ij}` on its own, by the chain rule
    summed over every path from unit i of layer l + 1 to the outputs; nothing is reused.

    For one sample and :math:`J = \frac12 \sum_k (h_\Theta(x)_k - y_k)^2`:

    .. math::
        \frac{\partial J}{\partial \Theta^{(l)}_{ij}} = \Big[\sum_{\text{paths}}
        (a^{(L)}_{u_L} - y_{u_L}) \prod_{s=l+1}^{L-1}
        \Theta^{(s)}_{u_{s+1} u_s}\, g'(z^{(s)}_{u_s})\Big]\, a^{(l)}_j ,

    over the paths :math:`u_{l+1} = i, u_{l+2}, \dots, u_L`, with
    :math:`a^{(l)}_0 = 1`. Each path multiplies its factors one by one; for
    ``hidden="identity"`` the slopes g' = 1 are left out. The forward pass
    (activations and slopes) and the errors :math:`a^{(L)} - y` are given;
    additions are not counted.

    Parameters
    ----------
    thetas : [Θ^(1), ..., Θ^(L-1)], Θ^(l) of shape (S_{l+1}, S_l + 1).
    x : (S_1, 1) one sample; y : (S_L, 1) its target.
    hidden : activation g of the hidden layers, one of :data:`HIDDEN`.

    Returns
    -------
    grads : [∂J/∂Θ^(1), ...], each of Θ^(l)'s shape.
    multiplications : int, equal to :func:`naive_multiplications`.
    """
    thetas, a, slopes, y = _one_sample(thetas, x, y, hidden)
    L = len(thetas) + 1
    linear = hidden == "identity"
    error = a[L - 1] - y                                       # a^(L) - y, given
    grads, count = [], 0
    for l in range(1, L):                                       # Θ^(l): layer l -> l + 1
        T = thetas[l - 1]
        G = np.zeros_like(T)
        later = [range(thetas[s - 1].shape[0]) for s in range(l + 1, L)]   # u_{l+2}..u_L
        for i, j in itertools.product(range(T.shape[0]), range(T.shape[1])):
            total = 0.0
            for tail in itertools.product(*later):
                units = (i, *tail)                              # u_{l+1}, ..., u_L (0-based)
                product = error[units[-1]]
                for s in range(l + 1, L):                       # hidden layer s on the path
                    u, v = units[s - l - 1], units[s - l]       # u_s -> u_{s+1}
                    product *= thetas[s - 1][v, u + 1]
                    count += 1
                    if not linear:
                        product *= slopes[s - 1][u]
                        count += 1
                total += product
            G[i, j] = total * (1.0 if j == 0 else a[l - 1][j - 1])    # times a^(l)_j
            count += 1
        grads.append(G)
    return grads, count


def backward_gradients(thetas: Sequence[np.ndarray], x: object, y: object,
                       hidden: str = "identity") -> tuple[list[np.ndarray], int]:
    r"""The same gradient with the deltas computed once, layer by layer, and stored:

    .. math::
        \delta^{(L)} = a^{(L)} - y, \qquad
        \delta^{(l)}_j = g'(z^{(l)}_j) \sum_{i=1}^{S_{l+1}} \delta^{(l+1)}_i \Theta^{(l)}_{ij},
        \qquad \frac{\partial J}{\partial \Theta^{(l)}_{ij}} = \delta^{(l+1)}_i a^{(l)}_j .

    Scalar loops that count every multiplication, as :func:`path_sum_gradients`
    does (for ``hidden="identity"`` the factor g' = 1 is left out).

    Returns
    -------
    grads : [∂J/∂Θ^(1), ...], each of Θ^(l)'s shape.
    multiplications : int, equal to :func:`backward_multiplications`.
    """
    thetas, a, slopes, y = _one_sample(thetas, x, y, hidden)
    L = len(thetas) + 1
    linear = hidden == "identity"
    delta = a[L - 1] - y                                       # δ^(L), given
    grads: list[np.ndarray] = [np.zeros(0)] * (L - 1)
    count = 0
    for l in range(L - 1, 0, -1):
        T = thetas[l - 1]
        a_bias = np.concatenate([[1.0], a[l - 1]])
        G = np.zeros_like(T)
        for i, j in itertools.product(range(T.shape[0]), range(T.shape[1])):
            G[i, j] = delta[i] * a_bias[j]
            count += 1
        grads[l - 1] = G
        if l > 1:                                              # δ^(l) from δ^(l+1)
            new = np.zeros(T.shape[1] - 1)
            for j in range(T.shape[1] - 1):
                s = 0.0
                for i in range(T.shape[0]):
                    s += delta[i] * T[i, j + 1]
                    count += 1
                if not linear:
                    s *= slopes[l - 1][j]
                    count += 1
                new[j] = s
            delta = new
    return grads, count


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    sizes = list(sizes) if isinstance(sizes, Sequence) else sizes
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(
            isinstance(s, int | np.integer) and not isinstance(s, bool) and s >= 1 for s in sizes):
        raise ValueError(f"sizes must be a list of at least 2 positive integers [S_1, ..., S_L]; "
                         f"got {sizes!r}")
    return [int(s) for s in sizes]


def naive_multiplications(sizes: Sequence[int], linear: bool = False) -> int:
    r"""Multiplications of :func:`path_sum_gradients` for one sample, in closed form.

    With :math:`k_l = L - 1 - l` hidden layers between :math:`\Theta^{(l)}` and the
    output, :math:`P_l = \prod_{s=l+2}^{L} S_s` paths per weight and c = 1 factor per
    hidden layer for linear units (the weight), c = 2 otherwise (weight and g'):

    .. math:: \sum_{l=1}^{L-1} S_{l+1} (S_l + 1) \big(c\, k_l P_l + 1\big)

    Parameters
    ----------
    sizes : [S_1, ..., S_L], units per layer without bias units.
    linear : True for linear hidden units.
    """
    S = _check_sizes(sizes)
    L, c = len(S), 1 if linear else 2
    total = 0
    for l in range(1, L):
        paths = int(np.prod(S[l + 1:], dtype=np.int64)) if l + 1 < L else 1
        total += S[l] * (S[l - 1] + 1) * (c * (L - 1 - l) * paths + 1)
    return total


def backward_multiplications(sizes: Sequence[int], linear: bool = False) -> int:
    r"""Multiplications of :func:`backward_gradients` for one sample, in closed form:

    .. math:: \sum_{l=2}^{L-1} \big(S_{l+1} S_l + [\text{not linear}]\, S_l\big)
              + \sum_{l=1}^{L-1} S_{l+1} (S_l + 1)

    (the deltas of the hidden layers, then one product per entry of every Θ).
    """
    S = _check_sizes(sizes)
    L = len(S)
    deltas = sum(S[l] * S[l - 1] + (0 if linear else S[l - 1]) for l in range(2, L))
    outer = sum(S[l] * (S[l - 1] + 1) for l in range(1, L))
    return deltas + outer
