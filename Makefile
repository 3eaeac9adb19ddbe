# Two commands do everything: `make book` and `make test`.
# Each creates .venv if missing and installs requirements.txt into it.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBCACHE := _build/.jupyter_cache
STUDENT := _build/student
LAB_ARGS ?=
# As root JupyterLab wants --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: book book-student lab pdf chapter install-cell test lint pytest nbval book-strict pdf-check \
	browser clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# Instructor edition (solutions folded). Emptying the cache makes it run every notebook.
book: $(STAMP)
	rm -rf $(NBCACHE)
	$(BIN)/jupyter-book build . --all
	@echo "Open $(CURDIR)/_build/html/index.html in a browser."

# Student edition: solutions removed; reuses the notebook outputs of the last `make book`.
book-student: $(STAMP)
	BOOK_EDITION=student $(BIN)/jupyter-book build . --all --path-output $(STUDENT) -W -n --keep-going
	@echo "Open $(CURDIR)/$(STUDENT)/_build/html/index.html in a browser."

# JupyterLab on the book's notebooks, from .venv (bpkit importable); no news feed, no update check.
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=book --LabApp.news_url=None \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate $(ROOT_FLAG) $(LAB_ARGS)

# Both editions as one PDF each (Jupyter Book's LaTeX builder, xelatex; Debian packages: .ci/run).
# Reuses the notebook outputs of the last build (jupyter-cache) and executes only what changed.
pdf: $(STAMP)
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null || \
	  { echo "make pdf needs xelatex and latexmk: install the TeX packages .ci/run names"; exit 1; }
	rm -rf _build/latex $(STUDENT)/_build/latex  # no figure of an older build left beside the PDF
	$(BIN)/jupyter-book build . --builder pdflatex -W -n --keep-going
	BOOK_EDITION=student $(BIN)/jupyter-book build . --builder pdflatex --path-output $(STUDENT) \
	  -W -n --keep-going
	@echo "PDFs: $(CURDIR)/_build/latex/book.pdf (instructor), $(CURDIR)/$(STUDENT)/_build/latex/book.pdf (student)"

# A new chapter from book/_templates/chapter.ipynb, added to _toc.yml: make chapter NAME=my_lecture
# (PART="caption" for another part of _toc.yml than "The source documents").
chapter: $(STAMP)
	$(BIN)/python tools/new_chapter.py $(NAME) $(if $(PART),--part "$(PART)")

# Writes the first code cell (installs bpkit where missing) into every notebook; after changing
# repository.url in _config.yml or book/_templates/install_cell.py.
install-cell: $(STAMP)
	$(BIN)/python tools/install_cell.py

test: lint pytest nbval book-strict book-student pdf-check browser

lint: $(STAMP)
	$(BIN)/ruff check .

pytest: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser --ignore=tests/pdf

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider book -o filterwarnings=default

book-strict: $(STAMP)
	rm -rf $(NBCACHE)
	$(BIN)/jupyter-book build . --all -W -n --keep-going

# Both PDFs, then their checks (tests/pdf). Without TeX the build is skipped, except under CI=true.
pdf-check: $(STAMP)
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null || [ "$$CI" = true ]; then \
	  $(MAKE) --no-print-directory pdf; \
	else echo "pdf-check: no xelatex/latexmk, PDF not built (see .ci/run for the packages)"; fi
	$(BIN)/python -m pytest tests/pdf

# Both editions in headless Chromium (Debian's chromium, chromium-driver); after the builds.
browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser

clean:
	rm -rf _build
