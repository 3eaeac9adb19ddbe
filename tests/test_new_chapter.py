"""`make chapter NAME=...`: a chapter from book/_templates/chapter.ipynb, added to _toc.yml.

The end-to-end test runs the command in a temporary copy of the project whose table of
contents holds only a stub introduction, then runs the new chapter under nbval and the house
rules, and builds both editions strictly: the template can never rot.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import new_chapter  # noqa: E402
import test_notebooks  # noqa: E402  (the house rules, applied to the new chapter)

TOC = "format: jb-book\nroot: book/intro\n"


def toc_files(text):
    return [e["file"] for p in yaml.safe_load(text).get("parts", []) for e in p.get("chapters", [])]


@pytest.mark.parametrize("name", ["", "My_lecture", "1st", "my-lecture", "a b", "x" * 70, None, 3])
def test_bad_names_are_refused(name):
    with pytest.raises(ValueError, match="lower case letters"):
        new_chapter.check_name(name)


def test_existing_chapters_are_refused():
    with pytest.raises(ValueError, match="exists already"):
        new_chapter.check_name("first_look")


def test_listed_but_missing_chapter_is_refused(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text(TOC + "parts:\n  - caption: A\n    chapters:\n"
                                       "      - file: book/ghost\n")
    with pytest.raises(ValueError, match="lists book/ghost already"):
        new_chapter.check_name("ghost", tmp_path)


def test_add_to_toc_appends_to_the_part_and_keeps_the_rest():
    text = (ROOT / "_toc.yml").read_text()
    new = new_chapter.add_to_toc(text, "book/my_lecture", "The source documents")
    part = next(p for p in yaml.safe_load(new)["parts"] if p["caption"] == "The source documents")
    assert part["chapters"][-1] == {"file": "book/my_lecture"}
    assert new.replace("      - file: book/my_lecture\n", "") == text


def test_add_to_toc_creates_a_missing_part_before_reference():
    text = (ROOT / "_toc.yml").read_text()
    new = yaml.safe_load(new_chapter.add_to_toc(text, "book/notes", "My lectures"))
    captions = [p["caption"] for p in new["parts"]]
    assert captions[-2:] == ["My lectures", "Reference"]
    assert new["parts"][-2]["chapters"] == [{"file": "book/notes"}]
    assert yaml.safe_load(new_chapter.add_to_toc(TOC, "book/notes", "Mine"))["parts"] == [
        {"caption": "Mine", "numbered": True, "chapters": [{"file": "book/notes"}]}]


def project_copy(dest):
    """The project's files (tracked and new, not ignored) in ``dest``, with this .venv."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def run(args, cwd, timeout=300):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_make_chapter_builds_and_passes_the_house_rules(tmp_path):
    project = project_copy(tmp_path / "course")
    (project / "_toc.yml").write_text(TOC)
    (project / "book/intro.md").write_text("# A course\n\nA stub introduction.\n")
    make = ["make", "--no-print-directory", "-o", ".venv/.installed"]  # -o: .venv is this one's
    out = run([*make, "chapter", "NAME=my_lecture"], project)
    assert "created book/my_lecture.ipynb" in out
    chapter = project / "book/my_lecture.ipynb"
    assert toc_files((project / "_toc.yml").read_text()) == ["book/my_lecture"]
    labels = [line for c in json.loads(chapter.read_text())["cells"] for line in c["source"]
              if line.startswith(":label:")]
    assert labels == [f":label: ex-my-lecture-{i}\n" for i in range(1, 5)]
    for rule in (test_notebooks.test_stripped_and_runnable,
                 test_notebooks.test_asserts_and_defines_no_library_code,
                 test_notebooks.test_chapter_ends_with_summary_and_exercises):
        rule(chapter)
    assert test_notebooks.install_cell_is_first(chapter, project)
    # book/adapting.md, "Rename the notation": rename, then run the chapter under nbval
    text = chapter.read_text()
    chapter.write_text(text.replace("W_O", "V").replace("b_O", "c"))
    run([".venv/bin/python", "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider",
         "book/my_lecture.ipynb", "-o", "filterwarnings=default"], project)
    # "Point the book at your repository": a new URL, written into every notebook
    config = project / "_config.yml"
    config.write_text(config.read_text().replace('url: ""', "url: https://github.com/someone/course"))
    run([*make, "install-cell"], project)
    assert all(test_notebooks.install_cell_is_first(p, project)
               for p in (project / "book").rglob("*.ipynb"))
    assert "git+https://github.com/someone/course@main" in chapter.read_text()
    run([*make, "book-strict"], project)      # instructor edition, strict, executes the chapter
    run([*make, "book-student"], project)     # student edition, strict, from the cache
    instructor = (project / "_build/html/book/my_lecture.html").read_text()
    assert "\\widehat{H}^{T}" in instructor and "\\delta_{O}" in instructor and "W_O" not in instructor
    student = (project / "_build/student/_build/html/book/my_lecture.html").read_text()
    assert instructor.count('<div class="exercise') == student.count('<div class="exercise') == 4
    assert instructor.count('<div class="solution') == 4
    assert '<div class="solution' not in student
