r"""Proof by machine: symbolic gradients in a document's own notation.

A chapter uses this module in four steps, the four steps of "verified":

1. **Declare** the network with SymPy symbols named as its document names
   them: :func:`matrix` and :func:`vector` build matrices of real symbols
   (``W_H``, ``u_{kj}``, ``\Theta^{(1)}_{ij}``, ``W^{[1]}_{ij}``); activations
   are :data:`sigmoid`, :data:`tanh`, :data:`relu`, :data:`identity`,
   :func:`softmax`, or an undefined :func:`activation` ``g`` whose derivative
   stays ``g'`` so that a result holds for *every* activation; the losses are
   :func:`half_squared_error`, :func:`binary_cross_entropy` and
   :func:`cross_entropy` (mean or sum, optional L2 on the weights only).
   :func:`symbolic_mlp` declares a whole :class:`bpkit.MLP` at once.
2. **Derive** every gradient with ``sympy.diff``: :func:`gradient` returns the
   matrix of partial derivatives, of the parameter's shape.
3. **Prove** a matrix formula, as the document states it or corrected:
   :func:`check_formula` returns a :class:`FormulaCheck` (exact verdict, the
   difference, and a numeric counterexample when it fails);
   :func:`prove_formula` raises :class:`FormulaError` instead.
   :func:`check_agreement` compares, at one random float64 point, the
   symbolic gradient (lambdified once, with common subexpressions shared),
   bpkit's backward and central finite differences (:mod:`bpkit.gradcheck`).
4. **Display** what was proven from the checked objects themselves:
   ``FormulaCheck.latex()``, :func:`latex`, :func:`show`.

For all sizes at once, :func:`general_linear_gradient` and
:func:`general_dense_gradients` derive the linear parts with SymPy's matrix
calculus (``MatrixSymbol`` with symbolic sizes), and
``GeneralGradient.at_size`` confirms the result entry by entry at a small size.

Layout: samples are columns (X is (D, N)); bpkit's weights are (n_out, n_in).
A document with another layout maps its matrices to bpkit's through the
``layout`` argument of :func:`check_agreement`.

Modules, each the twin of the numeric module of the same name where there is one:

- :mod:`~bpkit.symbolic.symbols`: :func:`matrix`, :func:`vector`,
  :func:`with_bias_unit`, :func:`one_hot`, :func:`gradient`;
- :mod:`~bpkit.symbolic.activations`, :mod:`~bpkit.symbolic.layers`,
  :mod:`~bpkit.symbolic.losses`, :mod:`~bpkit.symbolic.network`: the twins of
  :mod:`bpkit.activations`, :mod:`bpkit.layers`, :mod:`bpkit.losses`,
  :mod:`bpkit.network`;
- :mod:`~bpkit.symbolic.proofs`: :func:`check_formula`, :func:`prove_formula`;
- :mod:`~bpkit.symbolic.agreement`: :func:`check_agreement`, the twin of
  :func:`bpkit.gradcheck.check_mlp` (the one module that imports the numeric side);
- :mod:`~bpkit.symbolic.general`: proofs for all sizes;
- :mod:`~bpkit.symbolic.display`: :func:`latex`, :func:`show`.

The book page "Proof by machine: bpkit.symbolic" demonstrates the main functions.

Examples
--------
>>> import sympy as sp
>>> from bpkit import symbolic as sym
>>> W, X, Y = sym.matrix("W", 2, 3), sym.matrix("X", 3, 2), sym.matrix("Y", 2, 2)
>>> L = sym.half_squared_error(W * X, Y, reduction="sum")
>>> sym.check_formula((W * X - Y) * X.T, sym.gradient(L, W)).holds
True
"""

from .activations import ACTIVATIONS, Activation, activation, identity, relu, sigmoid, softmax, tanh
from .agreement import RTOL, Agreement, AgreementError, check_agreement
from .display import latex, show
from .general import GeneralGradient, general_dense_gradients, general_linear_gradient
from .layers import affine, hadamard
from .losses import binary_cross_entropy, cross_entropy, half_squared_error, l2_penalty
from .network import SymbolicMLP, symbolic_mlp
from .proofs import FormulaCheck, FormulaError, check_formula, prove_formula
from .symbols import gradient, matrix, one_hot, vector, with_bias_unit

__all__ = [
    "ACTIVATIONS",
    "RTOL",
    "Activation",
    "Agreement",
    "AgreementError",
    "FormulaCheck",
    "FormulaError",
    "GeneralGradient",
    "SymbolicMLP",
    "activation",
    "affine",
    "binary_cross_entropy",
    "check_agreement",
    "check_formula",
    "cross_entropy",
    "general_dense_gradients",
    "general_linear_gradient",
    "gradient",
    "hadamard",
    "half_squared_error",
    "identity",
    "l2_penalty",
    "latex",
    "matrix",
    "one_hot",
    "prove_formula",
    "relu",
    "show",
    "sigmoid",
    "softmax",
    "symbolic_mlp",
    "tanh",
    "vector",
    "with_bias_unit",
]

