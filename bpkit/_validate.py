"""Input checks shared by bpkit's public functions.

Each check raises ``TypeError`` or ``ValueError`` with a message that says
what was expected and what came, never a bare ``assert``.
"""

from __future__ import annotations

import numpy as np


def as_array(x: object, name: str, ndim: int | None = None, dtype=np.float64) -> np.ndarray:
    """Return ``x`` as a finite, non-empty NumPy array of ``dtype``.

    Raises TypeError for non-numeric input and ValueError for a wrong number
    of dimensions, an empty array, or NaN/inf entries.
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":  # signed, unsigned, floating
        raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; got {bad} NaN or inf entries")
    return arr


def check_shape(arr: np.ndarray, shape: tuple, name: str) -> None:
    """Raise ValueError unless ``arr.shape == shape`` (None in ``shape`` matches any size)."""
    if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape, strict=True)):
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}; got {arr.shape}")


def check_reduction(reduction: str) -> None:
    """Raise ValueError unless ``reduction`` is ``"mean"`` or ``"sum"``."""
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}")


def lookup(table: dict, name: str, what: str):
    """Return ``table[name]``, or raise ValueError listing the known names."""
    if not isinstance(name, str) or name not in table:
        raise ValueError(f"unknown {what} {name!r}; expected one of {sorted(table)}")
    return table[name]
