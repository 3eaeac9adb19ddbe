"""Chapter computation_graphs (document 004): what it quotes is the document's own text.

Every display formula or block quote that the chapter introduces with "the document writes:"
or, in an erratum box, with "**As written**", and every Chinese term of its glossary, must
occur in the document as received (whitespace aside). Documents 002 and 003 contain no
transpose, which is what the chapter's layout table says of them.

The source documents sit beside the repository (../shared/seeds); without them the tests skip.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DOC = SEEDS / "004_46d193dd70632d6a.txt"
NOTEBOOK = ROOT / "book" / "computation_graphs.ipynb"

pytestmark = pytest.mark.skipif(not DOC.is_file(),
                                reason="source documents not found at ../shared/seeds")


def normalise(text: str) -> str:
    return " ".join(text.split())


def markdown_blocks() -> list[str]:
    """The chapter's markdown, split into blocks at blank lines."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    text = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def quotations() -> list[str]:
    """Display formulas ($$...$$) and block quotes (> ...) that follow a quotation marker."""
    quotes, quoting = [], False
    for block in markdown_blocks():
        if quoting and block.startswith("$$") and block.endswith("$$"):
            quotes.append(block)
        elif quoting and block.startswith("> "):
            quotes.append(block[2:])
        else:
            quoting = (normalise(block).lower().endswith("the document writes:")
                       or block.startswith("**As written**"))
    return quotes


def glossary_terms() -> list[str]:
    blocks = markdown_blocks()
    start = next(i for i, b in enumerate(blocks) if b.startswith("## Glossary"))
    table = next(b for b in blocks[start:] if b.startswith("| as written"))
    rows = table.splitlines()[2:]                     # skip the header and the |---| line
    return [row.split("|")[1].strip() for row in rows]


def test_the_chapter_quotes_the_document():
    quotes = quotations()
    assert len(quotes) >= 30                          # the chapter quotes every formula it checks
    doc = normalise(DOC.read_text(encoding="utf-8"))
    missing = [q for q in quotes if normalise(q) not in doc]
    assert not missing, f"not in {DOC.name}: {missing}"


def test_every_backward_line_is_quoted():
    quoted = normalise(" ".join(quotations()))
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("$$d"):                    # dy, dv, dw, db, dW, dV, ... lines
            assert normalise(line) in quoted, line


def test_glossary_terms_occur_in_the_document():
    terms = glossary_terms()
    assert {"对j求导", "向量对向量求导", "对谁求导数", "就以谁 (分母) 作为主序", "矩阵化形式",
            "那么"} <= set(terms)
    doc = DOC.read_text(encoding="utf-8")
    assert [t for t in terms if t not in doc] == []


def test_documents_002_and_003_contain_no_transpose():
    for name in ("002_a052ecabc5a9127d.txt", "003_6d8358a5fb16c3df.txt"):
        text = (SEEDS / name).read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"\^\{?T\b|\^\{?\\top|\.T\b", text), name
    assert re.search(r"\^\{?T\b", (SEEDS / "000_eac0e6923c876ffc.txt").read_text(encoding="utf-8"))
