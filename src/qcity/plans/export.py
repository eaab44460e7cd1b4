"""The 任务分解表 of a plan in the database, as Excel (XlsxWriter) and Word (python-docx) that staff can edit."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from qcity.kit.dates import fmt_date

HEADERS = ["序号", "任务", "具体内容", "牵头单位", "参与单位", "完成时限", "进展", "灯号"]
WIDTHS = [6, 24, 50, 22, 30, 14, 16, 8]


@dataclass(frozen=True)
class Row:
    no: str
    title: str
    content: str
    leads: list[str]
    participants: list[str]
    due: date | None
    deadline_text: str | None
    progress: str
    light: str

    def cells(self) -> list[str]:
        due = fmt_date(self.due) if self.due else (self.deadline_text or "")
        content = "" if self.content.strip() == self.title.strip() else self.content
        return [self.no, self.title, content, "、".join(self.leads), "、".join(self.participants), due,
                self.progress, self.light]  # fmt: skip


def to_xlsx(title: str, rows: list[Row], note: str = "") -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("任务分解表")
    head = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "bg_color": "#F0F4F8",
                            "font_name": "宋体"})  # fmt: skip
    cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1, "font_name": "宋体"})
    caption = book.add_format({"bold": True, "font_size": 14, "font_name": "宋体"})
    sheet.write(0, 0, f"{title} 任务分解表", caption)
    if note:
        sheet.write(1, 0, note)
    for col, (name, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write(2, col, name, head)
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row.cells()):
            sheet.write_string(r, col, value, cell)
    sheet.freeze_panes(3, 0)
    sheet.autofilter(2, 0, 2 + len(rows), len(HEADERS) - 1)
    book.close()
    return buf.getvalue()


def to_docx(title: str, rows: list[Row], note: str = "") -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading(f"{title} 任务分解表", level=1)
    if note:
        doc.add_paragraph(note)
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for i, name in enumerate(HEADERS):
        table.rows[0].cells[i].text = name
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row.cells()):
            cells[i].text = value
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
