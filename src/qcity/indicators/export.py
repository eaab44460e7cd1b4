"""The region overview as an Excel workbook: a summary by status and one row per target with its working."""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter

from qcity.indicators.judgement import STATUS_LABELS
from qcity.indicators.queries import STATUS_ORDER, Overview

OP_WORDS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "increase": "提高", "decrease": "下降",
            "range": "区间", "qualitative": "定性"}  # fmt: skip


def target_words(op: str, value: float | None, value_high: float | None, unit: str) -> str:
    if op == "qualitative" or value is None:
        return "定性目标"
    if op == "range" and value_high is not None:
        return f"{_num(value)}至{_num(value_high)}{unit}"
    return f"{OP_WORDS.get(op, op)}{_num(value)}{unit}"


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def overview_xlsx(view: Overview, as_of: date) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format(
        {"bold": True, "bg_color": "#F0F4F8", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    pct = book.add_format({"num_format": "0%", "valign": "top", "border": 1})
    title = book.add_format({"bold": True, "font_size": 14})
    region = view.region.name if view.region else "全部地区"

    summary = book.add_worksheet("汇总")
    summary.write(
        0, 0, f"{region}指标目标达标研判汇总（截至{as_of.year}年{as_of.month}月{as_of.day}日）", title
    )
    summary.write_row(2, 0, ["研判结果", "目标数"], bold)
    for i, status in enumerate(STATUS_ORDER, start=3):
        summary.write(i, 0, STATUS_LABELS[status], wrap)
        summary.write(i, 1, view.counts.get(status, 0), wrap)
    summary.write(len(STATUS_ORDER) + 3, 0, "合计", bold)
    summary.write(len(STATUS_ORDER) + 3, 1, len(view.rows), bold)
    summary.set_column(0, 0, 18)
    summary.set_column(1, 1, 10)

    sheet = book.add_worksheet("目标明细")
    headers = ["指标", "单位", "目标", "目标年份", "基期", "基期值", "最新期", "最新值", "研判结果", "进度比值",
               "研判依据", "责任单位", "待审核数值"]  # fmt: skip
    sheet.write_row(0, 0, headers, bold)
    for r, v in enumerate(view.rows, start=1):
        t, j, ind = v.target, v.judgement, v.indicator
        cells = [ind.name, ind.unit, target_words(t.op, t.value, t.value_high, t.unit or ind.unit), t.year,
                 _period(j.baseline_period), j.baseline, _period(j.latest_period), j.latest, j.label]  # fmt: skip
        for c, cell in enumerate(cells):
            sheet.write(r, c, cell if cell is not None else "", wrap)
        if j.ratio is not None:
            sheet.write_number(r, 9, j.ratio, pct)
        else:
            sheet.write(r, 9, "", wrap)
        sheet.write(r, 10, "\n".join(j.working), wrap)
        sheet.write(r, 11, v.unit_name or "未指定", wrap)
        sheet.write(r, 12, v.pending, wrap)
    for c, width in enumerate([28, 6, 14, 8, 10, 8, 10, 8, 12, 8, 60, 16, 8]):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(view.rows), 1), len(headers) - 1)
    book.close()
    return buf.getvalue()


def _period(d: date | None) -> str:
    if d is None:
        return ""
    return f"{d.year}年" if d.month == 12 else f"{d.year}年{d.month}月"
