"""bpkit: small, readable matrix-form backpropagation in NumPy.

Samples are columns (X is (D, N)); a weight matrix is (n_out, n_in); a bias
is (n_out, 1); float64 throughout. Each backward function carries its
formula and names the chapter of the book "Backprop, verified" that derives it.
"""

from .gradcheck import (
    GradientCheckError,
    check_directional,
    check_gradient,
    check_mlp,
    numerical_gradient,
    relative_error,
)
from .network import MLP
from .optim import SGD, train

__all__ = [
    "MLP",
    "SGD",
    "train",
    "GradientCheckError",
    "check_gradient",
    "check_directional",
    "check_mlp",
    "numerical_gradient",
    "relative_error",
]
__version__ = "0.2.0"
