"""House rules for what a reader sees of the notebooks, checked without running them.

- Every code cell that shows a figure (calls ``plt.show()`` or a ``bpkit.plot``
  function) carries myst-nb cell metadata that gives the figure a caption, a name
  (so Sphinx numbers it "Fig. N" and ``{numref}`` can cite it) and alt text:

      "mystnb": {"figure": {"caption": "...", "name": "fig-000-loss"},
                 "image": {"alt": "..."}}

  and folds its plotting code (tag ``hide-input`` or ``remove-input``); its figsize is
  at most 10 wide.
- Code lines that the page shows unfolded fit the text column: at most
  ``CODE_COLUMNS`` characters. Measured in the built book at 1366 x 900 (Chromium,
  sphinx-book-theme): a code block is 723 px wide inside its padding and the code font
  is 8.82 px per character, so 82 characters fit. Folded cells scroll when unfolded.
  The browser test checks printed output against the same column (tests/browser).
"""

import ast
import inspect
import json
import re
from pathlib import Path

import pytest

import bpkit.plot

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
TEMPLATE = ROOT / "book/_templates/chapter.ipynb"  # `make chapter` copies it (fig-template-...)
CODE_COLUMNS = 82
FOLDED = {"hide-input", "remove-input", "hide-cell", "remove-cell"}
PLOT_FUNCTIONS = {name for name, f in inspect.getmembers(bpkit.plot, inspect.isfunction)
                  if not name.startswith("_") and f.__module__ == bpkit.plot.__name__}
NAME_RE = re.compile(r"^fig-[a-z0-9]+(-[a-z0-9]+)+$")


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def shows_figure(source):
    """True if the cell calls plt.show() or a function of bpkit.plot."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr == "show" and \
                isinstance(f.value, ast.Name) and f.value.id == "plt":
            return True
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if name in PLOT_FUNCTIONS:
            return True
    return False


def figure_cells(path):
    return [c for c in code_cells(path) if shows_figure("".join(c["source"]))]


def test_plot_functions_are_known():
    assert {"plot_loss", "plot_fit", "draw_network", "plot_decision_regions"} <= PLOT_FUNCTIONS


def test_shows_figure():
    assert shows_figure("fig, ax = plt.subplots()\nax.plot([1, 2])\nplt.show()")
    assert shows_figure("draw_network([2, 3, 1])")
    assert shows_figure("bpkit.plot.plot_loss(history)")
    assert not shows_figure("import matplotlib.pyplot as plt\nfrom bpkit.plot import plot_loss")
    assert not shows_figure("print(show)\nx.show_all()")


def test_the_book_has_figures():
    assert sum(len(figure_cells(p)) for p in NOTEBOOKS) >= 20


@pytest.mark.parametrize("path", [*NOTEBOOKS, TEMPLATE], ids=lambda p: p.name)
def test_every_figure_has_caption_name_and_alt_text(path):
    for cell in figure_cells(path):
        source = "".join(cell["source"])
        where = f"{path.name}, figure cell starting {source.splitlines()[0]!r}"
        mystnb = cell["metadata"].get("mystnb", {})
        figure, image = mystnb.get("figure", {}), mystnb.get("image", {})
        caption, alt = figure.get("caption", ""), image.get("alt", "")
        assert len(caption.split()) >= 6, f"{where}: no caption (mystnb.figure.caption)"
        assert NAME_RE.match(figure.get("name", "")), \
            f"{where}: mystnb.figure.name must look like fig-000-loss, not {figure.get('name')!r}"
        assert len(alt.split()) >= 12, \
            f"{where}: mystnb.image.alt must describe what the figure shows (12 words or more)"
        assert alt.strip() != caption.strip(), f"{where}: alt text repeats the caption"
        assert FOLDED & set(cell["metadata"].get("tags", [])), \
            f"{where}: plotting code is not folded (tag hide-input)"
        sizes = re.findall(r"figsize=\(\s*([0-9.]+)\s*,", source)
        assert all(float(w) <= 10 for w in sizes), f"{where}: figsize wider than 10: {sizes}"
        outputs = source.count("plt.show()")
        assert outputs <= 1, f"{where}: one figure per cell, else two figures get one name"


def test_figure_names_are_unique():
    names = [c["metadata"]["mystnb"]["figure"]["name"] for p in NOTEBOOKS
             for c in figure_cells(p) if "figure" in c["metadata"].get("mystnb", {})]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_unfolded_code_lines_fit_the_column(path):
    long = []
    for cell in code_cells(path):
        if FOLDED & set(cell["metadata"].get("tags", [])):
            continue
        long += [line for line in "".join(cell["source"]).splitlines() if len(line) > CODE_COLUMNS]
    assert not long, f"{path.name}: lines over {CODE_COLUMNS} characters:\n" + "\n".join(long)
