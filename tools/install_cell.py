"""The first code cell of every notebook: install bpkit where it is missing.

A notebook launched on Binder or Colab, or downloaded from the book, runs where bpkit
may not be installed. Its first code cell then installs bpkit from the course's own
repository (``pip install "git+<repository.url>@<repository.branch>"``, never from PyPI,
where another package has the name). Where bpkit is importable (a clone with `make lab`,
the book's build, nbval) the cell does nothing.

The cell's text is ``book/_templates/install_cell.py`` with ``{url}`` and ``{branch}``
filled in from ``_config.yml``. Usage, from the repository's root::

    python tools/install_cell.py            # write or refresh the cell in every notebook
    python tools/install_cell.py --check    # exit 1 if a notebook's cell is missing or stale

`make install-cell` runs the first; tests/test_notebooks.py checks every notebook.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path("book/_templates/install_cell.py")
TAGS = ["hide-input", "install-bpkit"]  # folded on the page; the second tag finds the cell
# The label of the folded cell on the page (myst-nb's cell-level settings).
PROMPTS = {"code_prompt_show": "Show the cell that installs bpkit where it is missing",
           "code_prompt_hide": "Hide the cell that installs bpkit"}
METADATA = {"mystnb": PROMPTS, "tags": TAGS}
NO_URL = "<set repository.url in _config.yml>"


def cell_source(root: Path = ROOT) -> str:
    """The install cell's text for the project at ``root``, from its template and _config.yml.

    Raises
    ------
    ValueError
        If _config.yml's ``repository.url`` is not an https or git URL.
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    repository = config.get("repository") or {}
    url = (repository.get("url") or "").strip().rstrip("/")
    branch = (repository.get("branch") or "main").strip()
    if url and not url.startswith(("https://", "git@", "ssh://", "file://")):
        raise ValueError(f"_config.yml: repository.url must be an https URL (or empty), not {url!r}")
    template = (root / TEMPLATE).read_text(encoding="utf-8")
    return template.format(url=url or NO_URL, branch=branch).rstrip("\n")


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook under book/ (chapters and the chapter template), sorted."""
    return sorted(p for p in (root / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def install_cell(nb: dict) -> dict | None:
    """The notebook's install cell (a code cell tagged ``install-bpkit``), or None."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "install-bpkit" in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def sync(path: Path, source: str) -> bool:
    """Make the first code cell of the notebook at ``path`` the install cell; True if it changed.

    An existing install cell is updated and moved in front of the first other code cell;
    a missing one is inserted there. Everything else in the file stays as it is.
    """
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    cells = [c for c in nb["cells"] if c is not install_cell(nb)]
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), len(cells))
    new = {"cell_type": "code", "execution_count": None, "id": "install-bpkit",
           "metadata": json.loads(json.dumps(METADATA)), "outputs": [],
           "source": source.splitlines(keepends=True)}
    if (nb["nbformat"], nb["nbformat_minor"]) < (4, 5):  # cell ids came with nbformat 4.5
        del new["id"]
    nb["cells"] = cells[:first_code] + [new] + cells[first_code:]
    out = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"  # as nbformat
    if out == text:
        return False
    path.write_text(out, encoding="utf-8")
    return True


def is_current(path: Path, source: str) -> bool:
    """True if the notebook's first code cell is the install cell with exactly ``source``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next((c for c in nb["cells"] if c["cell_type"] == "code"), None)
    return (first is not None and first is install_cell(nb)
            and "".join(first["source"]) == source and first["metadata"] == METADATA)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing or stale cells")
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all under book/)")
    args = parser.parse_args(argv)
    source = cell_source()
    paths = args.paths or notebooks()
    if args.check:
        stale = [str(p) for p in paths if not is_current(p, source)]
        for p in stale:
            print(f"{p}: install cell missing or stale; run `make install-cell`", file=sys.stderr)
        return 1 if stale else 0
    for path in paths:
        if sync(path, source):
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: install cell written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
