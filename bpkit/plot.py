"""Figures for the chapters: network diagrams, loss curves, decision regions.

Every function draws on a Matplotlib Axes (a new one if ``ax`` is None) and
returns it, so a chapter can combine them and add its own labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6, 4)) -> Axes:
    return plt.subplots(figsize=figsize)[1] if ax is None else ax


def plot_loss(history: Sequence[float], ax: Axes | None = None, label: str | None = None,
              logy: bool = True) -> Axes:
    """The loss after each epoch, on a log scale by default."""
    ax = _axes(ax)
    ax.plot(np.arange(1, len(history) + 1), history, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if label:
        ax.legend()
    return ax


def plot_decision_regions(net, X: np.ndarray, y: np.ndarray, ax: Axes | None = None,
                          resolution: int = 200, margin: float = 0.3) -> Axes:
    """Colour the plane by ``net.predict`` and scatter the samples X (2, N) by label y (N,)."""
    if X.shape[0] != 2:
        raise ValueError(f"decision regions need 2-D inputs, X of shape (2, N); got {X.shape}")
    ax = _axes(ax, (5, 5))
    lo, hi = X.min(axis=1) - margin, X.max(axis=1) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    regions = net.predict(np.stack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    classes = int(max(y.max(), regions.max())) + 1
    cmap = plt.get_cmap("tab10", 10)
    ax.contourf(g0, g1, regions, levels=np.arange(classes + 1) - 0.5, colors=[cmap(c) for c in
                range(classes)], alpha=0.25)
    for c in range(classes):
        ax.scatter(*X[:, y == c], s=14, color=cmap(c), edgecolor="k", linewidth=0.3,
                   label=f"class {c}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_fit(net, X: np.ndarray, Y: np.ndarray, ax: Axes | None = None) -> Axes:
    """A 1-D regression: samples X (1, N), Y (1, N) and the net's curve over X's range."""
    ax = _axes(ax)
    grid = np.linspace(X.min(), X.max(), 200).reshape(1, -1)
    ax.scatter(X[0], Y[0], s=12, color="0.4", label="data")
    ax.plot(grid[0], net.forward(grid)[0], color="C3", label="network")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return ax


def draw_network(sizes: Sequence[int], layer_names: Sequence[str] | None = None,
                 weight_names: Sequence[str] | None = None,
                 delta_names: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """A layered network diagram.

    Parameters
    ----------
    sizes : units per layer, input first, e.g. [3, 4, 2].
    layer_names : one label per layer, written under it (LaTeX allowed).
    weight_names : one label per weight matrix (len(sizes) - 1), written
        between the layers it connects.
    delta_names : one label per weight layer for the backward pass; drawn as
        red arrows pointing from the output towards the input.
    """
    ax = _axes(ax, (1.8 * len(sizes) + 1, 3.2))
    top = max(sizes)
    pos = [[(i, (n - 1) / 2 - j) for j in range(n)] for i, n in enumerate(sizes)]
    for i in range(len(sizes) - 1):
        for x0, y0 in pos[i]:
            for x1, y1 in pos[i + 1]:
                ax.plot([x0, x1], [y0, y1], color="0.75", lw=0.8, zorder=1)
        if weight_names:
            ax.text(i + 0.5, (top - 1) / 2 + 0.55, weight_names[i], ha="center", fontsize=12)
        if delta_names:
            ax.annotate("", xy=(i + 0.15, -(top - 1) / 2 - 0.9), xytext=(i + 0.85, -(top - 1) / 2 - 0.9),
                        arrowprops=dict(arrowstyle="->", color="C3", lw=1.5))
            ax.text(i + 0.5, -(top - 1) / 2 - 1.25, delta_names[i], ha="center", va="top",
                    color="C3", fontsize=11)
    for i, layer in enumerate(pos):
        ax.scatter(*zip(*layer, strict=True), s=500, color="white", edgecolor="k", zorder=2)
        if layer_names:
            ax.text(i, -(top - 1) / 2 - 0.55, layer_names[i], ha="center", va="top", fontsize=12)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-(top - 1) / 2 - (1.9 if delta_names else 1.2), (top - 1) / 2 + 1.0)
    ax.set_axis_off()
    return ax
