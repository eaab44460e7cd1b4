"""Importing indicator values from real .xlsx and .csv files written to disk."""

from __future__ import annotations

import zipfile
from collections.abc import Hashable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from qcity.indicators.importer import ImportResult, ReportPeriod, RowError, import_values, parse_period
from qcity.indicators.validation import IndicatorMeta, Rule

PASS_RATE = IndicatorMeta(
    "食品抽检合格率",
    unit="%",
    key=1,
    rules=(Rule("range", min=0, max=100), Rule("ratio", scale=100), Rule("jump")),
)
TRADEMARKS = IndicatorMeta("有效注册商标数", unit="件", key=2, rules=())
INDICATORS = {m.name: m for m in (PASS_RATE, TRADEMARKS)}
REGIONS = {"宜昌市": 420500, "夷陵区": 420506}
HEADER = ["指标名称", "地区", "年份", "数值", "分子", "分母", "备注"]


def write_xlsx(path: Path, rows: list[list[Any]], formats: dict[str, str] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def run(path: Path, **kwargs: Any) -> ImportResult:
    return import_values(path, INDICATORS.get, REGIONS.get, **kwargs)


def test_xlsx_imports_every_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "values.xlsx",
        [
            HEADER,
            ["食品抽检合格率", "宜昌市", 2023, 98.2, 982, 1000, None],
            ["食品抽检合格率", "夷陵区", "2024年第一季度", 0.975, None, None, "季度数据"],
            ["有效注册商标数", "宜昌市", "2023年", "61,234", None, None, None],
        ],
        formats={"D3": "0.0%"},  # shown as 97.5%, stored as 0.975
    )
    result = run(path)
    assert result.errors == []
    assert [(r.row, r.indicator.key, r.region, r.period.label, r.value) for r in result.rows] == [
        (2, 1, 420500, "2023年", 98.2),
        (3, 1, 420506, "2024年第1季度", 97.5),
        (4, 2, 420500, "2023年", 61234.0),
    ]
    assert result.rows[0].period.end == date(2023, 12, 31)
    assert result.rows[1].comment == "季度数据"
    assert (result.rows[0].numerator, result.rows[0].denominator) == (982, 1000)


def test_one_bad_row_names_row_column_and_reason(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "values.xlsx",
        [
            HEADER,
            ["食品抽检合格率", "宜昌市", 2023, 98.2, None, None, None],
            ["食品抽检合格率", "夷陵区", 2023, "九十八", None, None, None],
            ["食品抽检合格率", "夷陵区", 2022, 97.9, None, None, None],
        ],
    )
    result = run(path)
    assert result.errors == [RowError(3, "数值", "“九十八”不是数字", "D")]
    assert str(result.errors[0]) == "第3行“数值”列（D列）：“九十八”不是数字"
    assert not result.ok


def test_gbk_csv_imports(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "values.csv",
        [
            ["指标", "区域", "期间", "值", "说明"],
            ["食品抽检合格率", "宜昌市", "2023年上半年", "98.6", "已核实"],
        ],
        "gbk",
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # it really is GBK
    result = run(path)
    assert result.errors == []
    row = result.rows[0]
    assert (row.indicator, row.region, row.value, row.comment) == (PASS_RATE, 420500, 98.6, "已核实")
    assert row.period == ReportPeriod(date(2023, 6, 30), "half", "2023年上半年")


def test_gb18030_only_characters_survive(tmp_path: Path) -> None:
    # 㐀 (U+3400) is in GB18030 but not in GBK.
    path = write_csv(
        tmp_path / "v.csv",
        [["指标", "地区", "期间", "数值", "备注"], ["有效注册商标数", "宜昌市", "2023", "5", "㐀"]],
        "gb18030",
    )
    assert run(path).rows[0].comment == "㐀"


def test_nul_in_a_csv_is_dropped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "v.csv",
        [["指标", "地区", "期间", "数值", "备注"], ["有效注册商标数", "宜昌市", "2023", "5", "已\x00核实"]],
        "utf-8",
    )
    result = run(path)
    assert result.errors == [] and result.rows[0].comment == "已核实"


def test_utf8_bom_csv_with_english_headers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "v.csv",
        [["Indicator", "Region", "Period", "Value"], ["有效注册商标数", "夷陵区", "2024-06", "812"]],
        "utf-8-sig",
    )
    result = run(path)
    assert result.errors == []
    assert result.rows[0].period == ReportPeriod(date(2024, 6, 30), "month", "2024年6月")


def test_bad_csv_row_counts_rows_as_excel_shows_them(tmp_path: Path) -> None:
    rows = [
        ["指标", "地区", "期间", "数值"],
        ["食品抽检合格率", "宜昌市", "2023", "98"],
        ["", "", "", ""],  # a blank line is still row 3 in Excel
        ["食品抽检合格率", "宜昌市", "明年", "98"],
    ]
    result = run(write_csv(tmp_path / "v.csv", rows, "gbk"))
    assert [(e.row, e.column, e.column_letter) for e in result.errors] == [(4, "期间", "C")]
    assert "无法识别期间“明年”" in result.errors[0].message


def test_title_row_above_the_header(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "v.xlsx",
        [
            ["2023年质量强市指标数据填报表"],
            ["*指标名称", "地区", "期间", "数值（%）"],
            ["食品抽检合格率", "宜昌市", 2023, 101],
        ],
    )
    result = run(path)
    assert result.errors == [RowError(3, "数值（%）", "数值101%高于上限100%", "D")]


def test_missing_required_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "v.xlsx", [["指标", "地区", "数值"], ["食品抽检合格率", "宜昌市", 98]])
    result = run(path)
    assert [(e.row, e.column) for e in result.errors] == [(1, "期间")]
    assert result.errors[0].message.startswith("缺少必填列")


def test_unknown_names_are_reported_with_the_header_as_written(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "v.xlsx", [HEADER, ["食品合格率", "西陵区", 2023, 98, None, None, None]])
    result = run(path)
    assert [(e.column, e.message) for e in result.errors] == [
        ("指标名称", "未找到指标“食品合格率”，请核对指标名称"),
        ("地区", "未找到地区“西陵区”，请核对地区名称"),
    ]


def test_jump_without_comment_points_at_the_comment_column(tmp_path: Path) -> None:
    def history(indicator: IndicatorMeta, region: Hashable, period: ReportPeriod) -> Sequence[float]:
        return [97.0, 98.0, 97.5, 98.5]

    path = write_xlsx(
        tmp_path / "v.xlsx",
        [
            HEADER,
            ["食品抽检合格率", "宜昌市", 2023, 9.85, None, None, None],
            ["食品抽检合格率", "夷陵区", 2023, 80, None, None, "新增高风险品类抽检"],
        ],
    )
    result = run(path, history=history)
    assert [(e.row, e.column, e.column_letter) for e in result.errors] == [(2, "备注", "G")]
    assert "请在说明中写明原因" in result.errors[0].message


def test_numerator_above_denominator(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "v.xlsx", [HEADER, ["食品抽检合格率", "宜昌市", 2023, 98, 1020, 1000, None]])
    assert [(e.column, e.message) for e in run(path).errors] == [("分子", "分子1020大于分母1000")]


def test_duplicate_rows_are_refused(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        HEADER,
        *[["有效注册商标数", "宜昌市", y, 5, None, None, None] for y in (2023, "2023年")],
    ]
    result = run(write_xlsx(tmp_path / "v.xlsx", rows))
    assert [(e.row, e.message) for e in result.errors] == [(3, "与第2行重复（同一指标、地区和期间）")]


def test_default_region_when_the_file_has_no_region_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "v.csv", [["指标", "年份", "数值"], ["有效注册商标数", "2023", "１２３"]], "utf-8"
    )
    result = run(path, default_region="夷陵区")
    assert [(r.region, r.value) for r in result.rows] == [(420506, 123.0)]
    assert [e.column for e in run(path).errors] == ["地区"]


def test_footer_notes_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        HEADER,
        ["有效注册商标数", "宜昌市", 2023, 5, None, None, None],
        [],
        ["填表人：张三"],
    ]
    result = run(write_xlsx(tmp_path / "v.xlsx", rows))
    assert result.errors == [] and len(result.rows) == 1


def test_excel_date_cell_formatted_as_a_year(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "v.xlsx",
        [HEADER, ["有效注册商标数", "宜昌市", datetime(2023, 1, 1), 5, None, None, None]],
        {"C2": "yyyy"},
    )
    assert run(path).rows[0].period == ReportPeriod(date(2023, 12, 31), "year", "2023年")


def test_old_xls_is_refused_for_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = run(path)
    assert [(e.row, e.column) for e in result.errors] == [(0, "")]
    assert ".xlsx" in result.errors[0].message


def test_empty_sheet_has_no_header(tmp_path: Path) -> None:
    result = run(write_xlsx(tmp_path / "v.xlsx", []))
    assert "未找到表头" in result.errors[0].message


def test_header_only_has_no_data_rows(tmp_path: Path) -> None:
    result = run(write_xlsx(tmp_path / "v.xlsx", [HEADER]))
    assert result.errors == [RowError(2, "", "文件中没有数据行")]


def test_bytes_upload_with_filename() -> None:
    data = "指标,地区,期间,数值\n有效注册商标数,宜昌市,2023,5\n".encode("gbk")
    result = import_values(data, INDICATORS.get, REGIONS.get, filename="上传.csv")
    assert result.ok and result.rows[0].value == 5


@pytest.mark.parametrize(
    ("text", "end", "kind", "label"),
    [
        ("2024", date(2024, 12, 31), "year", "2024年"),
        ("2024年度", date(2024, 12, 31), "year", "2024年"),
        ("2024年上半年", date(2024, 6, 30), "half", "2024年上半年"),
        ("2024H2", date(2024, 12, 31), "half", "2024年下半年"),
        ("2024年第三季度", date(2024, 9, 30), "quarter", "2024年第3季度"),
        ("2024Q1", date(2024, 3, 31), "quarter", "2024年第1季度"),
        ("2024年1-9月", date(2024, 9, 30), "months", "2024年1—9月"),
        ("2024年前三季度", date(2024, 9, 30), "months", "2024年1—9月"),
        ("2024年2月", date(2024, 2, 29), "month", "2024年2月"),
        ("2024/06", date(2024, 6, 30), "month", "2024年6月"),
        ("２０２４年６月３０日", date(2024, 6, 30), "day", "2024年6月30日"),
    ],
)
def test_parse_period(text: str, end: date, kind: str, label: str) -> None:
    assert parse_period(text) == ReportPeriod(end, kind, label)


@pytest.mark.parametrize("text", ["明年", "2024年13月", "2024年第五季度", "24年", "2024-02-30"])
def test_parse_period_refuses(text: str) -> None:
    assert parse_period(text) is None


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    result = run(path)
    assert [(e.row, e.message) for e in result.errors] == [(0, "无法读取该Excel文件，请确认是.xlsx格式")]


def test_the_first_sheet_with_a_header_is_read(tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.append(["填报说明：请在第二个工作表填写"])
    data = book.create_sheet("数据")
    data.append(["指标", "地区", "期间", "数值"])
    data.append(["有效注册商标数", "宜昌市", 2023, 5])
    book.save(tmp_path / "v.xlsx")
    assert [r.value for r in run(tmp_path / "v.xlsx").rows] == [5]


def test_tab_separated_utf16_from_excel_unicode_text(tmp_path: Path) -> None:
    # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated, often under a title row.
    text = "2023年填报表\r\n指标\t地区\t期间\t数值\r\n有效注册商标数\t宜昌市\t2023\t7\r\n"
    path = tmp_path / "v.txt"
    path.write_bytes(text.encode("utf-16"))
    result = run(path)
    assert result.errors == [] and result.rows[0].row == 3


# --- the checks a value entered by hand gets: period, numerator/denominator, 说明 -------------------------------

TODAY = date(2026, 11, 23)


def blank(rows: list[list[Any]]) -> list[list[Any]]:
    """None as an empty CSV cell."""
    return [["" if c is None else c for c in r] for r in rows]


def test_a_period_not_yet_ended_or_implausibly_old_is_refused(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        HEADER,
        ["有效注册商标数", "宜昌市", "2099", 5, None, None, None],
        ["有效注册商标数", "宜昌市", "1900", 5, None, None, None],
        ["有效注册商标数", "宜昌市", "2026年", 5, None, None, None],  # ends 31 December, after TODAY
        ["有效注册商标数", "宜昌市", "2026年10月", 5, None, None, None],
        ["有效注册商标数", "宜昌市", "1949", 5, None, None, None],
    ]
    for path in (write_xlsx(tmp_path / "v.xlsx", rows), write_csv(tmp_path / "v.csv", blank(rows), "utf-8")):
        result = run(path, today=TODAY)
        assert [(e.row, e.column, e.column_letter) for e in result.errors] == [
            (2, "年份", "C"),
            (3, "年份", "C"),
            (4, "年份", "C"),
        ], path
        assert result.errors[0].message == "期间2099年尚未结束（截至2099年12月31日），不能填报未来期间的数值"
        assert result.errors[1].message == "期间1900年早于1949年，请核对年份"
        assert [r.row for r in result.rows] == [5, 6]


def test_a_future_period_is_reported_with_the_rows_other_errors(tmp_path: Path) -> None:
    rows: list[list[Any]] = [HEADER, ["有效注册商标数", "宜昌市", "2099", "五", None, None, None]]
    result = run(write_xlsx(tmp_path / "v.xlsx", rows), today=TODAY)
    assert sorted((e.column_letter, e.column) for e in result.errors) == [("C", "年份"), ("D", "数值")]


def test_numerator_and_denominator_must_agree_with_the_value(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        HEADER,
        ["食品抽检合格率", "宜昌市", 2023, 99, 50, 100, None],
        ["食品抽检合格率", "夷陵区", 2023, 5, 5, 0, None],
        ["有效注册商标数", "宜昌市", 2023, 5, 5, 0, None],  # no ratio rule: still no division by 0
    ]
    result = run(write_xlsx(tmp_path / "v.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "数值"), (3, "分母"), (4, "分母")]
    assert result.errors[0].message.startswith("数值99与分子÷分母×100算得的50不一致")
    assert result.errors[1].message == "分母必须大于0（现为0）"


def test_a_value_left_empty_is_computed_from_numerator_and_denominator(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        HEADER,
        ["食品抽检合格率", "宜昌市", 2023, None, 964.3, 1000, None],
        ["食品抽检合格率", "夷陵区", 2023, "-", 2, 3, None],
    ]
    result = run(write_csv(tmp_path / "v.csv", blank(rows), "utf-8"))
    assert result.errors == []
    assert [(r.value, r.numerator, r.denominator) for r in result.rows] == [
        (96.43, 964.3, 1000),
        (66.67, 2, 3),
    ]
    # Without both parts, or for an indicator without a scale, an empty value stays an error.
    rows = [HEADER, ["食品抽检合格率", "宜昌市", 2023, None, 964.3, None, None],
            ["有效注册商标数", "宜昌市", 2023, None, 5, 10, None]]  # fmt: skip
    result = run(write_csv(tmp_path / "w.csv", blank(rows), "utf-8"))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "分母", "已填写分子，分母也须填写"),
        (2, "数值", "数值为空"),
        (3, "数值", "数值为空"),
    ]


def test_an_over_long_comment_is_refused_not_cut(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        HEADER,
        ["有效注册商标数", "宜昌市", 2023, 5, None, None, "说" * 3000],
        ["有效注册商标数", "宜昌市", 2022, 5, None, None, "说" * 2000],
    ]
    for path in (write_xlsx(tmp_path / "v.xlsx", rows), write_csv(tmp_path / "v.csv", blank(rows), "utf-8")):
        result = run(path)
        assert result.errors == [
            RowError(2, "备注", "说明不能超过2000字（现有3000字），请精简后再保存", "G")
        ], path
        assert [(r.row, r.comment) for r in result.rows] == [(3, "说" * 2000)]
