"""Every command that README.md, book/intro.md and book/adapting.md show is tested.

Each shell line of their ```bash blocks must match an entry of TESTED, which names the
test that runs it (the test must exist) or is checked here directly.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ["README.md", "book/intro.md", "book/adapting.md"]
CI_RUN = (ROOT / ".ci/run").read_text()

NEW_CHAPTER = "tests/test_new_chapter.py::test_make_chapter_builds_and_passes_the_house_rules"
# command (a regular expression for the whole line) -> where it is run
TESTED = {
    r"make lab": "tests/test_lab.py::test_make_lab_serves_the_notebooks_with_bpkit",
    r"make book": "test_make_book_is_the_strict_build_without_strictness (below); make test",
    r"make test": "CI: .ci/run (test_ci_runs_make_test below)",
    r"make book-student": "make test; " + NEW_CHAPTER,
    r"make pdf": "make test (pdf-check); tests/pdf/test_pdf.py",
    r"make install-cell": NEW_CHAPTER,
    r"make chapter NAME=my_lecture": NEW_CHAPTER,
    r"\.venv/bin/python -m pytest --nbval-lax -p no:cacheprovider book/NAME\.ipynb -o filterwarnings=default":
        NEW_CHAPTER,
    r"git clone https://github\.com/YOUR-NAME/REPO\.git":
        "tests/test_install_cell.py::test_installs_from_the_repository_where_missing_and_is_a_no_op_elsewhere",
    r"cd REPO": "(the clone's folder)",
    r"sudo apt-get install (?P<debs>[a-z0-9. -]+)": "test_tex_packages_are_the_ones_ci_installs (below)",
    r"python3 -m http\.server --directory _build/html 8000":
        "tests/browser/test_serve.py::test_http_server_command_serves_the_book",
}


DRY_RUN = ["make", "-n", "--no-print-directory", "-o", ".venv/.installed"]


def shown_commands():
    out = []
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for block in re.findall(r"^[ \t]*```bash\n(.*?)^[ \t]*```", text, re.M | re.S):
            for line in block.replace("\\\n", " ").splitlines():  # join continued lines
                command = " ".join(re.sub(r"\s+#.*$", "", line).split())
                if command:
                    out.append((doc, command))
    return out


COMMANDS = shown_commands()


def entry(command):
    return next((p for p in TESTED if re.fullmatch(p, command)), None)


def test_the_docs_show_commands():
    assert len(COMMANDS) >= 15
    assert {c for _, c in COMMANDS} >= {"make lab", "make book", "make test", "make pdf",
                                        "make chapter NAME=my_lecture"}


@pytest.mark.parametrize("doc, command", COMMANDS, ids=[f"{d}:{c[:40]}" for d, c in COMMANDS])
def test_every_shown_command_is_tested(doc, command):
    pattern = entry(command)
    assert pattern, f"{doc} shows `{command}`, which no test runs: add a test and list it in TESTED"
    for ref in re.findall(r"(tests/\S+\.py)::(\w+)", TESTED[pattern]):
        path, name = ref
        assert re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M), f"{path}::{name} missing"


@pytest.mark.parametrize("target", ["lab", "book", "book-student", "pdf", "install-cell", "test",
                                    "pdf-check"])
def test_make_targets_exist(target):
    result = subprocess.run([*DRY_RUN, target, "NAME=x"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr


def dry_run(*args):
    return subprocess.run([*DRY_RUN, *args], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=60).stdout


def test_make_book_is_the_strict_build_without_strictness():
    """CI runs `make book-strict`; `make book` must build the same book the same way."""
    book = [line for line in dry_run("book").splitlines() if "jupyter-book build" in line]
    strict = [line for line in dry_run("book-strict").splitlines() if "jupyter-book build" in line]
    assert book == [line.replace(" -W -n --keep-going", "") for line in strict]


def test_make_lab_and_chapter_pass_options_on():
    lab = dry_run("lab", "LAB_ARGS=--port=1234")
    assert "--notebook-dir=book" in lab and "--LabApp.news_url=None" in lab
    assert lab.rstrip().endswith("--port=1234")
    chapter = dry_run("chapter", "NAME=my_lecture", "PART=My lectures")
    assert 'tools/new_chapter.py my_lecture --part "My lectures"' in chapter


def test_ci_runs_make_test():
    assert re.search(r"^make test$", CI_RUN, re.M)
    assert "make test" in (ROOT / "Makefile").read_text()


def test_tex_packages_are_the_ones_ci_installs():
    shown = {c for _, c in COMMANDS if c.startswith("sudo apt-get install")}
    assert shown
    ci = re.search(r'^TEX="(?P<debs>[^"]*)"$', CI_RUN, re.M)
    assert ci and "apt-get install -y --no-install-recommends $TEX" in CI_RUN, \
        ".ci/run does not install the TeX packages"
    for command in shown:
        assert set(command.split()[3:]) == set(ci["debs"].split()), command
