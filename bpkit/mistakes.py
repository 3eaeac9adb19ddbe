"""Planted mistakes: broken copies of an MLP's backward pass, by name.

Each entry of :data:`MISTAKES` is one error students make when they write a
backward pass by hand, with a one-line description and the gradients it
changes. :func:`broken` returns a copy of a network whose forward pass and
loss are the original's and whose ``loss_and_grads`` contains the named
mistake, so :func:`bpkit.check_mlp` can catch it and, with
``raise_on_failure=False``, show which parameters it reaches:

>>> import numpy as np
>>> from bpkit import MLP, check_mlp
>>> from bpkit.gradcheck import TOL
>>> from bpkit.mistakes import broken
>>> net = MLP([3, 4, 4, 2], hidden="tanh", seed=0)
>>> rng = np.random.default_rng(0)
>>> X, Y = rng.standard_normal((3, 5)), rng.standard_normal((2, 5))
>>> bad = broken(net, "missing_transpose", layer=2)
>>> errors = check_mlp(bad, X, Y, raise_on_failure=False)
>>> sorted(k for k, e in errors.items() if e > TOL) == sorted(bad.affected)
True

The backward pass here is the one of :class:`bpkit.MLP` (see
:mod:`bpkit.network`), walked layer by layer with the building blocks of
:mod:`bpkit.layers`, :mod:`bpkit.activations` and :mod:`bpkit.losses`, and
one step changed. Layers are numbered 1..L as in the parameter names W1, b1, ...
The chapter "Gradient checking" uses these mistakes to show how a check
localises a bug.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ._validate import as_array
from .activations import ACTIVATIONS
from .layers import dense_backward, dense_forward
from .losses import LOSSES
from .network import MLP

#: what part of the network a mistake reaches, relative to its layer l
SCOPES = {
    "all": "every parameter and X",
    "up_to_layer": "W_k, b_k for k <= l, and X",
    "below_layer": "W_k, b_k for k < l, and X",
    "bias_of_layer": "b_l only",
    "weight_of_layer": "W_l only",
}


@dataclass(frozen=True)
class Mistake:
    """One planted mistake.

    Attributes
    ----------
    name : key in :data:`MISTAKES`.
    description : one line, the wrong formula against the right one.
    scope : key of :data:`SCOPES`, the gradients the mistake changes.
    per_layer : True if the mistake sits in one layer l (``broken(..., layer=l)``).
    hidden_only : True if that layer must be a hidden one (l < L).
    """

    name: str
    description: str
    scope: str
    per_layer: bool
    hidden_only: bool = False

    def affected(self, num_layers: int, layer: int | None = None) -> list[str]:
        """Names of the gradients the mistake changes in a net of ``num_layers`` layers.

        "X" stands for dL/dX, checked by ``check_mlp(..., input_grad=True)``.
        """
        if self.scope == "bias_of_layer":
            return [f"b{layer}"]
        if self.scope == "weight_of_layer":
            return [f"W{layer}"]
        top = {"all": num_layers, "up_to_layer": layer, "below_layer": (layer or 1) - 1}[self.scope]
        return [f"{p}{k}" for k in range(1, top + 1) for p in "Wb"] + ["X"]


#: name -> Mistake, each with a one-line description
MISTAKES: dict[str, Mistake] = {m.name: m for m in [
    Mistake("missing_transpose",
            "dA_{l-1} = W_l dZ_l instead of W_l^T dZ_l (only a square W_l lets it run)",
            "below_layer", per_layer=True),
    Mistake("dropped_mean",
            "the output error dZ_L misses the 1/N of reduction='mean'",
            "all", per_layer=False),
    Mistake("output_sign",
            "the output error dZ_L has the wrong sign (Y - P instead of P - Y)",
            "all", per_layer=False),
    Mistake("dropped_activation_derivative",
            "dZ_l = dA_l: the factor g'(Z_l) of hidden layer l is left out",
            "up_to_layer", per_layer=True, hidden_only=True),
    Mistake("derivative_at_output",
            "g' of hidden layer l taken at A_l = g(Z_l) instead of at Z_l",
            "up_to_layer", per_layer=True, hidden_only=True),
    Mistake("bias_mean",
            "db_l averages dZ_l over the N samples instead of summing them",
            "bias_of_layer", per_layer=True),
    Mistake("missing_l2",
            "dW_l leaves out the L2 term lambda/N W_l (lambda W_l for 'sum')",
            "weight_of_layer", per_layer=True),
]}


class BrokenMLP:
    """A copy of an :class:`bpkit.MLP` whose backward pass contains one mistake.

    ``params`` and ``loss`` are those of the copy (the forward pass is
    untouched); ``loss_and_grads`` has the mistake. Built by :func:`broken`.

    Attributes
    ----------
    net : the copied network (changing it does not change the original).
    mistake : the :class:`Mistake`.
    layer : its layer l (1..L), or None for a mistake of the whole network.
    affected : names of the gradients the mistake changes ("X" for dL/dX).
    """

    def __init__(self, net: MLP, mistake: Mistake, layer: int | None) -> None:
        self.net, self.mistake, self.layer = copy.deepcopy(net), mistake, layer
        self.affected = mistake.affected(net.num_layers, layer)

    def __repr__(self) -> str:
        where = "" if self.layer is None else f", layer={self.layer}"
        return f"broken({self.net!r}, {self.mistake.name!r}{where})"

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The copy's parameters: W1 (n_1, n_0), b1 (n_1, 1), ..."""
        return self.net.params

    def loss(self, X: object, y: object) -> float:
        """The loss, unchanged: the copy's :meth:`bpkit.MLP.loss`."""
        return self.net.loss(X, y)

    def loss_and_grads(self, X: object, y: object, input_grad: bool = False
                       ) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and gradients as :meth:`bpkit.MLP.loss_and_grads`, with the mistake.

        X : (D, N); y : labels (N,) or targets (C, N). Returns the loss and
        a dict of gradients with the shapes of ``params`` (and "X": (D, N)).
        Raises ValueError for N = 1 where the mistake would be invisible
        ("dropped_mean", "bias_mean": with one sample a sum is its mean).
        """
        net, name, bad = self.net, self.mistake.name, self.layer
        L, P = net.num_layers, net.params
        A = as_array(X, "X", ndim=2, dtype=net.dtype)
        if A.shape[0] != net.sizes[0]:
            raise ValueError(f"X must have shape ({net.sizes[0]}, N) for sizes {net.sizes}; "
                             f"got {A.shape}")
        N = A.shape[1]
        if N == 1 and name in ("dropped_mean", "bias_mean"):
            raise ValueError(f"{name!r} is invisible with N = 1 sample (a sum of one term is its "
                             f"mean); use X with N >= 2 columns; got shape {A.shape}")
        Y = net.targets(y, N)
        act_fwd, act_bwd = ACTIVATIONS[net.hidden]
        caches, Z_L = [], A                                  # (dense cache, activation cache)
        for l in range(1, L + 1):
            Z_L, dense_cache = dense_forward(A, P[f"W{l}"], P[f"b{l}"])
            act_cache = None
            if l < L:
                A, act_cache = act_fwd(Z_L)
            caches.append((dense_cache, act_cache))
        loss_fwd, loss_bwd, fused = LOSSES[net.loss_name]
        if fused:
            loss, loss_cache = loss_fwd(Z_L, Y, net.reduction)
        else:
            out_fwd, out_bwd = ACTIVATIONS[net.output]
            A_L, out_cache = out_fwd(Z_L)
            loss, loss_cache = loss_fwd(A_L, Y, net.reduction)
        factor = net.l2 / N if net.reduction == "mean" else net.l2
        loss += 0.5 * factor * sum(float(np.sum(P[f"W{l}"] ** 2)) for l in range(1, L + 1))

        dZ = loss_bwd(1.0, loss_cache)
        if not fused:
            dZ = out_bwd(dZ, out_cache)
        if name == "dropped_mean":
            dZ = dZ * N                                      # undoes the 1/N
        elif name == "output_sign":
            dZ = -dZ
        grads: dict[str, np.ndarray] = {}
        for l in range(L, 0, -1):
            dense_cache, _ = caches[l - 1]
            dA, dW, db = dense_backward(dZ, dense_cache, need_dX=True)
            if name == "missing_transpose" and l == bad:
                dA = P[f"W{l}"] @ dZ                          # W_l instead of W_l^T
            if name == "bias_mean" and l == bad:
                db = db / N
            if not (name == "missing_l2" and l == bad):
                dW = dW + factor * P[f"W{l}"]
            grads[f"W{l}"], grads[f"b{l}"] = dW, db
            if l > 1:
                act_cache = caches[l - 2][1]
                if name == "dropped_activation_derivative" and l - 1 == bad:
                    dZ = dA                                  # g'(Z_{l-1}) left out
                elif name == "derivative_at_output" and l - 1 == bad:
                    A_prev = dense_cache[0]                  # A_{l-1} = g(Z_{l-1})
                    dZ = act_bwd(dA, act_fwd(A_prev)[1])     # g' taken at A_{l-1}
                else:
                    dZ = act_bwd(dA, act_cache)
        grads = {k: grads[k] for k in P}
        if input_grad:
            grads["X"] = dA
        return loss, grads


def broken(net: MLP, name: str, layer: int | None = None) -> BrokenMLP:
    """A copy of ``net`` whose backward pass contains the mistake ``name``.

    Parameters
    ----------
    net : a :class:`bpkit.MLP` (copied; the original is not changed).
    name : a key of :data:`MISTAKES`.
    layer : the layer l (1..L) that holds the mistake, for a mistake with
        ``per_layer`` (a hidden layer 1..L-1 for ``hidden_only``); None for
        the others.

    Returns
    -------
    BrokenMLP : with ``params``, ``loss``, ``loss_and_grads`` (usable by
    :func:`bpkit.check_mlp`) and ``affected``, the gradients the mistake changes.

    Raises ValueError for a mistake that cannot be planted in ``net`` or would
    not change any gradient there: ``missing_transpose`` needs a square
    W_l, ``missing_l2`` needs l2 > 0, ``dropped_mean`` needs
    reduction="mean", ``dropped_activation_derivative`` needs a hidden
    activation other than the identity and ``derivative_at_output`` a sigmoid
    or tanh one (ReLU's g' is the same at Z and at A).
    """
    if not isinstance(net, MLP):
        raise TypeError(f"broken needs a bpkit.MLP; got {type(net).__name__}")
    if not isinstance(name, str) or name not in MISTAKES:
        raise ValueError(f"unknown mistake {name!r}; expected one of {sorted(MISTAKES)}")
    mistake, L = MISTAKES[name], net.num_layers
    if not mistake.per_layer:
        if layer is not None:
            raise ValueError(f"{name!r} is a mistake of the whole network and takes no layer; "
                             f"got layer={layer!r}")
    else:
        top = L - 1 if mistake.hidden_only else L
        kind = "a hidden layer" if mistake.hidden_only else "a layer"
        if isinstance(layer, bool) or not isinstance(layer, int | np.integer) or not 1 <= layer <= top:
            raise ValueError(f"{name!r} needs layer= {kind} from 1 to {top} of {net!r}; "
                             f"got {layer!r}")
        layer = int(layer)
    if name == "missing_transpose" and net.sizes[layer] != net.sizes[layer - 1]:
        raise ValueError(f"'missing_transpose' needs a square W_{layer} (a non-square one fails "
                         f"by its shape); got W_{layer} of shape {net.params[f'W{layer}'].shape}")
    if name == "missing_l2" and net.l2 == 0:
        raise ValueError("'missing_l2' needs a network with l2 > 0; got l2=0.0")
    if name == "dropped_mean" and net.reduction != "mean":
        raise ValueError(f"'dropped_mean' needs reduction='mean'; got {net.reduction!r}")
    if name == "dropped_activation_derivative" and net.hidden == "identity":
        raise ValueError("'dropped_activation_derivative' is invisible for hidden='identity' "
                         "(g' = 1); use another hidden activation")
    if name == "derivative_at_output" and net.hidden not in ("sigmoid", "tanh"):
        raise ValueError(f"'derivative_at_output' needs hidden='sigmoid' or 'tanh'; "
                         f"got {net.hidden!r}")
    return BrokenMLP(net, mistake, layer)
