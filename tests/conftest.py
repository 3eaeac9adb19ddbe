"""Shared fixtures. Warnings are errors in this suite (pyproject.toml)."""

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
