"""House rules for the notebooks under book/, checked without running them.

nbval runs them (make nbval); these tests check what running cannot: that
the repository keeps them stripped, that they assert what they claim, that
they define no library code, and that every chapter of a source document ends
with a Summary and at least three exercises with solutions.

The one exception to "no library code": a coding exercise's stub (a code cell
tagged ``exercise``) and its reference solution (tagged ``solution``, inside a
gated ``solution-start`` ... ``solution-end``) each define the student's one
function, which ``bpkit.exercises.check_exercise`` then checks.
"""

import ast
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "book").glob("*.ipynb"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [ROOT / f"{entry['file']}.ipynb" for part in TOC["parts"]
            if part["caption"] == "The source documents" for entry in part["chapters"]]
TEMPLATE = ROOT / "book/_templates/chapter.ipynb"  # `make chapter` copies it; not in the book
sys.path.insert(0, str(ROOT / "tools"))
import install_cell  # noqa: E402


def cells(path, kind):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind], nb


def test_there_are_notebooks_and_chapters():
    assert len(NOTEBOOKS) >= 5 and len(CHAPTERS) >= 3
    assert all(p in NOTEBOOKS for p in CHAPTERS)


def install_cell_is_first(path, root=ROOT):
    """The notebook's first code cell is book/_templates/install_cell.py, filled from _config.yml."""
    return install_cell.is_current(path, install_cell.cell_source(root))


@pytest.mark.parametrize("path", [*NOTEBOOKS, TEMPLATE], ids=lambda p: p.name)
def test_first_code_cell_installs_bpkit_where_missing(path):
    assert install_cell_is_first(path), \
        f"{path.name}: first code cell is not the install cell; run `make install-cell`"


@pytest.mark.parametrize("path", [*NOTEBOOKS, TEMPLATE], ids=lambda p: p.name)
def test_stripped_and_runnable(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, \
                f"{path.name}: outputs are stored; strip them"


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", [*NOTEBOOKS, TEMPLATE], ids=lambda p: p.name)
def test_asserts_and_defines_no_library_code(path):
    code, nb = cells(path, "code")
    trees = [ast.parse(src) for src in code]
    nodes = [n for t in trees for n in ast.walk(t)]
    assert any(isinstance(n, ast.Assert) for n in nodes), f"{path.name} asserts nothing"
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell, tree in zip(code_cells, trees, strict=True):
        defined = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        if tags(cell) & {"exercise", "solution"}:
            top = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
            assert len(defined) == 1 and len(top) == 1, \
                f"{path.name}: an exercise or solution cell defines one function; got {defined}"
        else:
            assert not defined, f"{path.name} defines {defined}; library code belongs in bpkit"
    imports = [n.module for n in nodes if isinstance(n, ast.ImportFrom)]
    assert any(m and m.startswith("bpkit") for m in imports), f"{path.name} does not use bpkit"
    source = "\n".join(code)
    assert not re.search(r"default_rng\(\s*\)", source), f"{path.name}: unseeded generator"
    assert not re.search(r"np\.random\.(seed|rand|randn|normal|uniform)\(", source), \
        f"{path.name}: use a seeded np.random.default_rng(seed)"
    assert "filterwarnings" not in source


@pytest.mark.parametrize("path", [*CHAPTERS, TEMPLATE], ids=lambda p: p.name)
def test_chapter_ends_with_summary_and_exercises(path):
    markdown, _ = cells(path, "markdown")
    text = "\n".join(markdown)
    assert re.search(r"source document:?\s+`\d{3}_[0-9a-f]{16}\.txt`", markdown[0], re.I), \
        f"{path.name} must name its source document in its first cell"
    assert "## Summary" in text and "## Exercises" in text
    exercises = re.findall(r"^:::\{exercise\}\n:label: (ex-\S+)", text, re.M)
    solutions = re.findall(r"^:::\{solution(?:-start)?\} (ex-\S+)", text, re.M)
    assert len(exercises) >= 3 and sorted(exercises) == sorted(solutions)
    assert text.index("## Summary") < text.index("## Exercises")


@pytest.mark.parametrize("path", [*CHAPTERS, ROOT / "book/l_layers.ipynb"], ids=lambda p: p.name)
def test_coding_exercises_check_themselves(path):
    """At least two coding exercises: stub, check, gated reference solution that passes the check."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    seq = [(c["cell_type"], tags(c), "".join(c["source"])) for c in nb["cells"]]
    stubs = [i for i, (_, t, _) in enumerate(seq) if "exercise" in t]
    assert len(stubs) >= 2, f"{path.name} has fewer than two coding exercises"
    for i in stubs:
        label = re.search(r"^:label: (ex-\S+)", seq[i - 1][2], re.M)
        assert seq[i - 1][0] == "markdown" and label, f"{path.name}: a stub follows its exercise"
        name = re.search(r"^def (\w+)\(", seq[i][2], re.M)[1]
        assert "raise NotImplementedError" in seq[i][2]
        check = re.search(rf'^check_exercise\("([\w-]+)", {name}\)$', seq[i + 1][2], re.M)
        assert check, f"{path.name}: the cell after the stub of {name} checks it"
        start, solution, end = seq[i + 2], seq[i + 3], seq[i + 4]
        assert start[2].startswith(f":::{{solution-start}} {label[1]}\n:class: dropdown\n:::\n")
        assert "solution" in solution[1] and re.search(rf"^def {name}\(", solution[2], re.M)
        assert solution[2].rstrip().endswith(f'assert check_exercise("{check[1]}", {name}).passed')
        assert end[2] == ":::{solution-end}\n:::"
        for cell, width in ((seq[i], 76), (seq[i + 1], 76), (solution, 72)):  # no sideways scroll
            assert max(map(len, cell[2].splitlines())) <= width, f"{path.name}: a line over {width}"
