# Two commands do everything: `make book` and `make test`.
# Each creates .venv if missing and installs requirements.txt into it.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBCACHE := _build/.jupyter_cache
STUDENT := _build/student

.PHONY: book book-student test lint pytest nbval book-strict browser clean

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

test: lint pytest nbval book-strict book-student browser

lint: $(STAMP)
	$(BIN)/ruff check .

pytest: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider book -o filterwarnings=default

book-strict: $(STAMP)
	rm -rf $(NBCACHE)
	$(BIN)/jupyter-book build . --all -W -n --keep-going

# Both editions in headless Chromium (Debian's chromium, chromium-driver); after the builds.
browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser

clean:
	rm -rf _build
