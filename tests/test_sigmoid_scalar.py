"""bpkit.activations.sigmoid at a single number (chapter 004 evaluates it at a float)."""

import numpy as np
import pytest

from bpkit.activations import sigmoid


@pytest.mark.parametrize("z", [0.3, np.float64(0.3), 2, np.array(0.3)])
def test_sigmoid_of_a_number(z):
    assert np.isclose(sigmoid(z), 1 / (1 + np.exp(-0.3 if z != 2 else -2)), rtol=1e-15)


def test_sigmoid_keeps_shape_dtype_and_input():
    z = np.array([[-8.0, 0.0, 3.0]], dtype=np.float32)
    before = z.copy()
    out = sigmoid(z)
    assert out.shape == (1, 3) and out.dtype == np.float32
    assert np.array_equal(z, before)                      # the input is not overwritten
    assert sigmoid(np.array([0, 1])).dtype == np.float64  # integers give floats
    assert sigmoid(np.array([-800.0]))[0] > 0             # clipped, not 0, not a warning
