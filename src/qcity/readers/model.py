"""What every reader returns: a document as ordered paragraphs and tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "table"]


@dataclass
class Block:
    """One paragraph or one table, in reading order.

    For a table, `text` is the rows joined by newlines with cells joined by tabs, and `rows` holds the
    cells (merged cells repeated into every grid position they cover). Cell text never contains a tab
    or a newline, so `cell_offset` can find any cell inside `text`.
    """

    index: int
    kind: BlockKind
    text: str
    rows: list[list[str]] | None = None

    def cell_offset(self, row: int, col: int, starts: list[int] | None = None) -> int:
        """Character offset of cell (row, col) within `text`.

        `starts` is `self.row_starts()`, for callers that look up many cells of one table (without it,
        each call adds up the rows above: quadratic over a whole table).
        """
        assert self.rows is not None
        offset = starts[row] if starts is not None else sum(len("\t".join(r)) + 1 for r in self.rows[:row])
        return offset + sum(len(c) + 1 for c in self.rows[row][:col])

    def row_starts(self) -> list[int]:
        """Character offset of each row within `text`."""
        starts: list[int] = []
        offset = 0
        for r in self.rows or []:
            starts.append(offset)
            offset += len("\t".join(r)) + 1
        return starts


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    source_name: str = ""
    format: str = ""
    encoding: str | None = None


def clean_cell(text: str) -> str:
    """Cell text on one line: inner line breaks and tabs become single spaces; NUL (seen in PDF text
    layers) is dropped, since no database column can hold it."""
    return " ".join(text.replace("\t", " ").replace("\x00", "").split())


def table_block(index: int, rows: list[list[str]]) -> Block:
    rows = [[clean_cell(c) for c in row] for row in rows]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return Block(index, "table", "\n".join("\t".join(r) for r in rows), rows)


def build_document(
    items: list[str | list[list[str]]], *, source_name: str, fmt: str, encoding: str | None = None
) -> Document:
    """Number paragraphs (str) and tables (rows) in order, dropping empty ones."""
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, str):
            text = item.replace("\x00", "").strip()
            if text:
                blocks.append(Block(len(blocks), "paragraph", text))
        else:
            rows = [r for r in item if any(c.strip() for c in r)]
            if rows:
                blocks.append(table_block(len(blocks), rows))
    return Document(blocks=blocks, source_name=source_name, format=fmt, encoding=encoding)
