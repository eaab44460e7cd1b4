"""The 考核方案 as the .xlsx form offices already use: one row per leaf item
(一级指标 | 二级指标 | 三级指标 | 分值 | 评分方法 | 评分标准 | 数据来源 | 佐证材料要求 | 类型 | 编码), parents'
points written into their names ("组织领导（20分）"), then 加分项 / 扣分项 / 一票否决项 rows; a 方案设置 sheet
carries what the form has no column for. Pure: no database, no web.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qcity.assessment.scheme import (
    FORMULA_FOR_KIND,
    LEVEL_NAMES,
    MAX_DEPTH,
    METRICS,
    AdjustmentItem,
    Item,
    Scheme,
    SchemeError,
    SchemeIssue,
    _num,
    build_scheme,
    check_scheme,
    fmt,
    item_path,
    to_decimal,
)

XLSX_COLUMNS = (*LEVEL_NAMES, "分值", "评分方法", "评分标准", "数据来源", "佐证材料要求", "类型", "编码")
SETTINGS_SHEET = "方案设置"
SECTION_KINDS = {  # 一级指标 names (or 类型 values) that mark the special rows
    "加分项": "bonus",
    "加分": "bonus",
    "扣分项": "penalty",
    "扣分": "penalty",
    "减分项": "penalty",
    "一票否决项": "veto",
    "一票否决": "veto",
    "否决项": "veto",
    "指标": "item",
    "考核指标": "item",
}
SECTION_NAMES = {"bonus": "加分项", "penalty": "扣分项", "veto": "一票否决项", "item": "指标"}
_POINTS_SUFFIX = re.compile(r"[（(]\s*(?:最高|最多|上限)?\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_NO_EVIDENCE = {"", "无", "不需要", "无需", "-", "—", "/"}


def split_points(name: str) -> tuple[str, Decimal | None]:
    """'组织领导（20分）' → ('组织领导', 20): offices write a parent's points into its name."""
    match = _POINTS_SUFFIX.search(name)
    if not match:
        return name.strip(), None
    return name[: match.start()].strip(), Decimal(match.group(1))


def method_text(item: Item) -> str:
    """评分方法 cell for a leaf; `parse_method` reads it back."""
    if item.method != "data":
        return "人工评分"
    label = METRICS[item.metric][0]
    if item.formula == "deduct":
        text = f"数据：{label}，每次扣{fmt(item.deduct_per_unit)}分，最低{fmt(item.floor)}分"
    else:
        text = f"数据：{label}×分值"
    return text + ("，无数据计0分" if item.if_no_data == "zero" else "")


def parse_method(text: str, criteria: str, where: str) -> dict[str, Any]:
    """Leaf scoring fields from the 评分方法 cell (falling back on 评分标准 for the per-unit deduction).

    A cell naming a metric (Chinese name or code) is a data item; anything else is manual scoring.
    """
    metric = next((code for code, (label, _) in METRICS.items() if label in text or code in text), "")
    if not metric:
        return {"method": "manual"}
    kind = METRICS[metric][1]
    fields: dict[str, Any] = {"method": "data", "metric": metric, "formula": FORMULA_FOR_KIND[kind]}
    fields["if_no_data"] = "zero" if re.search(r"无数据(计0分|不得分)", text) else "full"
    if kind == "count":
        per_unit = re.search(r"扣\s*(\d+(?:\.\d+)?)\s*分", text) or re.search(
            r"扣\s*(\d+(?:\.\d+)?)\s*分", criteria
        )
        if not per_unit:
            raise SchemeError([SchemeIssue(where, "按次扣分的指标须写明“每次扣N分”")])
        fields["deduct_per_unit"] = Decimal(per_unit.group(1))
        floor = re.search(r"最低\s*(\d+(?:\.\d+)?)\s*分", text)
        fields["floor"] = Decimal(floor.group(1)) if floor else Decimal(0)
    return fields


def scheme_to_xlsx(scheme: Scheme) -> bytes:
    """The office form: title row, header, one row per leaf (parents repeated, points in their names),
    then 加分项/扣分项/一票否决项 rows; a 方案设置 sheet keeps what the form has no column for."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has one sheet
    ws.title = "考核细则"
    ws.append([scheme.name])
    ws.append(list(XLSX_COLUMNS))
    for row in _form_rows(scheme):
        ws.append(row)
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJ", (18, 18, 18, 8, 30, 40, 16, 24, 10, 8), strict=True):
        ws.column_dimensions[col].width = width
    for row_cells in ws.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    settings = wb.create_sheet(SETTINGS_SHEET)
    for key_value in _settings_rows(scheme):
        settings.append(key_value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _form_rows(scheme: Scheme) -> list[list[Any]]:
    rows = []
    for item, path in scheme.walk():
        if not item.is_leaf:
            continue
        names = [_named_with_points(scheme, path[: n + 1]) for n in range(len(path) - 1)] + [item.name]
        names += [""] * (MAX_DEPTH - len(names))
        note = item.evidence_note if item.method == "data" or item.evidence_required else ""
        rows.append(
            [
                *names,
                _num(item.points),
                method_text(item),
                item.criteria,
                item.data_source,
                note,
                "指标",
                item.code,
            ]
        )
    rows += _adjustment_rows("加分项", scheme.bonus_cap, scheme.bonuses, "加分")
    rows += _adjustment_rows("扣分项", scheme.penalty_cap, scheme.penalties, "扣分")
    rows += [
        ["一票否决项", v.name, "", "", "", v.criteria, "", "", "一票否决", v.code] for v in scheme.vetoes
    ]
    return rows


def _named_with_points(scheme: Scheme, path: tuple[str, ...]) -> str:
    node = _node_at(scheme.items, path)
    return f"{node.name}（{fmt(node.points)}分）"


def _node_at(items: list[Item], path: tuple[str, ...]) -> Item:
    node = next(i for i in items if i.name == path[0])
    return node if len(path) == 1 else _node_at(node.children, path[1:])


def _adjustment_rows(
    section: str, cap: Decimal | None, items: list[AdjustmentItem], kind: str
) -> list[list[Any]]:
    head = f"{section}（最高{fmt(cap)}分）" if cap is not None else section
    return [[head, a.name, "", _num(a.cap), "", a.criteria, "", a.evidence_note, kind, a.code] for a in items]


def _settings_rows(scheme: Scheme) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["项目", "值"],
        ["方案名称", scheme.name],
        ["方案编码", scheme.code],
        ["总分", _num(scheme.total_points)],
        ["考核年度起始月", scheme.year_start_month],
        ["加分总上限", "" if scheme.bonus_cap is None else _num(scheme.bonus_cap)],
        ["扣分总上限", "" if scheme.penalty_cap is None else _num(scheme.penalty_cap)],
    ]
    rows += [["等级", f"{b.grade}|{fmt(b.min_score)}|{b.label}"] for b in scheme.grade_bands]
    # The form only carries leaf codes; parents' codes ride here so a round trip keeps them.
    rows += [["上级指标编码", f"{'/'.join(p)}|{i.code}"] for i, p in scheme.walk() if not i.is_leaf]
    return rows


def scheme_from_xlsx(data: bytes) -> Scheme:
    """Read the office form. Merged cells and repeated parent names are both accepted; a blank parent
    cell means "same as the row above". Raises SchemeError (with sheet row numbers) on problems."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), data_only=True)
    found = next(((ws, hdr) for ws in wb.worksheets if (hdr := _find_header(ws)) is not None), None)
    if found is None:
        raise SchemeError([SchemeIssue("表格", "未找到表头（须包含“一级指标”“分值”列）")])
    ws, header_row = found
    grid = _filled_grid(ws)
    columns = _column_index(grid[header_row])
    title = next((str(v).strip() for row in grid[:header_row] for v in row if v not in (None, "")), "")
    settings = _read_settings(wb[SETTINGS_SHEET]) if SETTINGS_SHEET in wb.sheetnames else {}
    builder = _FormBuilder(columns)
    for number, row in enumerate(grid[header_row + 1 :], header_row + 2):
        builder.add(row, number)
    return check_scheme(builder.scheme(title, settings))


def _find_header(ws: Any) -> int | None:
    for index, row in enumerate(ws.iter_rows(max_row=10, values_only=True)):
        cells = [str(v).strip() for v in row if v is not None]
        if "一级指标" in cells and "分值" in cells:
            return index
    return None


def _filled_grid(ws: Any) -> list[list[Any]]:
    """Cell values with each merged range's value copied to all its cells, except 分值 (a merged score
    would be counted once per row)."""
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    header = _find_header(ws)
    points_col = (
        None if header is None else next((c for c, v in enumerate(grid[header], 1) if v == "分值"), None)
    )
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if (
                    r - 1 < len(grid)
                    and c - 1 < len(grid[r - 1])
                    and (r, c) != (merged.min_row, merged.min_col)
                ):
                    grid[r - 1][c - 1] = None if c == points_col else value
    return grid


def _column_index(header: list[Any]) -> dict[str, int]:
    index = {str(v).strip(): n for n, v in enumerate(header) if v is not None}
    missing = [c for c in (*LEVEL_NAMES[:1], "分值") if c not in index]
    if missing:
        raise SchemeError([SchemeIssue("表头", f"缺少列：{'、'.join(missing)}")])
    return index


def _read_settings(ws: Any) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row and row[0] is not None:
            value = "" if len(row) < 2 or row[1] is None else str(row[1])
            settings.setdefault(str(row[0]).strip(), []).append(value)
    return settings


@dataclass
class _Draft:
    name: str
    points: Decimal | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    children: dict[str, _Draft] = field(default_factory=dict)


class _FormBuilder:
    """Collects rows of the office form into an item tree plus bonus/penalty/veto lists."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.columns = columns
        self.roots: dict[str, _Draft] = {}
        self.leaf_codes: dict[tuple[str, ...], str] = {}
        self.special: dict[str, list[dict[str, Any]]] = {"bonus": [], "penalty": [], "veto": []}
        self.caps: dict[str, Decimal | None] = {"bonus": None, "penalty": None}
        self.previous: list[str] = ["", "", ""]

    def cell(self, row: list[Any], column: str) -> str:
        n = self.columns.get(column)
        value = row[n] if n is not None and n < len(row) else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    def add(self, row: list[Any], number: int) -> None:
        names = [self.cell(row, c) for c in LEVEL_NAMES]
        if not any(names):
            if any(self.cell(row, c) for c in XLSX_COLUMNS[3:8]):
                raise SchemeError([SchemeIssue(f"第{number}行", "缺少指标名称")])
            return
        names = self._fill_forward(names, number)
        first, first_points = split_points(names[0])
        kind = SECTION_KINDS.get(self.cell(row, "类型")) or SECTION_KINDS.get(first, "item")
        if kind == "item":
            self._add_item(row, names, number)
        else:
            self._add_special(row, kind, names, first, first_points, number)

    def _fill_forward(self, names: list[str], number: int) -> list[str]:
        deepest = max(n for n, name in enumerate(names) if name)
        inherited = True
        for level in range(deepest):
            if names[level]:
                # "组织领导（30分）" on one row and "组织领导" on the next are the same parent.
                same = split_points(names[level])[0] == split_points(self.previous[level])[0]
                inherited = inherited and same
                continue
            if not inherited or not self.previous[level]:
                raise SchemeError(
                    [SchemeIssue(f"第{number}行", f"{LEVEL_NAMES[level]}为空，无法确定所属上级")]
                )
            names[level] = self.previous[level]
        self.previous = names[: deepest + 1] + [""] * (MAX_DEPTH - deepest - 1)
        return names[: deepest + 1]

    def _add_item(self, row: list[Any], names: list[str], number: int) -> None:
        where = f"第{number}行 {'/'.join(names)}"
        siblings = self.roots
        draft: _Draft | None = None
        path: list[str] = []
        for raw in names:
            name, declared = split_points(raw)
            path.append(name)
            draft = siblings.setdefault(name, _Draft(name))
            if declared is not None:
                draft.points = declared
            siblings = draft.children
        assert draft is not None  # names is never empty (checked in add)
        if draft.fields:  # a second row for the same item would silently replace the first
            raise SchemeError([SchemeIssue(where, "指标重复出现（同一上级下名称须唯一）")])
        points = self.cell(row, "分值")
        if points:
            draft.points = to_decimal(points, where, "分值")
        criteria = self.cell(row, "评分标准")
        note = self.cell(row, "佐证材料要求")
        draft.fields = parse_method(self.cell(row, "评分方法"), criteria, where) | {
            "criteria": criteria,
            "data_source": self.cell(row, "数据来源"),
            "evidence_note": "" if note in _NO_EVIDENCE else note,
        }
        draft.fields["evidence_required"] = draft.fields["method"] == "manual" and note not in _NO_EVIDENCE
        if self.cell(row, "编码"):
            self.leaf_codes[tuple(path)] = self.cell(row, "编码")

    def _add_special(
        self, row: list[Any], kind: str, names: list[str], first: str, cap: Decimal | None, number: int
    ) -> None:
        # Under a section header (一级 = 加分项…) the item is the deeper name; with a 类型 column the
        # 一级 cell may itself be the item's name.
        is_header = first in SECTION_KINDS
        if is_header and cap is not None and kind in self.caps:
            self.caps[kind] = cap
        deeper = [n for n in names[1:] if n]
        name = deeper[-1] if deeper else ("" if is_header else first)
        if not name:
            if self.cell(row, "分值") and kind in self.caps:  # a section row alone carries the total cap
                self.caps[kind] = to_decimal(self.cell(row, "分值"), f"第{number}行", "总上限")
            return
        entry: dict[str, Any] = {
            "name": name,
            "code": self.cell(row, "编码"),
            "criteria": self.cell(row, "评分标准"),
        }
        if kind != "veto":
            entry["cap"] = self.cell(row, "分值") or None
            entry["evidence_note"] = self.cell(row, "佐证材料要求")
            if entry["cap"] is None:
                raise SchemeError(
                    [SchemeIssue(f"第{number}行 {name}", "加分/扣分项须在“分值”列填写单项上限")]
                )
        self.special[kind].append(entry)

    def scheme(self, title: str, settings: dict[str, list[str]]) -> Scheme:
        pairs = [v.split("|", 1) for v in settings.get("上级指标编码", []) if "|" in v]
        parent_codes = {path: code for path, code in pairs}
        items = [self._item(d, (d.name,), str(n), parent_codes) for n, d in enumerate(self.roots.values(), 1)]
        data: dict[str, Any] = {
            "name": _setting(settings, "方案名称") or title,
            "code": _setting(settings, "方案编码"),
            "total_points": _setting(settings, "总分") or 100,
            "year_start_month": _setting(settings, "考核年度起始月") or 1,
            "bonus": {
                "cap": _cap_setting(settings, "加分总上限", self.caps["bonus"]),
                "items": self.special["bonus"],
            },
            "penalty": {
                "cap": _cap_setting(settings, "扣分总上限", self.caps["penalty"]),
                "items": self.special["penalty"],
            },
            "veto": self.special["veto"],
        }
        if "等级" in settings:
            data["grade_bands"] = [_band_setting(v) for v in settings["等级"]]
        shell = build_scheme(data)  # header, bonus/penalty/veto parts through the dict path
        shell.items = items
        return shell

    def _item(
        self, draft: _Draft, path: tuple[str, ...], position: str, parent_codes: dict[str, str]
    ) -> Item:
        code = self.leaf_codes.get(path) or parent_codes.get("/".join(path)) or position
        children = [
            self._item(c, (*path, c.name), f"{code}.{n}", parent_codes)
            for n, c in enumerate(draft.children.values(), 1)
        ]
        points = draft.points
        if points is None:
            if not children:
                raise SchemeError([SchemeIssue(item_path(code, path), "缺少分值")])
            points = sum((c.points for c in children), Decimal(0))
        fields = {} if children else draft.fields
        return Item(code=code, name=draft.name, points=points, children=children, **fields)


def _setting(settings: dict[str, list[str]], key: str) -> str:
    return (settings.get(key) or [""])[0].strip()


def _cap_setting(settings: dict[str, list[str]], key: str, from_form: Decimal | None) -> Any:
    value = _setting(settings, key)
    return value if value else from_form


def _band_setting(value: str) -> dict[str, Any]:
    grade, min_score, label = ([*value.split("|"), "", ""])[:3]
    return {"grade": grade, "min_score": min_score, "label": label}
