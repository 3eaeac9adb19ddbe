"""Displayed = tested: every display formula on a page is of one of two kinds.

(a) A formula the book claims. It is rendered from the proven SymPy object: the
    output of a code cell (``sym.show(...)``, a ``FormulaCheck``), or a
    ``{glue:math}`` directive whose key a code cell of the same notebook glues
    from such an object (``glue("key", sym.show(...), display=False)``).
(b) A quotation of a source document, marked as such: the display follows a
    paragraph ending in "writes:" ("The document writes:", "Document 003
    writes:") or an erratum's "**As written** ..." line, and several displays
    in a row after one marker are all quoted. Its text must occur in the
    document as received, up to white space and the escaping of the source
    (``\\_`` for ``_``, ``\\scriptsize``); a deliberate change is declared in
    CHANGES below, with its reason.

So a ``$$ ... $$`` block (or a ``{math}`` directive) in a markdown cell is
always a quotation, and this test checks it against the document; and every
``{glue:math}`` key must be glued by a code cell of the same notebook. Which
document: the chapter's own (its first cell names it), or the one the marker
names ("Document 003 writes:"). Document 003 is checked against its repaired
text. The documents sit beside the repository (../shared/seeds); without them
the quotation check skips, the marking check does not.
"""

import json
import re
from pathlib import Path

import pytest
from book_pages import markdown_of, source_of, toc_docnames

ROOT = Path(__file__).resolve().parents[1]
#: the documents sit beside the repository; a git worktree one level deeper looks further up
SEEDS = next((up / "shared" / "seeds" for up in ROOT.parents if (up / "shared" / "seeds").is_dir()),
             ROOT.parent / "shared" / "seeds")
DOCS = {"000": "000_eac0e6923c876ffc.txt", "001": "001_d0f2e4b6cdafd4d0.txt",
        "002": "002_a052ecabc5a9127d.txt", "003": "003_6d8358a5fb16c3df.repaired.txt",
        "004": "004_46d193dd70632d6a.txt"}
#: deliberate changes a chapter makes to what it quotes: {notebook: [(in the book, in the document, why)]}
CHANGES: dict[str, list[tuple[str, str, str]]] = {
    "mlp_matrix_form.ipynb": [
        (r"\\", r"\\\\", r"the document's Markdown escapes each LaTeX line break \\ as \\\\"),
        (r"\widehat{H}} =W_{0}", r"\widehat{H}} &=W_{0}", "one line of an aligned block, its & dropped"),
        (r"b_{O}} = \color", r"b_{O}} &= \color", "one line of an aligned block, its & dropped"),
    ],
}

PAGES = [source_of(name) for name in toc_docnames()]
DISPLAY = re.compile(r"^\s*(\$\$|```\{math\}|:::\{math\})")


def normalise(text: str) -> str:
    text = text.replace(r"\_", "_").replace(r"\scriptsize", "").replace("$$", " ")
    return " ".join(text.split())


def markdown_blocks(path: Path) -> list[str]:
    """The page's markdown (a notebook's markdown cells), split into blocks at blank lines.

    A display formula spread over several lines with blank lines inside stays one block.
    """
    text = markdown_of(path)
    raw = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    blocks, open_block = [], None
    for b in raw:
        if open_block is not None:
            open_block += "\n\n" + b
            if b.endswith("$$") or b.endswith("```") or b.endswith(":::"):
                blocks.append(open_block)
                open_block = None
            continue
        if DISPLAY.match(b) and not (len(b) > 2 and (b.endswith("$$") and b.count("$$") >= 2
                                                     or b.endswith("```") or b.endswith(":::"))):
            open_block = b
            continue
        blocks.append(b)
    if open_block is not None:
        blocks.append(open_block)
    return blocks


def own_document(path: Path) -> str | None:
    m = re.search(r"Source document: `(\d{3})_", path.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def displays(path: Path) -> list[tuple[str, str | None, bool]]:
    """(display, document id or None, marked as a quotation) for every display formula."""
    out, marker, marker_doc, doc = [], False, None, own_document(path)
    for block in markdown_blocks(path):
        # MyST comments (% ...) are invisible: they neither mark nor hide a display
        block = "\n".join(line for line in block.splitlines() if not line.startswith("%")).strip()
        if not block:
            continue
        body = block.split("\n", 1)[-1] if block.startswith(">") else block
        if DISPLAY.match(block.lstrip("> ")) or DISPLAY.match(body):
            out.append((block, marker_doc or doc, marker))
            continue
        if "$$" in block:  # a display inside a paragraph: marked if the text before it is
            before, _, display = block.partition("$$")
            out.append(("$$" + display, marker_doc or doc,
                        bool(re.search(r"writes:\s*$", before.strip()))))
        last = block.splitlines()[-1].strip()
        named = re.search(r"[Dd]ocument (\d{3}) writes:\s*$", last)
        marker = bool(re.search(r"writes:\s*$", last)) or last.startswith("**As written**")
        marker_doc = named.group(1) if named else None
    return out


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_display_formula_is_a_marked_quotation(path):
    """The book's own formulas come from proven objects; a $$ block is always a quotation."""
    unmarked = [d for d, _, marked in displays(path) if not marked]
    assert not unmarked, (f"{path.name}: {len(unmarked)} display formula(s) neither quoted nor "
                          f"rendered from a proven object; the first: {unmarked[0][:200]}")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not found at ../shared/seeds")
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_quotations_occur_in_the_document(path):
    changes = CHANGES.get(path.name, [])
    bad = []
    for block, doc, marked in displays(path):
        if not marked:
            continue
        assert doc is not None, f"{path.name}: a quotation must name its document ('Document 003 writes:')"
        text = normalise((SEEDS / DOCS[doc]).read_text(encoding="utf-8", errors="replace"))
        quote = block
        for ours, theirs, _ in changes:
            quote = quote.replace(ours, theirs)
        quote = re.sub(r"^(```|:::)\{math\}.*?\n|(```|:::)$", "", quote.lstrip("> "), flags=re.S)
        quote = re.sub(r"\$\$\s*\([\w-]+\)\s*$", "$$", quote)   # "$$ (label)": MyST's equation label
        if normalise(quote) not in text:
            bad.append(block)
    assert not bad, f"{path.name}: not in the document as received: {bad[:3]}"


GLUE_USE = re.compile(r"^(?:```|:::)\{glue:math\}\s+(\S+)", re.M)
GLUE_CALL = re.compile(r"""\bglue\(\s*["']([^"']+)["']\s*,\s*(sym\.show\(|[A-Za-z_]\w*\s*[,)])""")


@pytest.mark.parametrize("path", [p for p in PAGES if p.suffix == ".ipynb"], ids=lambda p: p.name)
def test_glued_formulas_come_from_a_cell_of_the_same_notebook(path):
    """Each {glue:math} key is glued by a code cell of the notebook, from sym.show(...) or an object."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    used = set(GLUE_USE.findall(markdown))
    glued = [m.group(1) for m in GLUE_CALL.finditer(code)]
    missing = sorted(used - set(glued))
    assert not missing, f"{path.name}: {{glue:math}} with no glue(...) call in a code cell: {missing}"
    twice = sorted({k for k in glued if glued.count(k) > 1})
    assert not twice, f"{path.name}: glued more than once: {twice}"
