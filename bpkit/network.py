"""A multi-layer perceptron in matrix form, samples as columns.

Layer l (1..L) computes Z_l = W_l A_{l-1} + b_l and A_l = g_l(Z_l), with
A_0 = X (D, N). The backward pass walks the layers' caches in reverse:

    dZ_L from the loss;  dA_{l-1} = W_l^T dZ_l;  dZ_{l-1} = g'(Z_{l-1}) * dA_{l-1}
    dW_l = dZ_l A_{l-1}^T (+ L2 term);  db_l = dZ_l 1_N

The chapter "Backpropagation for L layers" derives and proves these four equations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import as_array, check_reduction, lookup
from .activations import ACTIVATIONS
from .data import one_hot
from .init import INITIALISERS
from .layers import dense_backward
from .losses import LOSSES


class MLP:
    """A fully connected network with one loss.

    Parameters
    ----------
    sizes : [D, H_1, ..., C], at least two entries. Layer l has
        ``params[f"W{l}"]`` of shape (sizes[l], sizes[l-1]) and
        ``params[f"b{l}"]`` of shape (sizes[l], 1).
    hidden : activation of every hidden layer: "sigmoid", "tanh", "relu",
        "identity" or "softmax".
    output : activation of the last layer. "binary_cross_entropy" needs
        "sigmoid" and "cross_entropy" needs "softmax" (both fused with the
        loss and computed from the logits).
    loss : "half_squared_error", "binary_cross_entropy" or "cross_entropy".
    reduction : "mean" (divide the summed loss by N) or "sum".
    l2 : lambda >= 0. Adds lambda/(2N) * sum of squared weights with "mean",
        lambda/2 * sum with "sum"; biases are never regularised.
    seed : seeds the initialiser's random generator.
    init : "xavier", "he", "scaled_normal" or "constant".
    dtype : floating dtype of parameters and computations (float64).

    Attributes
    ----------
    params : {"W1": W_1, "b1": b_1, ..., "WL": W_L, "bL": b_L}. W_l has shape
        (n_out, n_in) = (sizes[l], sizes[l-1]) and ``W_l[j, i]`` is the weight
        from unit i of layer l-1 to unit j of layer l; b_l is (sizes[l], 1).
        Assigning a matrix in the row-major (n_in, n_out) layout of other
        courses raises a ValueError at the next call, naming the expected
        shape; for a square layer (n_in = n_out) no shape check can tell, so
        transpose such a matrix yourself.

    Examples
    --------
    >>> from bpkit import MLP
    >>> from bpkit.data import blobs
    >>> X, y = blobs(seed=0)                       # X (2, 150), y (150,)
    >>> net = MLP([2, 8, 3], output="softmax", loss="cross_entropy", seed=0)
    >>> loss, grads = net.loss_and_grads(X, y)
    >>> grads["W1"].shape
    (8, 2)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        hidden: str = "sigmoid",
        output: str = "identity",
        loss: str = "half_squared_error",
        reduction: str = "mean",
        l2: float = 0.0,
        seed: int | None = 0,
        init: str = "xavier",
        dtype: type = np.float64,
    ) -> None:
        sizes = list(sizes)
        if len(sizes) < 2 or not all(isinstance(s, int | np.integer) and s >= 1 for s in sizes):
            raise ValueError(f"sizes must be >= 2 positive integers [D, ..., C]; got {sizes}")
        lookup(ACTIVATIONS, hidden, "hidden activation")
        lookup(ACTIVATIONS, output, "output activation")
        fused = lookup(LOSSES, loss, "loss")[2]
        if fused is not None and output != fused:
            raise ValueError(f"loss {loss!r} is computed from the logits and needs "
                             f"output={fused!r}; got output={output!r}")
        if output == "softmax" and sizes[-1] == 1:
            raise ValueError("a softmax over 1 output is constant 1; use output='sigmoid' "
                             "for one output unit, or at least 2 outputs")
        check_reduction(reduction)
        if not np.isfinite(l2) or l2 < 0:
            raise ValueError(f"l2 must be a finite number >= 0; got {l2}")
        make = lookup(INITIALISERS, init, "initialiser")
        rng = np.random.default_rng(seed)
        self.sizes, self.hidden, self.output, self.loss_name = sizes, hidden, output, loss
        self.reduction, self.l2, self.dtype = reduction, float(l2), dtype
        self.params: dict[str, np.ndarray] = {}
        for l in range(1, len(sizes)):
            self.params[f"W{l}"] = make(sizes[l], sizes[l - 1], rng).astype(dtype)
            self.params[f"b{l}"] = np.zeros((sizes[l], 1), dtype=dtype)

    @property
    def num_layers(self) -> int:
        """L, the number of weight layers."""
        return len(self.sizes) - 1

    def __repr__(self) -> str:
        return (f"MLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"loss={self.loss_name!r}, reduction={self.reduction!r}, l2={self.l2})")

    # -- input checks -------------------------------------------------------
    def _check_X(self, X: object) -> np.ndarray:
        X = as_array(X, "X", ndim=2, dtype=self.dtype)
        if X.shape[0] != self.sizes[0]:
            raise ValueError(f"X must have shape ({self.sizes[0]}, N) for sizes {self.sizes}; "
                             f"got {X.shape}")
        return X

    def _targets(self, y: object, n: int) -> np.ndarray:
        """Checked targets: integer labels (N,) for cross-entropy stay labels, else (C, N)."""
        C = self.sizes[-1]
        y_arr = np.asarray(y)
        if self.loss_name == "cross_entropy" and y_arr.ndim == 1:
            if y_arr.dtype.kind not in "iu":
                raise TypeError(f"class labels must be integers of shape ({n},); "
                                f"got dtype {y_arr.dtype}")
            if y_arr.shape != (n,):
                raise ValueError(f"X has {n} samples, so labels must have shape ({n},); "
                                 f"got {y_arr.shape}")
            if y_arr.min() < 0 or y_arr.max() >= C:
                raise ValueError(f"labels must lie in [0, {C}); "
                                 f"got values from {y_arr.min()} to {y_arr.max()}")
            return y_arr
        Y = as_array(y_arr, "y", dtype=self.dtype)
        if Y.ndim == 1 and C == 1:
            Y = Y.reshape(1, -1)
        if Y.shape != (C, n):
            raise ValueError(f"y must have shape ({C}, {n}) to match the output and X's {n} "
                             f"samples; got {Y.shape}")
        if self.loss_name == "binary_cross_entropy" and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(f"binary cross-entropy targets must lie in [0, 1]; "
                             f"got values from {Y.min()} to {Y.max()}")
        return Y

    def targets(self, y: object, n: int) -> np.ndarray:
        """Targets as a (C, N) array: integer labels (N,) become one-hot for
        cross-entropy; (N,) values are accepted as (1, N) when C = 1."""
        Y = self._targets(y, n)
        return one_hot(Y, self.sizes[-1]).astype(self.dtype) if Y.ndim == 1 else Y

    def _check_params(self) -> None:
        """Raise ValueError unless every W_l is (n_out, n_in) and every b_l is (n_out, 1)."""
        for l in range(1, len(self.sizes)):
            want = (self.sizes[l], self.sizes[l - 1])
            W, b = self.params.get(f"W{l}"), self.params.get(f"b{l}")
            if W is None or b is None:
                raise ValueError(f"params must hold W{l} and b{l} for sizes {self.sizes}; "
                                 f"got keys {sorted(self.params)}")
            if W.shape != want:
                hint = (" bpkit stores weights as (n_out, n_in); transpose it?"
                        if W.shape == want[::-1] else "")
                raise ValueError(f"W{l} must have shape (n_out, n_in) = {want}; "
                                 f"got {W.shape}.{hint}")
            if b.shape != (want[0], 1):
                raise ValueError(f"b{l} must have shape (n_out, 1) = ({want[0]}, 1); "
                                 f"got {b.shape}")

    # -- forward and backward -----------------------------------------------
    def _forward(self, X: np.ndarray) -> tuple[np.ndarray, list]:
        """Logits Z_L (C, N) and the caches of every layer; X and params already checked."""
        act_fwd = ACTIVATIONS[self.hidden][0]
        A, caches = X, []
        for l in range(1, self.num_layers + 1):
            W = self.params[f"W{l}"]
            Z = W @ A + self.params[f"b{l}"]         # dense_forward, shapes checked once above
            dense_cache = (A, W)
            if l < self.num_layers:
                A, act_cache = act_fwd(Z)
            else:
                act_cache = None
            caches.append((dense_cache, act_cache))
        return Z, caches

    def logits(self, X: object) -> np.ndarray:
        r"""The scores before the output activation, :math:`Z_L = W_L A_{L-1} + b_L \mathbf{1}^T`.

        Shape (C, N) for X (D, N). The output is ``forward(X)`` =
        :math:`g_\text{out}(Z_L)`: :math:`\operatorname{softmax}(Z_L)` for a
        softmax output (class scores become probabilities), :math:`\sigma(Z_L)`
        for a sigmoid output, :math:`Z_L` itself for the identity.
        """
        X = self._check_X(X)
        self._check_params()
        return self._forward(X)[0]

    def forward(self, X: object) -> np.ndarray:
        """The network's output A_L = g_out(Z_L), shape (C, N), for X (D, N)."""
        return ACTIVATIONS[self.output][0](self.logits(X))[0]

    def predict(self, X: object) -> np.ndarray:
        """Class labels (N,): argmax over the output rows (threshold 0.5 if C = 1)."""
        out = self.forward(X)
        return (out[0] > 0.5).astype(int) if out.shape[0] == 1 else out.argmax(axis=0)

    def _l2_penalty(self, m: int) -> tuple[float, float]:
        """(penalty, factor) with penalty = factor/2 * sum ||W_l||^2 and factor = lambda/m or lambda."""
        factor = self.l2 / m if self.reduction == "mean" else self.l2
        if factor == 0.0:
            return 0.0, 0.0
        sq = sum(float(np.sum(W * W)) for k, W in self.params.items() if k.startswith("W"))
        return 0.5 * factor * sq, factor

    def _loss_forward(self, X: object, y: object, n_train: int | None
                      ) -> tuple[float, float, float, list, tuple]:
        """Check the input, run the forward pass and the loss.

        Returns the objective (data term and L2 term), the data term's scale
        (m/N for a "sum" batch standing for m samples, else 1), the L2 factor,
        the layers' caches and the caches of the loss and output activation.
        """
        X = self._check_X(X)
        self._check_params()
        n = X.shape[1]
        if n_train is None:
            n_train = n
        elif not (isinstance(n_train, int | np.integer) and n_train >= n):
            raise ValueError(f"n_train is the number of training samples the batch stands for, "
                             f"an integer >= the batch's {n} samples; got {n_train!r}")
        Y = self._targets(y, n)
        ZL, caches = self._forward(X)
        loss_fwd, _, fused = LOSSES[self.loss_name]
        out_cache = None
        if fused:  # the loss takes the logits: sigmoid + BCE, softmax + cross-entropy
            loss, loss_cache = loss_fwd(ZL, Y, self.reduction)
        else:
            AL, out_cache = ACTIVATIONS[self.output][0](ZL)
            loss, loss_cache = loss_fwd(AL, Y, self.reduction)
        scale = n_train / n if self.reduction == "sum" else 1.0
        penalty, factor = self._l2_penalty(n_train)
        return scale * loss + penalty, scale, factor, caches, (loss_cache, out_cache)

    def loss(self, X: object, y: object, n_train: int | None = None) -> float:
        """The scalar objective (with the L2 term) at the current parameters; forward pass only.

        ``n_train`` as in :meth:`loss_and_grads`.
        """
        return self._loss_forward(X, y, n_train)[0]

    def loss_and_grads(
        self, X: object, y: object, input_grad: bool = False, n_train: int | None = None
    ) -> tuple[float, dict[str, np.ndarray]]:
        r"""Objective and its gradient with respect to every parameter.

        Parameters
        ----------
        X : (D, N) inputs.
        y : integer labels (N,) for cross-entropy, or targets (C, N).
        input_grad : also return ``grads["X"]`` = dL/dX, shape (D, N).
        n_train : the number m of training samples this batch stands for;
            None (default) means the batch is the whole training set, m = N.
            The L2 term belongs to the training set, not to the batch:

            .. math:: J = \frac{1}{N}\sum_{n \in B} \ell_n + \frac{\lambda}{2m}\sum_l
                      \|W_l\|^2 \ \text{(mean)}, \qquad
                      J = \frac{m}{N}\sum_{n \in B} \ell_n + \frac{\lambda}{2}\sum_l
                      \|W_l\|^2 \ \text{(sum)},

            so J and its gradient are unbiased estimates of the objective over
            all m samples: averaged over the batches of one epoch (no update
            in between), the gradients are the full-batch gradient.

        Returns
        -------
        loss : float, J above.
        grads : dict with the keys of ``params`` (and "X"), each of its shape.
        """
        loss, scale, factor, caches, (loss_cache, out_cache) = self._loss_forward(X, y, n_train)
        _, loss_bwd, fused = LOSSES[self.loss_name]
        dZ = loss_bwd(scale, loss_cache)
        if not fused:
            dZ = ACTIVATIONS[self.output][1](dZ, out_cache)
        grads: dict[str, np.ndarray] = {}
        act_bwd = ACTIVATIONS[self.hidden][1]
        for l in range(self.num_layers, 0, -1):
            dense_cache, _ = caches[l - 1]
            dA, dW, grads[f"b{l}"] = dense_backward(dZ, dense_cache, need_dX=l > 1 or input_grad)
            grads[f"W{l}"] = dW + factor * self.params[f"W{l}"] if factor else dW
            if l > 1:
                dZ = act_bwd(dA, caches[l - 2][1])
        grads = {k: grads[k] for k in self.params}
        if input_grad:
            grads["X"] = dA
        return loss, grads
