r"""The dense layer in symbols: :math:`Z = W A + b \mathbf{1}^T`, and the Hadamard product.

The symbolic twins of :func:`bpkit.layers.dense_forward` and of the
elementwise product in the backward pass; the chapters on documents 000 and
002 and the chapter on L layers build their networks from them.
"""

from __future__ import annotations

import sympy as sp

from .symbols import _as_matrix


def affine(W: sp.Matrix, A: sp.Matrix, b: sp.Matrix | None = None) -> sp.Matrix:
    r"""Pre-activation :math:`Z = W A + b \mathbf{1}^T` of shape (n_out, N).

    W : (n_out, n_in); A : (n_in, N); b : (n_out, 1) or None, added to every column.

    Examples
    --------
    >>> from bpkit.symbolic import affine, matrix
    >>> affine(matrix("W", 1, 2), matrix("X", 2, 1), matrix("b", 1, 1))
    Matrix([[W_{11}*X_{11} + W_{12}*X_{21} + b_{11}]])
    """
    W, A = _as_matrix(W, "W"), _as_matrix(A, "A")
    if W.cols != A.rows:
        raise ValueError(f"W (n_out, n_in) and A (n_in, N) do not fit: got W {W.shape} "
                         f"and A {A.shape}")
    Z = W * A
    if b is not None:
        b = _as_matrix(b, "b")
        if b.shape != (W.rows, 1):
            raise ValueError(f"b must have shape ({W.rows}, 1) to match W {W.shape}; got {b.shape}")
        Z = Z + b * sp.ones(1, A.cols)
    return Z


def hadamard(A: sp.Matrix, B: sp.Matrix) -> sp.Matrix:
    r"""Elementwise product :math:`A \odot B` of two explicit matrices of one shape.

    Examples
    --------
    >>> from bpkit.symbolic import hadamard, matrix
    >>> hadamard(matrix("a", 1, 2), matrix("b", 1, 2))
    Matrix([[a_{11}*b_{11}, a_{12}*b_{12}]])
    """
    A, B = _as_matrix(A, "A"), _as_matrix(B, "B")
    if A.shape != B.shape:
        raise ValueError(f"the Hadamard product needs equal shapes; got {A.shape} and {B.shape}")
    return A.multiply_elementwise(B)
