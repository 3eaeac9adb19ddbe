"""bpkit.plot.draw_computation_graph: one box per node, a value above and a
gradient below every wire, and clear errors for bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpkit.plot import draw_computation_graph  # noqa: E402

NODES = {"w": (0, 1, "$w$"), "x": (0, 0, "$x$"), "mul": (1, 0.5, r"$\times$"),
         "sig": (2, 0.5, r"$\sigma$"), "d": (2, -0.5, "$d$"), "L": (3, 0.5, "$L$")}
EDGES = [("w", "mul", 0.5, -0.62), ("x", "mul", 2.0, -0.155), ("mul", "sig", 1.0, -0.31),
         ("sig", "L", 0.731, -1.368), ("d", "L", 1.0, None)]


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def texts(ax, kind):
    return {t.get_gid().split(":", 1)[1]: t.get_text() for t in ax.texts
            if (t.get_gid() or "").startswith(kind + ":")}


def test_draws_every_node_value_and_gradient(ax):
    out = draw_computation_graph(NODES, EDGES, ax=ax, fmt="{:.3f}")
    assert out is ax
    assert texts(ax, "node") == {k: v[2] for k, v in NODES.items()}
    assert len(texts(ax, "wire")) == len(EDGES)
    assert texts(ax, "value") == {"w->mul": "0.500", "x->mul": "2.000", "mul->sig": "1.000",
                                  "sig->L": "0.731", "d->L": "1.000"}
    # no gradient for the target d: one red number fewer than wires
    assert texts(ax, "grad") == {"w->mul": "-0.620", "x->mul": "-0.155", "mul->sig": "-0.310",
                                 "sig->L": "-1.368"}
    assert all(t.get_color() == "C3" for t in ax.texts if (t.get_gid() or "").startswith("grad"))


def test_value_above_and_gradient_below_the_wire(ax):
    draw_computation_graph(NODES, EDGES, ax=ax, at=0.25)
    by_gid = {t.get_gid(): t for t in ax.texts}
    value, grad = by_gid["value:w->mul"], by_gid["grad:w->mul"]
    # both anchored a quarter of the way from w (0, 1) to mul (1, 0.5); offset up and down
    assert np.allclose(value.xy, (0.25, 0.875)) and np.allclose(grad.xy, (0.25, 0.875))
    assert value.get_va() == "bottom" and value.xyann[1] > 0
    assert grad.get_va() == "top" and grad.xyann[1] < 0


def test_new_axes_when_none_given():
    ax = draw_computation_graph(NODES, EDGES)
    assert ax.figure.get_size_inches()[0] <= 10
    plt.close(ax.figure)


@pytest.mark.parametrize("nodes,edges,exc,message", [
    ({}, EDGES, ValueError, r"nodes must not be empty"),
    ([("w", 0, 0)], EDGES, TypeError, r"nodes must be a mapping \{key: \(x, y, label\)\}; got list"),
    ({**NODES, "w": (0, 1)}, EDGES, TypeError, r"node 'w' must be \(x, y, label\)"),
    ({**NODES, "w": (0, 1, 5)}, EDGES, TypeError, r"node 'w' must be \(x, y, label\) with a str"),
    ({**NODES, "w": ("a", 1, "$w$")}, EDGES, TypeError, r"node 'w' needs a numeric position"),
    ({**NODES, "w": (np.nan, 1, "$w$")}, EDGES, ValueError, r"node 'w' needs a finite position"),
    (NODES, "w->mul", TypeError, r"edges must be a sequence"),
    (NODES, [("w", "mul", 0.5)], TypeError, r"each edge must be \(src, dst, value, grad\)"),
    (NODES, [("w", "add", 0.5, 0.1)], ValueError, r"names the unknown node 'add'; known nodes"),
    (NODES, [("v", "mul", 0.5, 0.1)], ValueError, r"names the unknown node 'v'"),
    (NODES, [("w", "w", 0.5, 0.1)], ValueError, r"joins a node to itself"),
    (NODES, [("w", "mul", "0.5", 0.1)], TypeError, r"value on edge 'w' -> 'mul' must be a real"),
    (NODES, [("w", "mul", True, 0.1)], TypeError, r"value on edge 'w' -> 'mul' must be a real"),
    (NODES, [("w", "mul", 0.5, np.inf)], ValueError, r"grad on edge 'w' -> 'mul' must be finite"),
    (NODES, [("w", "mul", np.nan, 0.1)], ValueError, r"value on edge 'w' -> 'mul' must be finite"),
    (NODES, [("w", "mul", None, 0.1)], TypeError, r"value on edge 'w' -> 'mul' must be a real"),
])
def test_rejects_bad_input(ax, nodes, edges, exc, message):
    with pytest.raises(exc, match=message):
        draw_computation_graph(nodes, edges, ax=ax)


@pytest.mark.parametrize("at", [-0.1, 1.5, "0.5", True])
def test_rejects_position_along_the_wire_outside_0_1(ax, at):
    with pytest.raises(ValueError, match=r"at must be a number in \[0, 1\]"):
        draw_computation_graph(NODES, EDGES, ax=ax, at=at)
