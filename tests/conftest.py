"""Shared fixtures. Warnings are errors in this suite (pyproject.toml)."""

import numpy as np
import pytest
from hypothesis import settings


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)

# Property tests draw the same examples on every run, so CI is reproducible.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
settings.load_profile("repeatable")
