"""The install cell (book/_templates/install_cell.py, tools/install_cell.py) does what it says.

Where bpkit is missing it installs bpkit from the course's repository, as a reader's
downloaded notebook, Binder or Colab would: here from a local clone (git+file://) into a
fresh virtualenv, so that no other host is involved. Where bpkit is installed it does nothing.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import bpkit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import install_cell  # noqa: E402


def write_config(root, repository):
    root.mkdir(parents=True, exist_ok=True)
    (root / "book/_templates").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / install_cell.TEMPLATE, root / install_cell.TEMPLATE)
    (root / "_config.yml").write_text(f"title: t\nrepository:\n{repository}")
    return root


def test_cell_follows_config(tmp_path):
    url = "https://github.com/someone/backprop-course"
    source = install_cell.cell_source(write_config(tmp_path, f"  url: {url}/\n  branch: spring\n"))
    assert f'"git+{url}@spring"' in source
    assert "pip install bpkit" not in source and "import bpkit" in source
    assert max(len(line) for line in source.splitlines()) <= 100
    compile(source, "install_cell", "exec")


def test_cell_without_repository_says_so(tmp_path):
    source = install_cell.cell_source(write_config(tmp_path, '  url: ""\n'))
    assert "git+<set repository.url in _config.yml>@main" in source


@pytest.mark.parametrize("url", ["github.com/x/y", "http://example.org/x", "pip install bpkit"])
def test_bad_repository_url_is_refused(tmp_path, url):
    with pytest.raises(ValueError, match="repository.url must be an https URL"):
        install_cell.cell_source(write_config(tmp_path, f"  url: {url}\n"))


def test_sync_inserts_moves_and_refreshes(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# T\n"]},
                    {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {},
                     "outputs": [], "source": ["import bpkit\n"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    assert install_cell.sync(path, "print(1)") and install_cell.is_current(path, "print(1)")
    cells = json.loads(path.read_text())["cells"]
    assert [c["id"] for c in cells] == ["a", "install-bpkit", "b"]
    assert not install_cell.sync(path, "print(1)")          # nothing to do: file unchanged
    assert not install_cell.is_current(path, "print(2)")
    assert install_cell.sync(path, "print(2)") and install_cell.is_current(path, "print(2)")
    assert len(json.loads(path.read_text())["cells"]) == 3


def package_files(name):
    """Top-level files and folders (packages, .dist-info) of the installed distribution ``name``."""
    dist = metadata.distribution(name)
    tops = {Path(dist.locate_file(f.parts[0])) for f in dist.files or [] if f.parts[0] not in ("..", "bin")}
    return sorted(p for p in tops if p.exists())


def dependency_files(name):
    """Top-level files and folders (packages, .dist-info) of the dependencies of ``name``."""
    todo, seen, out = [name], {name}, set()
    while todo:
        for req in metadata.requires(todo.pop()) or []:
            if ";" in req and "extra ==" in req:
                continue
            dep = re.match(r"[A-Za-z0-9_.-]+", req)[0].lower().replace("_", "-")
            if dep in seen:
                continue
            seen.add(dep)
            todo.append(dep)
            out.update(package_files(dep))
    return sorted(out)


def test_installs_from_the_repository_where_missing_and_is_a_no_op_elsewhere(tmp_path):
    """The cell's exact text, with the URL of a local clone, in a virtualenv without bpkit."""
    repo = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "course"]):
        subprocess.run([*git, *args], cwd=repo, check=True, timeout=60)
    subprocess.run(["git", "clone", "-q", repo.as_uri(), str(tmp_path / "clone")], check=True,
                   timeout=60)                              # book/adapting.md: "Fork and clone"
    assert (tmp_path / "clone/book/_templates/chapter.ipynb").exists()
    write_config(tmp_path / "config", f"  url: {repo.as_uri()}\n  branch: main\n")
    source = install_cell.cell_source(tmp_path / "config")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = str(venv / "bin/python")
    # pip and bpkit's dependencies come from this .venv (linked, so pip finds them installed
    # and fetches nothing, and no pip needs installing); bpkit itself is not among them.
    deps = tmp_path / "deps"
    deps.mkdir()
    for path in dependency_files("bpkit") + package_files("pip"):
        (deps / path.name).symlink_to(path)
    site = subprocess.run([python, "-c", "import site; print(site.getsitepackages()[0])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps.pth").write_text(f"{deps}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    check = ("import bpkit, bpkit.symbolic, bpkit.plot, sys; "
             "print(bpkit.__file__.startswith(sys.prefix), bpkit.symbolic.prove_formula.__name__)")
    missing = subprocess.run([python, "-c", "import bpkit"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "No module named 'bpkit'" in missing.stderr
    first = subprocess.run([python, "-c", source], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=400)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "Successfully installed" in first.stdout and f"bpkit-{bpkit.__version__}" in first.stdout
    done = subprocess.run([python, "-c", check], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["True", "prove_formula"], done.stderr
    again = subprocess.run([python, "-c", source], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""
