"""The dense (affine) layer as a forward/backward pair.

Samples are columns: X is (n_in, N), W is (n_out, n_in), b is (n_out, 1).
Derived in the chapter on the MLP in matrix form.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_shape


def dense_forward(
    X: np.ndarray, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    r"""Z = W X + b.

    Parameters
    ----------
    X : (n_in, N) inputs, one sample per column.
    W : (n_out, n_in) weights.
    b : (n_out, 1) bias, broadcast over the N columns.

    Returns
    -------
    Z : (n_out, N)
    cache : (X, W), kept for the backward pass.
    """
    n_out, n_in = W.shape
    if X.ndim != 2 or X.shape[0] != n_in:
        raise ValueError(
            f"W has shape {W.shape}, so X must have shape ({n_in}, N); got {X.shape}"
        )
    check_shape(b, (n_out, 1), "b")
    return W @ X + b, (X, W)


def dense_backward(
    dZ: np.ndarray, cache: tuple[np.ndarray, np.ndarray], need_dX: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    r"""Gradients of the loss through Z = W X + b.

    .. math::
        dX = W^T dZ, \qquad dW = dZ\, X^T, \qquad db = dZ\, \mathbf{1}_N

    Parameters
    ----------
    dZ : (n_out, N) dL/dZ.
    cache : (X, W) from :func:`dense_forward`.
    need_dX : False skips dX (returned as None), e.g. for the first layer.

    Returns
    -------
    dX : (n_in, N) or None, dW : (n_out, n_in), db : (n_out, 1)
    """
    X, W = cache
    dX = W.T @ dZ if need_dX else None
    return dX, dZ @ X.T, dZ.sum(axis=1, keepdims=True)
