"""Read indicator values from an uploaded .xlsx or .csv into checked rows, without touching the database.

Units' liaisons fill in Excel templates, or save CSV from WPS/Excel on Chinese Windows — which writes GBK. So:

* the sheet is the first one whose header row we recognise (a template may start with an instructions sheet),
  and the header row is the first of the top ten rows that names at least two known columns including the value
  (a template may carry a title row above it);
* a CSV may be UTF-8, UTF-8 with BOM, UTF-16 with BOM or GBK/GB18030; we try them in that order, strictly, and only
  then ask charset-normalizer: on short Chinese files its guesses are less reliable than a strict decode;
* headers are Chinese or English (指标/指标名称/indicator, 地区/区域/region, 期间/年份/时期/period, 数值/值/value,
  分子, 分母, 说明/备注/comment); "数值（%）" and "*指标名称" are read as 数值 and 指标名称;
* every error names the row as Excel shows it (header = row 1 unless a title sits above it), the column as the
  user wrote it, and the reason in Chinese. Row 0 means the file as a whole. The caller saves nothing unless
  `errors` is empty;
* the checks are those of a value entered by hand (qcity.indicators.validation): the period has ended and is not
  implausibly old, the 说明 is within its limit (refused, never cut), numerator and denominator agree with the
  value — which may be left empty when both are given, and is then computed.

Names are resolved by callables the caller passes (find_indicator, find_region), so this module stays pure.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from qcity.indicators.validation import (
    FIELD_LABELS,
    IndicatorMeta,
    check_text,
    derived_value,
    validate_period,
    validate_value,
)
from qcity.kit.dates import today_cn

COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("指标", "指标名称", "指标名", "indicator", "indicatorname"),
    "region": ("地区", "区域", "地区名称", "区域名称", "行政区划", "region"),
    "period": ("期间", "年份", "时期", "年度", "统计期", "统计期间", "period", "year"),
    "value": ("数值", "值", "指标值", "value"),
    "numerator": ("分子", "numerator"),
    "denominator": ("分母", "denominator"),
    "comment": ("说明", "备注", "comment", "comments", "note", "notes", "remark", "remarks"),
}
COLUMN_NAMES = {"indicator": "指标", "region": "地区", "period": "期间", **FIELD_LABELS}
REQUIRED = ("indicator", "region", "period", "value")
HEADER_SCAN_ROWS = 10
BLANKS = {"", "-", "—", "/", "无"}  # how people leave a cell empty on purpose
NOTE_PREFIXES = ("注", "说明", "备注", "填表", "制表", "审核", "数据来源")
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

FindIndicator = Callable[[str], IndicatorMeta | None]
FindRegion = Callable[[str], Hashable | None]


@dataclass(frozen=True)
class ReportPeriod:
    """A reporting period: `end` is the day its data close (the date the judgement uses).

    kind: "year", "half", "quarter", "month", "months" (cumulative, 1—9月) or "day".
    """

    end: date
    kind: str
    label: str


@dataclass(frozen=True)
class ImportRow:
    row: int
    indicator: IndicatorMeta
    region: Hashable  # what find_region returned
    region_name: str
    period: ReportPeriod
    value: float
    numerator: float | None = None
    denominator: float | None = None
    comment: str | None = None


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it; 0 = the file as a whole
    column: str  # the header as the user wrote it ("" when the error is not about one column)
    message: str
    column_letter: str = ""

    def __str__(self) -> str:
        where = "文件" if self.row == 0 else f"第{self.row}行"
        if self.column:
            where += f"“{self.column}”列" + (f"（{self.column_letter}列）" if self.column_letter else "")
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is Chinese."""


@dataclass(frozen=True)
class _Cell:
    value: Any
    number_format: str = "General"


_Grid = list[tuple[int, list[_Cell]]]  # (row number as Excel shows it, cells)


@dataclass(frozen=True)
class _Header:
    row: int
    columns: dict[str, int]  # field → column index
    titles: dict[str, str]  # field → header text as written


class _CellError(ValueError):
    """A cell that cannot be read; the message is Chinese."""


def import_values(
    source: bytes | str | PathLike[str],
    find_indicator: FindIndicator,
    find_region: FindRegion,
    *,
    filename: str = "",
    history: Callable[[IndicatorMeta, Hashable, ReportPeriod], Sequence[float]] | None = None,
    default_region: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Parse and check an upload. `source`: the file's bytes (give `filename`) or a path.

    history(indicator, region, period) returns that series' earlier values, for the jump check.
    default_region: used when the file has no 地区 column (a county that reports only for itself).
    today: the day periods must have ended by (default: today in China).
    """
    if not isinstance(source, bytes):
        filename = filename or Path(source).name
        source = Path(source).read_bytes()
    try:
        grid = read_grid(source, filename)
    except FileProblem as exc:
        return ImportResult(errors=[RowError(0, "", str(exc))])
    return _Importer(find_indicator, find_region, history, default_region, today or today_cn()).run(grid)


def read_grid(data: bytes, filename: str = "") -> _Grid:
    """The non-blank rows of the first sheet (or the CSV), with their row numbers."""
    if data.startswith(XLS_MAGIC):
        raise FileProblem("不支持旧版Excel（.xls）文件，请另存为.xlsx或.csv后上传")
    if data.startswith(XLSX_MAGIC):
        return _xlsx_grid(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileProblem("文件不是有效的.xlsx文件，可能已损坏")
    return _csv_grid(decode_text(data))


def decode_text(data: bytes) -> str:
    """Text of a CSV: BOMs first, then strict UTF-8, then strict GB18030 (a superset of GBK), then a guess."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes  # only for the rare file neither decode accepts

    best = from_bytes(data).best()
    if best is None:
        raise FileProblem("无法识别文件编码，请另存为UTF-8或GBK编码的CSV文件")
    return str(best)


def _xlsx_grid(data: bytes) -> _Grid:
    from openpyxl import load_workbook  # imported here: the CSV path should not pay for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook fails in many ways (KeyError, XML errors, ...)
        raise FileProblem("无法读取该Excel文件，请确认是.xlsx格式") from exc
    try:
        return _pick_sheet(book.worksheets)
    except FileProblem:
        raise
    except Exception as exc:  # read-only sheets parse lazily: broken XML surfaces here
        raise FileProblem("Excel文件内容已损坏，无法读取") from exc
    finally:
        book.close()


def _pick_sheet(sheets: Sequence[Any]) -> _Grid:
    """The first sheet with a recognisable header; else the first sheet, which will report the missing header."""
    first: _Grid | None = None
    for sheet in sheets:
        grid = _sheet_grid(sheet)
        if _find_header(grid) is not None:
            return grid
        first = grid if first is None else first
    return first or []


def _sheet_grid(sheet: Any) -> _Grid:
    grid: _Grid = []
    for number, row in enumerate(sheet.iter_rows(min_row=1), start=1):
        cells = [_Cell(c.value, getattr(c, "number_format", None) or "General") for c in row]
        if any(_text(c) for c in cells):
            grid.append((number, cells))
    return grid


def _csv_grid(text: str) -> _Grid:
    text = text.replace("\x00", "")  # no database text column can hold NUL; it carries no meaning in a CSV
    # Count over several lines: a title row above the header may hold no delimiter at all.
    head = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    delimiter = max((",", "\t", ";"), key=head.count)  # ties (none found) go to the comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Excel shows one record per row, even when a quoted cell spans lines: count records, not lines.
        return [
            (n, [_Cell(v) for v in rec])
            for n, rec in enumerate(reader, start=1)
            if any(v.strip() for v in rec)
        ]
    except (
        csv.Error
    ) as exc:  # a cell over csv's size limit, usually an unterminated quote swallowing the file
        raise FileProblem(
            f"CSV文件第{reader.line_num}行附近格式有误，请用Excel打开后另存为CSV再上传"
        ) from exc


# --- headers --------------------------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).strip().lower().lstrip("*").strip()
    key = re.sub(r"\(.*?\)$", "", key)  # 数值（%） → 数值; NFKC has turned （） into ()
    return re.sub(r"[\s_]+", "", key)


_ALIASES = {_header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _find_header(grid: _Grid) -> _Header | None:
    for number, cells in grid[:HEADER_SCAN_ROWS]:
        columns: dict[str, int] = {}
        titles: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = _ALIASES.get(_header_key(_text(cell)))
            if name and name not in columns:
                columns[name], titles[name] = index, _text(cell)
        if "value" in columns and len(columns) >= 2:
            return _Header(number, columns, titles)
    return None


def _header_errors(header: _Header, grid: _Grid, has_default_region: bool) -> list[RowError]:
    errors = []
    for name in REQUIRED:
        if name not in header.columns and not (name == "region" and has_default_region):
            aliases = "、".join(a for a in COLUMNS[name] if not a.isascii())
            errors.append(RowError(header.row, COLUMN_NAMES[name], f"缺少必填列（列名可写作：{aliases}）"))
    cells = next(c for n, c in grid if n == header.row)
    for index, cell in enumerate(cells):
        alias = _ALIASES.get(_header_key(_text(cell)))
        if alias and header.columns[alias] != index:
            first = _letter(header.columns[alias])
            errors.append(
                RowError(
                    header.row, _text(cell), f"与{first}列重复，都表示“{COLUMN_NAMES[alias]}”", _letter(index)
                )
            )
    return errors


# --- rows -----------------------------------------------------------------------------------------------------


class _Importer:
    def __init__(
        self,
        find_indicator: FindIndicator,
        find_region: FindRegion,
        history: Callable[[IndicatorMeta, Hashable, ReportPeriod], Sequence[float]] | None,
        default_region: str | None,
        today: date,
    ) -> None:
        self.find_indicator = _cached(find_indicator)
        self.find_region = _cached(find_region)
        self.history = history
        self.default_region = default_region
        self.today = today
        self.header = _Header(0, {}, {})

    def run(self, grid: _Grid) -> ImportResult:
        header = _find_header(grid)
        if header is None:
            message = "未找到表头：表头行应包含“指标”“地区”“期间”“数值”等列名"
            return ImportResult(errors=[RowError(grid[0][0] if grid else 1, "", message)])
        self.header = header
        errors = _header_errors(header, grid, self.default_region is not None)
        if errors:
            return ImportResult(errors=errors)
        result = ImportResult()
        seen: dict[tuple[Hashable, ...], int] = {}
        for number, cells in grid:
            if number > header.row and not _is_note(cells):
                self._add(result, number, cells, seen)
        if not result.rows and not result.errors:
            result.errors.append(RowError(header.row + 1, "", "文件中没有数据行"))
        return result

    def _add(
        self, result: ImportResult, number: int, cells: list[_Cell], seen: dict[tuple[Hashable, ...], int]
    ) -> None:
        row, errors = self._row(number, cells)
        result.errors += errors
        if row is None:
            return
        key = (
            row.indicator.key if row.indicator.key is not None else row.indicator.name,
            row.region,
            row.period,
        )
        if key in seen:
            message = f"与第{seen[key]}行重复（同一指标、地区和期间）"
            result.errors.append(
                RowError(number, self._title("indicator"), message, self._letter("indicator"))
            )
            return
        seen[key] = number
        result.rows.append(row)

    def _row(self, number: int, cells: list[_Cell]) -> tuple[ImportRow | None, list[RowError]]:
        errors: list[RowError] = []

        def read(name: str, parse: Callable[[_Cell], Any]) -> Any:
            try:
                return parse(self._cell(cells, name))
            except _CellError as exc:
                errors.append(self._error(number, name, str(exc)))
                return None

        indicator = read("indicator", self._indicator)
        region_name = read("region", self._region_name)
        region = read("region", self._region) if region_name else None
        period = read("period", _period)
        value = read("value", _number)  # may be left empty when numerator and denominator are given
        numerator = read("numerator", _number)
        denominator = read("denominator", _number)
        comment = read("comment", _comment)
        if indicator is not None and period is not None:  # reported with the other cells' errors
            problems = validate_period(indicator, period.end, period.label, self.today)
            errors += [self._error(number, p.field, p.message) for p in problems]
        if errors:
            return None, errors
        if value is None:
            value = derived_value(indicator, numerator, denominator)
        past = self.history(indicator, region, period) if self.history else ()
        problems = validate_value(indicator, value, past, comment, numerator, denominator)
        errors = [self._error(number, p.field, p.message) for p in problems]
        if errors:
            return None, errors
        assert value is not None
        return ImportRow(
            number, indicator, region, region_name, period, value, numerator, denominator, comment
        ), []

    def _indicator(self, cell: _Cell) -> IndicatorMeta:
        name = _text(cell)
        if not name:
            raise _CellError("指标为空")
        meta = self.find_indicator(name)
        if meta is None:
            raise _CellError(f"未找到指标“{name}”，请核对指标名称")
        return meta

    def _region_name(self, cell: _Cell) -> str:
        name = _text(cell) or (self.default_region or "")
        if not name:
            raise _CellError("地区为空")
        return name

    def _region(self, cell: _Cell) -> Hashable:
        name = self._region_name(cell)
        region = self.find_region(name)
        if region is None:
            raise _CellError(f"未找到地区“{name}”，请核对地区名称")
        return region

    def _cell(self, cells: list[_Cell], name: str) -> _Cell:
        index = self.header.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else _Cell(None)

    def _error(self, number: int, name: str, message: str) -> RowError:
        return RowError(number, self._title(name), message, self._letter(name))

    def _title(self, name: str) -> str:
        return self.header.titles.get(name, COLUMN_NAMES.get(name, name))

    def _letter(self, name: str) -> str:
        index = self.header.columns.get(name)
        return _letter(index) if index is not None else ""


def _cached(find: Callable[[str], Any]) -> Callable[[str], Any]:
    """One lookup per distinct name: a file repeats the same indicators and regions on every row."""
    memo: dict[str, Any] = {}

    def lookup(name: str) -> Any:
        if name not in memo:
            memo[name] = find(name)
        return memo[name]

    return lookup


def _is_note(cells: list[_Cell]) -> bool:
    """A footer such as "填表人：张三" or "注：…" in a single cell is not a data row."""
    filled = [t for t in (_text(c) for c in cells) if t]
    return len(filled) == 1 and filled[0].startswith(NOTE_PREFIXES)


# --- cells ----------------------------------------------------------------------------------------------------


def _text(cell: _Cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _comment(cell: _Cell) -> str | None:
    """The 说明 as written: too long is an error, never cut."""
    text = _text(cell)
    problems = check_text("comment", text)
    if problems:
        raise _CellError(problems[0].message)
    return text or None


def _number(cell: _Cell) -> float | None:
    """A number from a cell. An Excel percentage cell (shown 96.5%, stored 0.965) reads as 96.5."""
    v = cell.value
    if isinstance(v, bool):
        raise _CellError(f"“{v}”不是数字")
    if isinstance(v, int | float):
        if not math.isfinite(v):
            raise _CellError("不是有效的数字")
        return round(v * 100, 10) if "%" in cell.number_format else float(v)
    text = unicodedata.normalize("NFKC", _text(cell)).replace(",", "").replace(" ", "")
    if text in BLANKS:
        return None
    try:
        number = float(text.removesuffix("%"))
    except ValueError:
        raise _CellError(f"“{_text(cell)}”不是数字") from None
    if not math.isfinite(number):
        raise _CellError(f"“{_text(cell)}”不是有效的数字")
    return number


def _period(cell: _Cell) -> ReportPeriod:
    v = cell.value
    if isinstance(v, datetime | date):
        return _date_period(v if not isinstance(v, datetime) else v.date(), cell.number_format)
    text = _text(cell)
    if not text:
        raise _CellError("期间为空")
    period = parse_period(text)
    if period is None:
        raise _CellError(
            f"无法识别期间“{text}”，请写作2024、2024年、2024年第一季度、2024年上半年或2024年6月等"
        )
    return period


def _date_period(d: date, number_format: str) -> ReportPeriod:
    """An Excel date cell formatted as yyyy or yyyy-mm means a year or a month, not that day."""
    fmt = re.sub(
        r"\[.*?\]|\".*?\"", "", number_format.lower()
    )  # drop colours/locales and quoted text (年, 月)
    if "d" not in fmt and "m" not in fmt and "y" in fmt:
        return _year(d.year)
    if "d" not in fmt and "m" in fmt:
        return _month(d.year, d.month)
    return ReportPeriod(d, "day", f"{d.year}年{d.month}月{d.day}日")


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})年?度?"), "year"),
    (re.compile(r"(\d{4})(?:年|-)?(上|下)半年"), "half"),
    (re.compile(r"(\d{4})(?:年|-)?h([12])"), "half"),
    (re.compile(r"(\d{4})(?:年|-)?第?([1-4一二三四])季度?"), "quarter"),
    (re.compile(r"(\d{4})(?:年|-)?q([1-4])"), "quarter"),
    (re.compile(r"(\d{4})年?前三季度"), "first_three_quarters"),
    (re.compile(r"(\d{4})(?:年|[-/.])(\d{1,2})[-—–~至](\d{1,2})月?"), "months"),
    (re.compile(r"(\d{4})(?:年|[-/.])(\d{1,2})月?"), "month"),
    (re.compile(r"(\d{4})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})日?"), "day"),
]


def parse_period(text: str) -> ReportPeriod | None:
    """Read 2024, 2024年(度), 2024年上半年/2024H1, 2024年第一季度/2024Q1, 2024年1-9月, 2024年6月, 2024-06-30."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(key)
        if match:
            try:
                return _build_period(kind, match.groups())
            except ValueError:
                return None
    return None


def _build_period(kind: str, groups: Sequence[str]) -> ReportPeriod:
    year = int(groups[0])
    if not 1900 <= year <= 2100:
        raise ValueError(year)
    if kind == "year":
        return _year(year)
    if kind == "half":
        half = 1 if groups[1] in ("上", "1") else 2
        return ReportPeriod(_month_end(year, 6 * half), "half", f"{year}年{'上' if half == 1 else '下'}半年")
    if kind == "quarter":
        quarter = _CN_DIGITS[groups[1]]
        return ReportPeriod(_month_end(year, 3 * quarter), "quarter", f"{year}年第{quarter}季度")
    if kind == "first_three_quarters":
        return ReportPeriod(_month_end(year, 9), "months", f"{year}年1—9月")
    if kind == "months":
        first, last = int(groups[1]), int(groups[2])
        if not 1 <= first <= last <= 12:
            raise ValueError(groups)
        return ReportPeriod(_month_end(year, last), "months", f"{year}年{first}—{last}月")
    if kind == "month":
        return _month(year, int(groups[1]))
    d = date(year, int(groups[1]), int(groups[2]))
    return ReportPeriod(d, "day", f"{d.year}年{d.month}月{d.day}日")


def _year(year: int) -> ReportPeriod:
    return ReportPeriod(date(year, 12, 31), "year", f"{year}年")


def _month(year: int, month: int) -> ReportPeriod:
    return ReportPeriod(_month_end(year, month), "month", f"{year}年{month}月")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])  # raises ValueError for a month out of 1–12


def _letter(index: int) -> str:
    """Excel column letters: 0 → A, 25 → Z, 26 → AA (a CSV opened in Excel shows the same)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
