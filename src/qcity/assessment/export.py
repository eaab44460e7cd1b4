"""Assessment results and score sheets as .xlsx and .docx bytes, every item with its points and how
they were earned, so a printed sheet can be checked by hand."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from qcity.assessment.engine import AdjustmentLine, RankedRow, ScoreLine, ScoreSheet
from qcity.assessment.scheme import fmt

SHEET_HEADER = (
    "编码",
    "一级指标",
    "二级指标",
    "三级指标",
    "分值",
    "得分",
    "自评分",
    "核定分",
    "得分说明",
    "依据及佐证",
)
RESULT_HEADER = ("排名", "单位", "基础得分", "加分", "扣分", "最终得分", "等级", "一票否决", "整改")
EAST_ASIAN_FONT = "宋体"


def _result_cells(row: RankedRow) -> list[Any]:
    s = row.sheet
    veto = "；".join(v.name for v in s.vetoes)
    return [
        row.rank,
        row.unit_name,
        float(s.base_score),
        float(s.bonus_total),
        float(s.penalty_total),
        float(row.final_score),
        row.grade,
        veto,
        "须整改" if row.rectify else "",
    ]


def sheet_rows(sheet: ScoreSheet) -> Iterator[tuple[list[Any], bool]]:
    """(cells, is_total) for every row of one unit's score sheet, in the order printed."""
    for line in sheet.lines:
        yield _line_cells(line), not line.is_leaf
    yield from _adjustment_rows("加分项", sheet.bonus_lines, sheet.bonus_total, sheet.bonus_explanation)
    yield from _adjustment_rows("扣分项", sheet.penalty_lines, sheet.penalty_total, sheet.penalty_explanation)
    for veto in sheet.vetoes:
        yield (
            [veto.code, "一票否决项", veto.name, "", None, None, None, None, veto.facts or "已触发", ""],
            False,
        )
    yield ["", "基础得分", "", "", None, float(sheet.base_score), None, None, "各一级指标得分之和", ""], True
    yield (
        ["", "最终得分", "", "", None, float(sheet.final_score), None, None, sheet.score_explanation, ""],
        True,
    )
    yield ["", "等级", sheet.grade, "", None, None, None, None, sheet.grade_explanation, ""], True


def _line_cells(line: ScoreLine) -> list[Any]:
    names = ["", "", ""]
    names[line.level - 1] = line.name
    return [
        line.code,
        *names,
        float(line.max_points),
        float(line.points),
        None if line.self_score is None else float(line.self_score),
        None if line.verified_score is None else float(line.verified_score),
        line.explanation,
        "；".join(line.sources),
    ]


def _adjustment_rows(
    section: str, lines: tuple[AdjustmentLine, ...], total: Decimal, explanation: str
) -> Iterator[tuple[list[Any], bool]]:
    for line in lines:
        sources = "；".join(line.sources)
        cells = [line.code, section, line.name, "", float(line.cap), float(line.points)]
        yield [*cells, None, None, line.explanation, sources], False
    yield ["", f"{section}合计", "", "", None, float(total), None, None, explanation, ""], True


# ---------------------------------------------------------------- .xlsx


def score_sheet_to_xlsx(sheet: ScoreSheet) -> bytes:
    """One unit's 考核评分表 as a workbook with one worksheet."""
    return _workbook(lambda wb, fmts: _write_sheet(wb, fmts, sheet, "评分表"))


def results_to_xlsx(rows: Sequence[RankedRow], title: str = "考核结果", with_sheets: bool = True) -> bytes:
    """The result table (汇总) and, unless with_sheets is False, one worksheet per unit's score sheet."""

    def build(wb: Any, fmts: dict[str, Any]) -> None:
        _write_results(wb, fmts, rows, title)
        if with_sheets:
            names = _sheet_names([r.unit_name or r.unit_code or "单位" for r in rows])
            for row, name in zip(rows, names, strict=True):
                _write_sheet(wb, fmts, row.sheet, name)

    return _workbook(build)


def _workbook(build: Any) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    fmts = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True}),
        "text": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "num": wb.add_format({"border": 1, "num_format": "0.00", "valign": "top"}),
        "total_text": wb.add_format({"border": 1, "bold": True, "text_wrap": True, "valign": "top"}),
        "total_num": wb.add_format({"border": 1, "bold": True, "num_format": "0.00", "valign": "top"}),
    }
    build(wb, fmts)
    wb.close()
    return out.getvalue()


def _write_results(wb: Any, fmts: dict[str, Any], rows: Sequence[RankedRow], title: str) -> None:
    ws = wb.add_worksheet("汇总")
    ws.write(0, 0, title, fmts["title"])
    ws.write_row(1, 0, RESULT_HEADER, fmts["head"])
    for r, row in enumerate(rows, 2):
        _write_cells(ws, r, _result_cells(row), fmts, total=False)
    ws.write(
        len(rows) + 3,
        0,
        "说明：并列者名次相同（如1、2、2、4）；一票否决单位排在末位；后位整改如遇并列一并列入。",
    )
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 8, 10)


def _write_sheet(wb: Any, fmts: dict[str, Any], sheet: ScoreSheet, name: str) -> None:
    ws = wb.add_worksheet(name)
    ws.write(0, 0, f"{sheet.unit_name} 考核评分表（{sheet.scheme_name}）", fmts["title"])
    ws.write_row(1, 0, SHEET_HEADER, fmts["head"])
    for r, (cells, total) in enumerate(sheet_rows(sheet), 2):
        _write_cells(ws, r, cells, fmts, total)
    for col, width in enumerate((8, 16, 16, 16, 8, 8, 8, 8, 60, 30)):
        ws.set_column(col, col, width)
    ws.freeze_panes(2, 0)


def _write_cells(ws: Any, r: int, cells: list[Any], fmts: dict[str, Any], total: bool) -> None:
    prefix = "total_" if total else ""
    for c, value in enumerate(cells):
        if isinstance(value, float):
            ws.write_number(r, c, value, fmts[prefix + "num"])
        elif value is None:
            ws.write_blank(r, c, None, fmts[prefix + "text"])
        else:
            ws.write(r, c, value, fmts[prefix + "text"])


def _sheet_names(names: list[str]) -> list[str]:
    # Excel: ≤ 31 characters, none of []:*?/\ , unique case-insensitively, and "汇总" is taken.
    used = {"汇总"}
    out = []
    for name in names:
        base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:28] or "单位"
        candidate, n = base, 2
        while candidate.lower() in used:
            candidate, n = f"{base}({n})", n + 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


# ---------------------------------------------------------------- .docx


def score_sheet_to_docx(sheet: ScoreSheet) -> bytes:
    """One unit's 考核评分表: every item with its full points, points earned and the working."""
    doc = _document()
    _add_sheet(doc, sheet)
    return _save(doc)


def results_to_docx(rows: Sequence[RankedRow], title: str = "考核结果", with_sheets: bool = True) -> bytes:
    """The result table, then (unless with_sheets is False) each unit's score sheet on its own page."""
    from docx.enum.text import WD_BREAK

    doc = _document()
    doc.add_heading(title, level=1)
    table = _table(doc, RESULT_HEADER)
    for row in rows:
        cells = _result_cells(row)
        _add_row(table, [c if not isinstance(c, float) else f"{c:.2f}" for c in cells])
    doc.add_paragraph(
        "说明：并列者名次相同（如1、2、2、4）；一票否决单位排在末位；后位整改如遇并列一并列入。"
    )
    for row in rows if with_sheets else ():
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _add_sheet(doc, row.sheet)
    return _save(doc)


def _document() -> Any:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    # Without an East Asian font Word falls back to a font with no CJK glyphs on some machines.
    for style_name in ("Normal", "Heading 1", "Heading 2"):
        style = doc.styles[style_name]
        style.font.name = EAST_ASIAN_FONT
        style.element.rPr.rFonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    return doc


def _add_sheet(doc: Any, sheet: ScoreSheet) -> None:
    doc.add_heading(f"{sheet.unit_name} 考核评分表", level=2)
    doc.add_paragraph(f"考核方案：{sheet.scheme_name}")
    table = _table(doc, ("编码", "指标", "分值", "得分", "得分说明", "依据及佐证"))
    for cells, _total in sheet_rows(sheet):
        code, l1, l2, l3, max_points, points, _self, _verified, explanation, sources = cells
        indent = "　" * (0 if l1 else 1 if l2 else 2)
        name = " ".join(str(n) for n in (l1, l2, l3) if n)
        earned = "" if points is None else f"{points:.2f}"
        _add_row(table, [code, indent + name, _num(max_points), earned, explanation, sources])
    grade = f"{sheet.grade}（{sheet.grade_label}）" if sheet.grade else "考核结果公布后确定"
    doc.add_paragraph(f"最终得分：{sheet.final_score:.2f}分；等级：{grade}")


def _num(value: float | None) -> str:
    return "" if value is None else fmt(Decimal(str(value)).quantize(Decimal("0.01")))


def _table(doc: Any, header: Sequence[str]) -> Any:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    return table


def _add_row(table: Any, values: Sequence[Any]) -> None:
    for cell, value in zip(table.add_row().cells, values, strict=True):
        cell.text = "" if value is None else str(value)


def _save(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
