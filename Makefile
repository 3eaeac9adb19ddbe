# Two commands do everything: `make book` and `make test`.
# Each creates .venv if missing and installs requirements.txt into it.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test lint pytest nbval book-strict clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build .
	@echo "Open $(CURDIR)/_build/html/index.html in a browser."

test: lint pytest nbval book-strict

lint: $(STAMP)
	$(BIN)/ruff check .

pytest: $(STAMP)
	$(BIN)/python -m pytest tests

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider book -o filterwarnings=default

book-strict: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

clean:
	rm -rf _build
