"""Plan exports as bytes: the 任务分解表 a person hands to a leader, plus a targets table.

Pure functions (Plan → bytes) so the CLI and the web UI produce the same files.
"""

from __future__ import annotations

import io
import json

from .model import Plan, Target, Task

TASK_HEADER = ("序号", "任务", "主要内容", "牵头单位", "参与单位", "完成时限")
TARGET_HEADER = ("序号", "指标", "比较", "目标值", "单位", "年份", "原文")
OP_LABELS = {
    ">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "约", "increase": "增长", "decrease": "下降", "range": "区间",
    "qualitative": "定性",
}  # fmt: skip


def task_row(task: Task) -> list[str]:
    """One 任务分解表 row. Where the plan names no lead, every responsible unit is listed as 牵头."""
    lead = task.lead or [u for u in task.units if u not in task.participants]
    participants = task.participants if task.lead else [u for u in task.participants if u not in lead]
    return [task.no, task.title, task.content, "、".join(lead), "、".join(participants), task.deadline or ""]


def target_row(index: int, target: Target) -> list[str]:
    value = target.value
    if isinstance(value, list):
        shown = "-".join(_num(v) for v in value)
    else:
        shown = "" if value is None else _num(value)
    return [
        str(index),
        target.indicator,
        OP_LABELS.get(target.op, target.op),
        shown,
        target.unit,
        str(target.year or ""),
        target.text,
    ]


def _num(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _title(plan: Plan) -> str:
    return plan.title or plan.source_name or "质量强市建设方案"


def to_json_bytes(plan: Plan) -> bytes:
    return json.dumps(plan.to_json(), ensure_ascii=False, indent=2).encode("utf-8")


def to_markdown(plan: Plan) -> bytes:
    lines = [f"# {_title(plan)}", ""]
    meta = [("发文单位", plan.issuer), ("地区", plan.region), ("层级", plan.level), ("日期", plan.date)]
    meta.append(("目标年份", "、".join(map(str, plan.horizon)) or None))
    lines += [f"- {k}:{v}" for k, v in meta if v]
    lines += ["", "## 任务分解表", "", "| " + " | ".join(TASK_HEADER) + " |", "|" + "---|" * len(TASK_HEADER)]
    lines += ["| " + " | ".join(_md(c) for c in task_row(t)) + " |" for t in plan.tasks]
    lines += ["", "## 目标", "", "| " + " | ".join(TARGET_HEADER) + " |", "|" + "---|" * len(TARGET_HEADER)]
    lines += [
        "| " + " | ".join(_md(c) for c in target_row(i, t)) + " |" for i, t in enumerate(plan.targets, 1)
    ]
    for warning in plan.warnings:
        lines += ["", f"> 注意:{warning}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", "<br>")


def to_xlsx(plan: Plan) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head_fmt = book.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#DDEBF7"}
    )
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    _sheet(book, "任务分解表", f"{_title(plan)} 任务分解表", TASK_HEADER, [task_row(t) for t in plan.tasks],
           (6, 24, 60, 24, 36, 12), title_fmt, head_fmt, cell_fmt)  # fmt: skip
    rows = [target_row(i, t) for i, t in enumerate(plan.targets, 1)]
    _sheet(
        book,
        "目标",
        f"{_title(plan)} 目标",
        TARGET_HEADER,
        rows,
        (6, 36, 8, 10, 8, 8, 60),
        title_fmt,
        head_fmt,
        cell_fmt,
    )
    book.close()
    return buffer.getvalue()


def _sheet(book, name, title, header, rows, widths, title_fmt, head_fmt, cell_fmt) -> None:
    sheet = book.add_worksheet(name)
    sheet.merge_range(0, 0, 0, len(header) - 1, title, title_fmt)
    sheet.write_row(1, 0, header, head_fmt)
    for r, row in enumerate(rows, start=2):
        sheet.write_row(r, 0, row, cell_fmt)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(2, 0)
    sheet.repeat_rows(1)


def to_docx(plan: Plan) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(2))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.add_heading(f"{_title(plan)} 任务分解表", level=1)
    _docx_table(doc, TASK_HEADER, [task_row(t) for t in plan.tasks])
    doc.add_heading("目标", level=1)
    _docx_table(doc, TARGET_HEADER, [target_row(i, t) for i, t in enumerate(plan.targets, 1)])
    for warning in plan.warnings:
        doc.add_paragraph(f"注意:{warning}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_table(doc, header, rows) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


EXPORTERS = {"json": to_json_bytes, "md": to_markdown, "xlsx": to_xlsx, "docx": to_docx}


def export(plan: Plan, fmt: str) -> bytes:
    try:
        return EXPORTERS[fmt](plan)
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}") from None
