"""The book as PDF, both editions, as `make pdf` builds them (run by `make pdf-check`).

  instructor edition  _build/latex/book.pdf
  student edition     _build/student/_build/latex/book.pdf
Read with Debian's poppler-utils (pdfinfo, pdftotext, pdfimages); TeX's own log is
checked for errors. Without a built PDF the tests are skipped, except under CI=true.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from book_pages import TOC, markdown_of, source_of, toc_docnames

ROOT = Path(__file__).resolve().parents[2]
PDFS = {"instructor": ROOT / "_build/latex/book.pdf",
        "student": ROOT / "_build/student/_build/latex/book.pdf"}
IN_CI = os.environ.get("CI", "").lower() == "true"
SOLUTION_RE = re.compile(r"^:::\{solution\} (ex-\S+)\n(?::class: \w+\n)?(.*?)^:::$", re.M | re.S)
# a coding exercise's reference solution spans cells: solution-start ... solution-end
GATED_RE = re.compile(r"^:::\{solution-start\} (ex-\S+)$", re.M)


def toc_files():
    return [source_of(name) for name in toc_docnames()]


def run(*args):
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} not found: install Debian's poppler-utils")
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def built(edition):
    pdf = PDFS[edition]
    if not pdf.exists():
        message = f"{pdf} is not built: run `make pdf`"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return pdf


def flat(text):
    """PDF text on one line: hyphenation at line ends undone, whitespace collapsed."""
    return " ".join(re.sub(r"-\n", "", text).split())


def pages(pdf):
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M)[1])


def solution_snippets():
    """Six plain words from each solution (no math, no markup) found nowhere else in the book."""
    texts = {stem: markdown_of(stem) for stem in toc_files()}
    outside = " ".join(" ".join(SOLUTION_RE.sub(" ", t).split()) for t in texts.values())
    snippets = []
    for text in texts.values():
        for label, body in SOLUTION_RE.findall(text):
            prose = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\{[^}]*\}", "|", body, flags=re.S)
            runs = [r.split() for r in re.split(r"[^A-Za-z ']+", " ".join(prose.split()))]
            windows = [" ".join(r[i:i + 6]) for r in sorted(runs, key=len, reverse=True)
                       for i in range(len(r) - 5)]
            unique = [w for w in windows if w not in outside]
            if unique:
                snippets.append((label, unique[0]))
    return snippets


def title_pattern(title):
    """A chapter title as a regex over the PDF's text: its math may come out in any form."""
    words = [re.escape(flat(part)) for part in re.split(r"\$[^$]*\$", title)]
    return ".{0,40}?".join(w for w in words if w)


@pytest.mark.parametrize("edition", PDFS)
def test_latex_ran_clean(edition):
    """No TeX error, no missing glyph, no unresolved reference in the final run."""
    log = built(edition).with_suffix(".log").read_text(errors="replace")
    assert not re.findall(r"^! .*", log, re.M), "LaTeX errors"
    assert "Missing character" not in log, "a character has no glyph in the chosen font"
    assert "There were undefined references" not in log
    assert not re.search(r"Reference `[^']*' on page \d+ undefined", log)


@pytest.mark.parametrize("edition", PDFS)
def test_whole_book_is_there(edition):
    """Every part and every page of _toc.yml, each figure, and the exercises."""
    pdf = built(edition)
    text = flat(run("pdftotext", str(pdf), "-"))
    assert pages(pdf) >= 12 * len(toc_files()) // 2, "fewer pages than the book should fill"
    for part in TOC["parts"]:
        assert part["caption"] in text, f"part {part['caption']!r} missing"
    for stem in toc_files()[1:]:
        title = re.search(r"^# (.+)$", markdown_of(stem), re.M)[1]
        title = re.sub(r"`([^`]*)`", r"\1", title)
        assert re.search(title_pattern(title), text), f"{stem.name}: chapter {title!r} missing"
    figures = sorted((pdf.parent).glob("*.png"))
    embedded = [line for line in run("pdfimages", "-list", str(pdf)).splitlines()[2:]
                if line.split()[2] == "image"]
    assert len(figures) >= 5 and len(embedded) == len(figures), "figures missing from the PDF"
    exercises = sum(len(re.findall(r"^:::\{exercise\}", markdown_of(s), re.M)) for s in toc_files())
    assert len(re.findall(r"\bExercise \d+\.\d+\.\d+ ", text)) >= exercises


def test_solutions_in_instructor_pdf_only():
    instructor = flat(run("pdftotext", str(built("instructor")), "-"))
    student = flat(run("pdftotext", str(built("student")), "-"))
    solutions = sum(len(SOLUTION_RE.findall(markdown_of(stem))) + len(GATED_RE.findall(
        markdown_of(stem))) for stem in toc_files())
    snippets = solution_snippets()
    assert len(snippets) >= 8
    assert instructor.count("Solution to Exercise") == solutions
    assert "Solution to Exercise" not in student
    found = [(label, s) for label, s in snippets if s in instructor]
    assert len(found) >= len(snippets) // 2, "too few solutions can be found in the PDF's text"
    leaks = [label for label, s in found if s in student]
    assert not leaks, f"solutions in the student PDF: {leaks}"
    assert pages(built("student")) < pages(built("instructor"))
