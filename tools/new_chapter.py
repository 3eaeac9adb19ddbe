"""Create a chapter from the template and add it to the table of contents.

    python tools/new_chapter.py NAME [--part CAPTION]      (or: make chapter NAME=...)

copies ``book/_templates/chapter.ipynb`` to ``book/NAME.ipynb``, gives its exercises and its
figure labels of their own (``ex-NAME-1``, ..., ``fig-NAME-loss``; labels must be unique in
the book), refreshes its first code cell from ``_config.yml`` (see tools/install_cell.py), and
appends ``book/NAME`` to the part of ``_toc.yml`` captioned CAPTION ("The source documents"
unless told), creating that part before "Reference" if there is none. NAME: lower case
letters, digits and underscores, starting with a letter, as a Python module name.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import install_cell  # noqa: E402  (tools/ is not a package)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path("book/_templates/chapter.ipynb")
DEFAULT_PART = "The source documents"
NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")


def check_name(name: str, root: Path = ROOT) -> None:
    """Raise ValueError, saying what is expected, unless ``name`` can be a new chapter."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ValueError(f"chapter name must be lower case letters, digits and underscores, "
                         f"starting with a letter (e.g. my_lecture), not {name!r}")
    for suffix in (".ipynb", ".md"):
        if (root / "book" / f"{name}{suffix}").exists():
            raise ValueError(f"book/{name}{suffix} exists already: choose another name")
    if re.search(rf"^\s*-?\s*file:\s*book/{re.escape(name)}\s*$", _toc_text(root), re.M):
        raise ValueError(f"_toc.yml lists book/{name} already")


def _toc_text(root: Path) -> str:
    return (root / "_toc.yml").read_text(encoding="utf-8")


def add_to_toc(text: str, docname: str, part: str) -> str:
    """``_toc.yml``'s text with ``docname`` appended to the part captioned ``part``.

    Edits the text, not the parsed YAML, so comments and layout stay as they are.
    """
    lines = text.splitlines()
    caption = next((i for i, line in enumerate(lines)
                    if re.fullmatch(rf"\s*-\s*caption:\s*['\"]?{re.escape(part)}['\"]?\s*", line)), None)
    if caption is None:
        block = [f"  - caption: {part}", "    numbered: true", "    chapters:",
                 f"      - file: {docname}"]
        if not any(line.startswith("parts:") for line in lines):
            lines += ["parts:"] + block
        else:
            reference = next((i for i, line in enumerate(lines)
                              if re.fullmatch(r"\s*-\s*caption:\s*Reference\s*", line)), len(lines))
            lines[reference:reference] = block
    else:
        indent = len(lines[caption]) - len(lines[caption].lstrip())
        end = next((i for i in range(caption + 1, len(lines))
                    if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent), len(lines))
        files = [i for i in range(caption + 1, end) if re.match(r"\s*-\s*file:", lines[i])]
        if not files:
            raise ValueError(f"_toc.yml: part {part!r} has no chapter to add after")
        last = files[-1]
        entry_indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
        lines.insert(last + 1, f"{entry_indent}- file: {docname}")
    return "\n".join(lines) + "\n"


def new_chapter(name: str, part: str = DEFAULT_PART, root: Path = ROOT) -> Path:
    """Create ``book/<name>.ipynb`` from the template and list it in ``_toc.yml``; its path."""
    check_name(name, root)
    label = name.replace("_", "-")
    text = (root / TEMPLATE).read_text(encoding="utf-8")
    text = text.replace("ex-template-", f"ex-{label}-").replace("fig-template-", f"fig-{label}-")
    path = root / "book" / f"{name}.ipynb"
    toc = add_to_toc(_toc_text(root), f"book/{name}", part)
    toc_files = [e["file"] for p in yaml.safe_load(toc)["parts"] for e in p.get("chapters", [])]
    if f"book/{name}" not in toc_files:  # our own edit, checked before anything is written
        raise RuntimeError(f"could not add book/{name} to _toc.yml; add it by hand")
    path.write_text(text, encoding="utf-8")
    install_cell.sync(path, install_cell.cell_source(root))
    (root / "_toc.yml").write_text(toc, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="", help="e.g. my_lecture")
    parser.add_argument("--part", default=DEFAULT_PART, help=f"caption in _toc.yml ({DEFAULT_PART!r})")
    args = parser.parse_args(argv)
    if not args.name:
        print("usage: make chapter NAME=my_lecture  (lower case letters, digits, underscores)",
              file=sys.stderr)
        return 2
    try:
        path = new_chapter(args.name, args.part)
    except ValueError as err:
        print(f"make chapter: {err}", file=sys.stderr)
        return 2
    print(f"created {path.relative_to(ROOT)} and added it to _toc.yml ({args.part!r}).")
    print(f"Edit it in `make lab`, then run `make test`; the page: _build/html/book/{args.name}.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
