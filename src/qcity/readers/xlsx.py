"""Excel .xlsx: each sheet is one table (merged cells filled from their top-left cell)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from .errors import CorruptDocument
from .model import Document, build_document

MAX_ROWS = 20000
MAX_COLS = 60


def read_xlsx(data: bytes, name: str) -> Document:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise CorruptDocument("openpyxl 未安装 (openpyxl missing)") from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise CorruptDocument(f"Excel 文件已损坏 (corrupt .xlsx: {exc.__class__.__name__})") from exc
    items: list[str | list[list[str]]] = []
    for sheet in book.worksheets:
        rows = _sheet_rows(sheet)
        # A title row spanning the sheet ("XX任务分解表") reads better as a paragraph above the table.
        while rows and len({c for c in rows[0] if c}) == 1 and len(rows) > 1:
            items.append(next(c for c in rows[0] if c))
            rows = rows[1:]
        items.append(rows)
    return build_document(items, source_name=name, fmt="xlsx")


def _sheet_rows(sheet: Any) -> list[list[str]]:
    max_row = min(sheet.max_row or 0, MAX_ROWS)
    max_col = min(sheet.max_column or 0, MAX_COLS)
    grid = [["" for _ in range(max_col)] for _ in range(max_row)]
    for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True)):
        for c, value in enumerate(row):
            grid[r][c] = _cell_text(value)
    for merged in sheet.merged_cells.ranges:
        top = (
            grid[merged.min_row - 1][merged.min_col - 1]
            if merged.min_row <= max_row and merged.min_col <= max_col
            else ""
        )
        for r in range(merged.min_row - 1, min(merged.max_row, max_row)):
            for c in range(merged.min_col - 1, min(merged.max_col, max_col)):
                grid[r][c] = top
    return [row for row in grid if any(row)]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()
