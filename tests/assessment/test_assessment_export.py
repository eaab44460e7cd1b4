"""Exports: the .xlsx result table and score sheets, and the .docx score sheet read back as text."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from qcity.assessment.engine import RankedRow, ScoreSheet, rank
from qcity.assessment.export import (
    results_to_docx,
    results_to_xlsx,
    score_sheet_to_docx,
    score_sheet_to_xlsx,
)
from qcity.assessment.scheme import Scheme, fmt
from tests.assessment.assessment_cases import UNITS


@pytest.fixture
def rows(scheme: Scheme) -> list[RankedRow]:
    return rank([make(scheme) for make in UNITS])


def expected_rows(sheet: ScoreSheet) -> list[tuple[str, str, str]]:
    """(name, full points or cap, points earned) for every item, bonus and penalty on the sheet."""
    rows = [(line.name, fmt(line.max_points), f"{line.points:.2f}") for line in sheet.lines]
    adjustments = (*sheet.bonus_lines, *sheet.penalty_lines)
    return rows + [(line.name, fmt(line.cap), f"{line.points:.2f}") for line in adjustments]


def test_results_xlsx(rows: list[RankedRow]) -> None:
    wb = load_workbook(io.BytesIO(results_to_xlsx(rows, title="2024年度考核结果")))
    assert wb.sheetnames == ["汇总", "丁镇", "甲局", "戊局", "丙镇", "乙局"]
    table = [list(r) for r in wb["汇总"].iter_rows(min_row=3, max_row=7, values_only=True)]
    assert [r[:2] for r in table] == [[1, "丁镇"], [1, "甲局"], [3, "戊局"], [4, "丙镇"], [5, "乙局"]]
    assert table[4][5:] == [98.0, "D", "发生区域性质量安全事件", "须整改"]


def test_score_sheet_xlsx_has_every_item(rows: list[RankedRow]) -> None:
    sheet = rows[1].sheet  # 甲局
    ws = load_workbook(io.BytesIO(score_sheet_to_xlsx(sheet))).active
    assert ws is not None
    cells = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    by_code = {r[0]: r for r in cells if r[0]}
    for line in sheet.lines:
        row = by_code[line.code]
        assert line.name in row[1:4] and row[4] == float(line.max_points) and row[5] == float(line.points)
        assert row[8] == line.explanation
    assert by_code["2.1"][6:8] == [15, 14]
    assert [cells[-2][1], cells[-2][5]] == ["最终得分", 89.9]


def test_score_sheet_docx_structure(rows: list[RankedRow]) -> None:
    sheet = rows[1].sheet
    document = docx.Document(io.BytesIO(score_sheet_to_docx(sheet)))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    for name, full, earned in expected_rows(sheet):
        assert name in text and full in text and earned in text


def _docx_to_text(data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "sheet.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"  # a private profile so parallel runs do not lock each other out
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "txt:Text",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (tmp_path / "sheet.txt").read_text(encoding="utf-8-sig")


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装，无法把 .docx 转成文本核对"
)
def test_docx_score_sheet_via_libreoffice(rows: list[RankedRow], tmp_path: Path) -> None:
    sheet = rows[1].sheet  # 甲局: subtotals, a verified score with a reason, a capped bonus
    text = _docx_to_text(score_sheet_to_docx(sheet), tmp_path)
    lines = text.splitlines()
    for name, full, earned in expected_rows(sheet):
        # Table cells come out one per line: 指标 (indented, bonus rows prefixed "加分项"), 分值, 得分.
        at = next(n for n, line in enumerate(lines) if line.strip().endswith(name))
        assert [lines[at + 1].strip(), lines[at + 2].strip()] == [full, earned], (name, lines[at : at + 3])
    assert "按时报送率 92.0% × 20分 = 18.40分" in text
    assert "最终得分：89.90分；等级：B（良好）" in text


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装，无法把 .docx 转成文本核对"
)
def test_docx_results_via_libreoffice(rows: list[RankedRow], tmp_path: Path) -> None:
    text = _docx_to_text(results_to_docx(rows, title="2024年度考核结果"), tmp_path)
    assert "2024年度考核结果" in text
    for row in rows:
        assert row.unit_name in text and f"{row.final_score:.2f}" in text
