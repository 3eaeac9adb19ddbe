"""Figures for the chapters: network diagrams, computation graphs, loss curves, decision regions.

Every function draws on a Matplotlib Axes (a new one if ``ax`` is None) and
returns it, so a chapter can combine them and add its own labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def draw_computation_graph(
    nodes: Mapping[str, tuple[float, float, str]],
    edges: Sequence[tuple[str, str, float, float | None]],
    ax: Axes | None = None,
    fmt: str = "{:.4g}",
    at: float = 0.5,
) -> Axes:
    r"""A computation graph with numbers on its wires, as one checks it by hand.

    Each wire carries one forward value, written above it (black), and the
    gradient of the loss with respect to that value, written below it (red):
    for a wire carrying :math:`u`, the red number is :math:`\partial L / \partial u`.
    Chapter "Computation graphs and the minibatch form" draws logistic
    regression :math:`v = wx + b,\ y = \sigma(v),\ \mathcal{L}(y, d)` this way.

    Parameters
    ----------
    nodes : {key: (x, y, label)}: a node's position in data coordinates and
        the text drawn in its box (LaTeX allowed, e.g. ``r"$\sigma$"``).
    edges : [(src, dst, value, grad)]: a wire from node ``src`` to node
        ``dst`` with the forward value and the gradient (floats); ``grad``
        None writes no gradient (e.g. for a target the loss is not
        differentiated against).
    fmt : format of the numbers, e.g. ``"{:.3f}"``.
    at : where along each wire the numbers sit, from 0 (source) to 1 (target);
        below 0.5 separates the numbers of wires that meet at one node.

    Returns
    -------
    The Axes. Every text carries a gid for tests: ``"node:<key>"``,
    ``"value:<src>-><dst>"``, ``"grad:<src>-><dst>"``.

    Raises
    ------
    TypeError : nodes or edges of the wrong kind, or a non-numeric value or position.
    ValueError : no nodes, an edge naming an unknown node or joining a node
        to itself, a non-finite number or position, or ``at`` outside [0, 1].
    """
    if not isinstance(nodes, Mapping):
        raise TypeError(f"nodes must be a mapping {{key: (x, y, label)}}; got {type(nodes).__name__}")
    if not nodes:
        raise ValueError("nodes must not be empty; got {}")
    if isinstance(at, bool) or not isinstance(at, int | float) or not 0.0 <= at <= 1.0:
        raise ValueError(f"at must be a number in [0, 1] (0 = source, 1 = target); got {at!r}")
    pos: dict[str, tuple[float, float]] = {}
    for key, spec in nodes.items():
        if not isinstance(spec, tuple | list) or len(spec) != 3 or not isinstance(spec[2], str):
            raise TypeError(f"node {key!r} must be (x, y, label) with a str label; got {spec!r}")
        try:
            xy = (float(spec[0]), float(spec[1]))
        except (TypeError, ValueError) as err:
            raise TypeError(f"node {key!r} needs a numeric position (x, y); got {spec[:2]!r}") from err
        if not all(np.isfinite(xy)):
            raise ValueError(f"node {key!r} needs a finite position; got {xy}")
        pos[key] = xy
    if isinstance(edges, str | bytes) or not isinstance(edges, Sequence):
        raise TypeError(f"edges must be a sequence of (src, dst, value, grad); got {type(edges).__name__}")
    checked = []
    for edge in edges:
        if not isinstance(edge, tuple | list) or len(edge) != 4:
            raise TypeError(f"each edge must be (src, dst, value, grad); got {edge!r}")
        src, dst, value, grad = edge
        for end in (src, dst):
            if end not in pos:
                raise ValueError(f"edge {src!r} -> {dst!r} names the unknown node {end!r}; "
                                 f"known nodes: {sorted(pos)}")
        if src == dst:
            raise ValueError(f"edge {src!r} -> {dst!r} joins a node to itself")
        numbers = []
        for what, num in (("value", value), ("grad", grad)):
            if num is None and what == "grad":
                numbers.append(None)
                continue
            if isinstance(num, bool) or not isinstance(num, int | float | np.integer | np.floating):
                raise TypeError(f"the {what} on edge {src!r} -> {dst!r} must be a real number; "
                                f"got {num!r}")
            if not np.isfinite(num):
                raise ValueError(f"the {what} on edge {src!r} -> {dst!r} must be finite; got {num}")
            numbers.append(float(num))
        checked.append((src, dst, *numbers))

    xs, ys = zip(*pos.values(), strict=True)
    ax = _axes(ax, (min(10.0, 1.3 * (max(xs) - min(xs)) + 2), 1.1 * (max(ys) - min(ys)) + 1.5))
    box = dict(boxstyle="round,pad=0.35", facecolor="white", edgecolor="k")
    for key, (x, y) in pos.items():
        ax.text(x, y, nodes[key][2], ha="center", va="center", fontsize=11, bbox=box, zorder=3,
                gid=f"node:{key}")
    for src, dst, value, grad in checked:
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.1,
                                    shrinkA=14, shrinkB=14)).set_gid(f"wire:{src}->{dst}")
        mx, my = x0 + at * (x1 - x0), y0 + at * (y1 - y0)
        ax.annotate(fmt.format(value), (mx, my), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9, zorder=2, gid=f"value:{src}->{dst}")
        if grad is not None:
            ax.annotate(fmt.format(grad), (mx, my), xytext=(0, -3), textcoords="offset points",
                        ha="center", va="top", fontsize=9, color="C3", zorder=2,
                        gid=f"grad:{src}->{dst}")
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_axis_off()
    return ax
