"""PDF with a text layer: drawn tables become table blocks, the text around them becomes paragraphs.

PDF has no paragraphs, only lines. A new paragraph starts where a line is indented, where the line
before it stopped short of the right margin, or where a line starts with an outline number.
"""

from __future__ import annotations

import io
import re
import statistics
from typing import Any

from .errors import CorruptDocument, EncryptedDocument, NoTextLayer
from .model import Document, build_document

PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}\s*(页)?(\s*/\s*\d+)?[-—–\s]*$")
OUTLINE_START = re.compile(
    r"^\s*([一二三四五六七八九十]+、|[((][一二三四五六七八九十\d]+[))]|\d{1,3}[.、．](?!\d)|第[一二三四五六七八九十]+[章节条部])"
)


def read_pdf(data: bytes, name: str) -> Document:
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - pdfplumber is a dependency
        raise CorruptDocument("pdfplumber 未安装 (pdfplumber missing)") from exc
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer signals every failure with its own exception classes
        raise _classify(exc) from exc
    items: list[str | list[list[str]]] = []
    chars_seen = 0
    try:
        with pdf:
            for page in pdf.pages:
                chars_seen += len(page.chars)
                _read_page(page, items)
    except Exception as exc:
        raise _classify(exc) from exc
    if chars_seen == 0:
        raise NoTextLayer()
    return build_document(_join_paragraphs(items), source_name=name, fmt="pdf")


def _classify(exc: BaseException) -> Exception:
    """pdfplumber wraps pdfminer's errors: look through the chain and the arguments for the real one."""
    chain: list[object] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        chain.extend(current.args)
        current = current.__cause__ or current.__context__
    names = " ".join(type(e).__name__ + " " + (e if isinstance(e, str) else "") for e in chain)
    if "Password" in names or "Encrypt" in names:
        return EncryptedDocument()
    return CorruptDocument(f"PDF 文件已损坏 (corrupt PDF: {exc.__class__.__name__})")


class _Line:
    """A text line with its geometry; paragraphs are rebuilt from these."""

    def __init__(self, text: str, x0: float, x1: float, size: float, left: float, right: float) -> None:
        self.text, self.x0, self.x1, self.size, self.left, self.right = text, x0, x1, size, left, right


def _read_page(page: Any, items: list[Any]) -> None:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = text_page.extract_text_lines(layout=False, strip=True, return_chars=True)
    lines = [ln for ln in lines if ln["text"].strip() and not PAGE_NUMBER.match(ln["text"])]
    left = min((ln["x0"] for ln in lines), default=0.0)
    right = max((ln["x1"] for ln in lines), default=page.width)
    placed: list[tuple[float, Any]] = []
    for ln in lines:
        sizes = [c.get("size", 10.0) for c in ln.get("chars", [])] or [10.0]
        placed.append(
            (ln["top"], _Line(ln["text"], ln["x0"], ln["x1"], statistics.median(sizes), left, right))
        )
    for table in tables:
        rows = _fill_merged(table.extract())
        placed.append((table.bbox[1], rows))
    placed.sort(key=lambda p: p[0])
    for _, item in placed:
        if isinstance(item, list) and items and isinstance(items[-1], list) and _continues(items[-1], item):
            if _is_split_row(items[-1], item[0]):
                items[-1][-1] = [_glue_cells(a, b) for a, b in zip(items[-1][-1], item[0], strict=True)]
                item = item[1:]
            items[-1].extend(item)
        else:
            items.append(item)


def _fill_merged(rows: list[list[str | None]]) -> list[list[str]]:
    """pdfplumber gives None for positions covered by a merged cell: repeat the cell above, else the one left."""
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        filled: list[str] = []
        for c, cell in enumerate(row):
            if cell is None:
                if r > 0 and c < len(out[r - 1]):
                    cell = out[r - 1][c]
                elif filled:
                    cell = filled[-1]
                else:
                    cell = ""
            filled.append(_join_cell_lines(cell))
        out.append(filled)
    return out


def _join_cell_lines(cell: str) -> str:
    """Lines wrapped inside a cell: glued without a space between Chinese characters."""
    out = ""
    for line in cell.split("\n"):
        line = line.strip()
        if line:
            out = out + _glue(out, line) if out else line
    return out


def _is_split_row(previous: list[list[str]], first: list[str]) -> bool:
    """A row broken by the page end: its tail has empty cells, or lacks the row number the other rows start with."""
    if any(not c.strip() for c in first) and all(c.strip() for c in previous[-1]):
        return True
    numbered = sum(1 for row in previous[1:] if OUTLINE_START.match(row[0]) or row[0].strip().isdigit())
    if numbered >= max(2, (len(previous) - 1) // 2):
        return not (OUTLINE_START.match(first[0]) or first[0].strip().isdigit())
    return False


def _glue_cells(a: str, b: str) -> str:
    return a + _glue(a, b) if a and b else a or b


def _continues(previous: list[list[str]], rows: list[list[str]]) -> bool:
    """A table at the top of a page with the same columns continues the table before it."""
    if not previous or not rows or len(previous[0]) != len(rows[0]):
        return False
    return rows[0] != previous[0]


def _join_paragraphs(items: list[Any]) -> list[str | list[list[str]]]:
    out: list[str | list[list[str]]] = []
    current: list[str] = []
    prev: _Line | None = None
    for item in items:
        if isinstance(item, list):
            if current:
                out.append("".join(current))
                current, prev = [], None
            out.append(item)
            continue
        line: _Line = item
        if prev is not None and not _starts_paragraph(line, prev):
            current.append(_glue(current[-1], line.text))
        else:
            if current:
                out.append("".join(current))
            current = [line.text]
        prev = line
    if current:
        out.append("".join(current))
    return out


def _starts_paragraph(line: _Line, prev: _Line) -> bool:
    em = max(line.size, 1.0)
    if line.x0 > line.left + 0.8 * em:
        return True
    if prev.x1 < prev.right - 3 * em:
        return True
    return bool(OUTLINE_START.match(line.text))


def _glue(before: str, after: str) -> str:
    """Join wrapped lines: no space between Chinese characters, one space between Latin words."""
    if (
        before
        and after
        and before[-1].isascii()
        and before[-1].isalnum()
        and after[0].isascii()
        and after[0].isalnum()
    ):
        return " " + after
    return after
