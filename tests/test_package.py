"""The shape of the package: no import cycles, small modules, each with its docstring.

bpkit.symbolic mirrors the numeric side module by module and uses the numeric
side only where it compares with it (bpkit.symbolic.agreement), so that a
mistake in bpkit's code cannot leak into the proofs that check it.
"""

import ast
from pathlib import Path

import pytest

import bpkit
import bpkit.symbolic as sym

PACKAGE = Path(bpkit.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """bpkit modules imported by the file at ``path`` (relative imports resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {t for t in found if t == "bpkit" or t.startswith("bpkit.")}


GRAPH = {module_name(p): imports_of(p) for p in MODULES}


def test_the_import_graph_has_no_cycles():
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == "done":
            return
        if state.get(node) == "active":
            raise AssertionError(f"import cycle: {' -> '.join(path + [node])}")
        state[node] = "active"
        for nxt in GRAPH.get(node, ()):
            visit(nxt, path + [node])
        state[node] = "done"

    for start in GRAPH:
        visit(start, [])
    assert len(GRAPH) >= 19  # the walk covered the numeric and the symbolic modules


def test_symbolic_imports_the_numeric_side_only_to_compare():
    users = {m: deps for m, deps in GRAPH.items() if m.startswith("bpkit.symbolic")
             and any(not d.startswith("bpkit.symbolic") for d in deps)}
    assert set(users) == {"bpkit.symbolic.agreement"}
    assert users["bpkit.symbolic.agreement"] - {f"bpkit.symbolic.{m}" for m in
                                                ("activations", "symbols")} == {"bpkit.gradcheck"}


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_modules_are_small_and_say_what_they_hold(path):
    lines = path.read_text().count("\n")
    assert lines <= 400, f"{module_name(path)} has {lines} lines; split it (~400 at most)"
    doc = ast.get_docstring(ast.parse(path.read_text()))
    assert doc and len(doc) > 40, f"{module_name(path)} needs a docstring saying what it holds"


def test_every_public_name_of_symbolic_is_exported():
    assert all(hasattr(sym, name) for name in sym.__all__) and len(sym.__all__) == 34
