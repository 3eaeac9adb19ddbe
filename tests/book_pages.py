"""The book's pages as the tests read them: _toc.yml in reading order, each page's markdown.

Shared by the house-rule, display, PDF and browser tests (tests/conftest.py puts this
folder on the import path of every test below it).
"""

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def toc_docnames() -> list[str]:
    """Every page of _toc.yml, root first, in reading order ("book/intro", ...)."""
    names = [TOC["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key))

    walk([TOC])
    return [n.removesuffix(".md").removesuffix(".ipynb") for n in names]


def source_of(docname: str) -> Path:
    """The .ipynb or .md file of a page of _toc.yml."""
    for suffix in (".ipynb", ".md"):
        if (ROOT / (docname + suffix)).exists():
            return ROOT / (docname + suffix)
    raise FileNotFoundError(f"{docname} from _toc.yml has no .ipynb or .md source")


def markdown_of(path: Path) -> str:
    """A page's markdown: the file itself, or a notebook's markdown cells joined."""
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
