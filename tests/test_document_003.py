"""Chapter book/delta_recursion against its source document 003, which arrived garbled.

The document's UTF-8 bytes were decoded as cp1254 (Windows Turkish), and the byte values
that have no character there, with the soft hyphen 0xAD, were dropped. So a Chinese
character survives only if none of its bytes is one of LOST. Knowing this, a restored term
can be checked: garbled the same way, it must give exactly the bytes that arrived.

Without the document (``../shared/seeds`` beside the repository) the tests that read it are
skipped; the table's own consistency is checked in any case.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "delta_recursion.ipynb"
NAME = "003_6d8358a5fb16c3df"
SEEDS = next((d for d in (ROOT.parent / "shared" / "seeds", ROOT.parents[1] / "shared" / "seeds")
              if (d / f"{NAME}.txt").exists()), None)
needs_document = pytest.mark.skipif(SEEDS is None, reason="source document 003 not beside the repo")

LOST = frozenset([0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E, 0xAD])
CJK = "\u4e00-\u9fff"
# a run of Chinese characters, each possibly in brackets (restored): 逆[向][参]数调整法
TERM = re.compile(rf"(?:[{CJK}]|\[[{CJK}]\])+")


def raw_form(text: str) -> str:
    """The text as it arrived: UTF-8 bytes without the LOST ones, read as cp1254."""
    return bytes(b for b in text.encode("utf-8") if b not in LOST).decode("cp1254")


def repaired_form(text: str) -> str:
    """The text as the repaired copy shows it: lost characters become U+FFFD."""
    return raw_form(text).encode("cp1254").decode("utf-8", errors="replace")


def lost(text: str) -> list[str]:
    return [c for c in text if any(b in LOST for b in c.encode("utf-8"))]


def markdown() -> list[str]:
    cells = json.loads(CHAPTER.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def glossary() -> list[list[str]]:
    text = next(m for m in markdown() if m.startswith("## Glossary"))
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def quotes() -> list[str]:
    """Every display marked ``% quote`` in the chapter, whitespace collapsed."""
    found = re.findall(r"^% quote\n\$\$(.+?)\$\$", "\n".join(markdown()), re.M | re.S)
    return [" ".join(q.split()) for q in found]


@pytest.fixture(scope="module")
def document():
    raw = (SEEDS / f"{NAME}.txt").read_text(encoding="utf-8")
    repaired = (SEEDS / f"{NAME}.repaired.txt").read_text(encoding="utf-8")
    return raw, repaired


def test_glossary_table_is_consistent():
    rows = glossary()
    assert len(rows) >= 30 and all(len(r) == 4 for r in rows)
    for received, restored, english, _ in rows:
        plain = restored.replace("[", "").replace("]", "")
        assert repaired_form(plain) == received, restored
        assert re.findall(rf"\[([{CJK}])\]", restored) == lost(plain), \
            f"{restored}: brackets must mark exactly the lost characters {lost(plain)}"
        assert english


def test_restored_chinese_in_the_text_is_marked():
    """Every Chinese run of the chapter (outside the 'as received' column) marks its
    restored characters in brackets, and only those."""
    for text in markdown():
        for run in TERM.findall(text):
            plain = run.replace("[", "").replace("]", "")
            assert re.findall(rf"\[([{CJK}])\]", run) == lost(plain), run


@needs_document
def test_the_garbling_model(document):
    raw, repaired = document
    raw.encode("cp1254")                       # every character is a cp1254 character
    assert "ğ" in raw and "ð" not in raw       # byte 0xF0: cp1254, not cp1252
    assert "\xad" not in raw                   # the soft hyphen was dropped
    assert len(re.findall(r"https://pic\.hanjiaming\.com\.cn/\S+?\.png", repaired)) == 10


@needs_document
def test_glossary_against_the_document(document):
    raw, repaired = document
    for received, restored, _, _ in glossary():
        plain = restored.replace("[", "").replace("]", "")
        assert raw_form(plain) in raw, f"{restored} does not garble to the bytes that arrived"
        assert received in repaired, received


@needs_document
def test_chinese_in_the_text_against_the_document(document):
    raw, _ = document
    for text in markdown():
        for run in TERM.findall(text):
            assert raw_form(run.replace("[", "").replace("]", "")) in raw, run


@needs_document
def test_quoted_formulas_are_the_documents(document):
    _, repaired = document
    text = " ".join(repaired.split())
    found = quotes()
    assert len(found) >= 20
    for q in found:
        assert q in text, f"not in the document: {q[:80]}"


def test_a_changed_quote_or_term_would_be_caught():
    assert raw_form("神经网络") == "ç¥ç»ç½‘ç»œ"     # 神 and 经 lose 0x9E and 0x8F
    assert repaired_form("神经网络") == "\ufffd\ufffd网络"
    assert lost("逆向参数调整法") == ["向", "参"]
