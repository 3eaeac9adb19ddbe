"""Local Sphinx extension: the book's two editions and its optional launch buttons.

- ``BOOK_EDITION=student`` in the environment (``make book-student``) turns on
  sphinx-exercise's ``hide_solutions`` and, after the build, removes solution
  directives from the downloadable sources in ``_sources`` (.ipynb, .md), which
  Sphinx copies verbatim and would otherwise hand the solutions to students.
  ``hide_solutions`` drops a gated solution's ``solution-start`` but keeps what
  follows it (the reference solution's code cells); ``_GatedSolutionStart`` and
  ``_drop_hidden_gates`` remove everything up to its ``solution-end``.
- Every page carries ``<meta name="book-edition">`` so tests can tell the editions apart,
  and a banner at the top (the theme's ``announcement``) tells the reader which edition
  this is (``BANNERS``); the instructor's says how to build the student edition.
- The edition is also a Sphinx tag, so a page can say something to one edition only with
  ``{only} instructor`` (or ``student``); the student edition's sources lose those blocks too.
- Each inline script is included once (see ``_page_context``).
- In the PDF (LaTeX builder) the source of code cells folded on the page (``hide-input``,
  ``hide-cell``) is left out: paper cannot unfold it, and the page reads as the derivation
  without it. The downloaded notebooks keep every cell.
- Launch buttons (Binder, Colab) need ``repository: url:``; sphinx-book-theme
  crashes on notebook pages when they are configured without it, so they are
  dropped while the URL is unset.
"""

import json
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node

EDITIONS = ("instructor", "student")
BANNERS = {
    "instructor": "Instructor edition: every exercise has its solution folded below it. "
                  "<code>make book-student</code> builds the student edition, without them.",
    "student": "Student edition: the exercises are for you to work out.",
}
_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*\{(?P<name>solution(?:-start|-end)?)\}")
_ONLY_INSTRUCTOR = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*\{only\}\s+instructor\s*$")


def strip_solutions(lines, in_gate=False):
    """Drop solution directives (fenced, and gated start..end) and ``{only} instructor``
    blocks from Markdown lines.

    Returns (kept_lines, in_gate) so a gated solution can span notebook cells.
    """
    kept, close = [], None
    for line in lines:
        if close is not None:  # inside a fenced solution directive
            if close.match(line):
                close = None
            continue
        m = _OPEN.match(line) or _ONLY_INSTRUCTOR.match(line)
        if m:
            fence, name = m["fence"], m.groupdict().get("name")
            close = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            in_gate = {"solution-start": True, "solution-end": False}.get(name, in_gate)
            continue
        if not in_gate:
            kept.append(line)
    return kept, in_gate


def _strip_file(path):
    text = path.read_text(encoding="utf-8")
    if "{solution" not in text and "{only}" not in text:
        return
    if path.suffix == ".ipynb":
        nb, cells, in_gate = json.loads(text), [], False
        for cell in nb["cells"]:
            src = cell["source"]
            src = src.splitlines(keepends=True) if isinstance(src, str) else src
            if cell["cell_type"] == "markdown":
                had_text = "".join(src).strip()
                src, in_gate = strip_solutions(src, in_gate)
                if had_text and not "".join(src).strip():  # all of it was solution: drop it
                    continue
            elif in_gate:
                continue
            cells.append({**cell, "source": src})
        nb["cells"] = cells
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        kept, _ = strip_solutions(text.splitlines(keepends=True))
        path.write_text("".join(kept), encoding="utf-8")


def _config_inited(app, config):
    edition = os.environ.get("BOOK_EDITION", "instructor")
    if edition not in EDITIONS:
        raise ValueError(f"BOOK_EDITION must be one of {EDITIONS}, not {edition!r}")
    config.book_edition = edition
    app.tags.add(edition)
    if edition == "student":
        config.hide_solutions = True
    theme = config.html_theme_options
    theme["announcement"] = BANNERS[edition]
    if not theme.get("repository_url"):
        theme.pop("launch_buttons", None)


def _page_context(app, pagename, templatename, context, doctree):
    # sphinx-thebe adds its inline config script once per reading pass; the copy is
    # a "const ... already declared" SyntaxError in every reader's console.
    # The copies differ only in filename None vs "", so compare what gets rendered.
    seen, scripts = set(), []
    for js in context.get("script_files", []):
        attrs = getattr(js, "attributes", {})
        key = (getattr(js, "filename", js) or "", tuple(sorted(attrs.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(js)
    context["script_files"] = scripts
    meta = f'<meta name="book-edition" content="{app.config.book_edition}" />\n'
    context["metatags"] = context.get("metatags", "") + meta


def _drop_folded_code(app, doctree, docname):
    if app.builder.format != "latex":
        return
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("hide_mode") in ("input", "input+output", "all"):
            for child in list(cell.children):
                if child.get("nb_element") == "cell_code_source":
                    cell.remove(child)


def _build_finished(app, exc):
    if exc is None and app.config.hide_solutions and app.builder.format == "html":
        for path in Path(app.outdir, "_sources").rglob("*"):
            if path.suffix in (".ipynb", ".md", ".txt"):
                _strip_file(path)


class _hidden_gate(nodes.Element):
    """Where a gated solution started in the student edition; removed before writing."""


class _GatedSolutionStart(SolutionStartDirective):
    """``solution-start`` that leaves a marker when solutions are hidden (the student edition)."""

    def run(self):
        built = super().run()  # registers the gate; [] when hide_solutions is on
        return built if not self.config.hide_solutions else [_hidden_gate()]


class _drop_hidden_gates(SphinxTransform):
    """Remove each hidden gate with every node up to and including its solution-end."""

    default_priority = 5  # before sphinx-exercise merges the gates it can see (10)

    def apply(self):
        for marker in list(self.document.findall(_hidden_gate)):
            parent = marker.parent
            start = parent.index(marker)
            ends = [i for i, n in enumerate(parent.children) if i > start
                    and isinstance(n, solution_end_node)]
            if not ends:
                raise ValueError(f"{self.env.docname}: a solution-start without its solution-end")
            for node in parent.children[start:ends[0] + 1]:
                parent.remove(node)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_directive("solution-start", _GatedSolutionStart, override=True)
    app.add_transform(_drop_hidden_gates)
    app.add_config_value("book_edition", "instructor", "env")
    app.connect("config-inited", _config_inited, priority=400)
    app.connect("html-page-context", _page_context)
    app.connect("doctree-resolved", _drop_folded_code)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
