"""Scheme validation, the assessment year, and YAML / .xlsx round trips."""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from qcity.assessment.scheme import (
    Scheme,
    SchemeError,
    assessment_period,
    assessment_year_of,
    scheme_from_dict,
    scheme_from_yaml,
    scheme_to_dict,
    scheme_to_yaml,
)
from qcity.assessment.scheme_xlsx import scheme_from_xlsx, scheme_to_xlsx, split_points
from tests.assessment.assessment_cases import scheme_data

HEADER = ["一级指标", "二级指标", "三级指标", "分值", "评分方法", "评分标准", "数据来源", "佐证材料要求"]


def issues_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SchemeError) as err:
        scheme_from_dict(data)
    return [str(i) for i in err.value.issues]


# ---------------------------------------------------------------- validation


def test_children_must_sum_to_parent() -> None:
    data = scheme_data()
    data["items"][0]["children"][0]["children"][0]["points"] = 25
    # Only the parent whose declared points no longer match is reported; its own parent still adds up.
    assert issues_of(data) == ["1.1 工作落实/任务推进：下级指标分值合计45分，与本项40分不一致"]
    data["items"][1]["points"] = 45
    assert "方案：一级指标分值合计105分，与总分100分不一致" in issues_of(data)


def test_duplicate_names_and_codes() -> None:
    data = scheme_data()
    leaves = data["items"][0]["children"][0]["children"]
    leaves[1]["name"] = "按时报送"
    data["bonus"]["items"][1]["code"] = "B1"
    found = issues_of(data)
    assert "1.1 工作落实/任务推进：名称“按时报送”重复" in found
    assert "加分项：编码“B1”重复" in found


def test_leaf_rules_are_checked() -> None:
    data = scheme_data()
    leaves = data["items"][0]["children"][0]["children"]
    leaves[0]["metric"] = "made_up"
    leaves[2]["deduct_per_unit"] = 0
    data["items"][1]["children"][0]["method"] = "guess"
    found = issues_of(data)
    assert found[0].startswith("1.1.1 工作落实/任务推进/按时报送：未知的数据指标“made_up”")
    assert "1.1.3 工作落实/任务推进/督办情况：按次扣分须设置每次扣分值（大于0）" in found
    assert "2.1 措施落实/组织领导：评分方法应为“数据”或“人工评分”，实际为“guess”" in found


def test_wrong_formula_for_metric_kind() -> None:
    data = scheme_data()
    data["items"][0]["children"][0]["children"][0]["formula"] = "deduct"
    data["items"][0]["children"][0]["children"][0]["deduct_per_unit"] = 1
    assert any("“按时报送率”应采用按比例计分" in i for i in issues_of(data))


def test_bad_numbers_and_bands() -> None:
    data = scheme_data()
    data["items"][0]["points"] = "六十"
    assert issues_of(data) == ["1 工作落实：分值应为数字，实际为“六十”"]
    data = scheme_data()
    data["grade_bands"] = [{"grade": "A", "min_score": 60}, {"grade": "B", "min_score": 90}]
    data["year_start_month"] = 13
    found = issues_of(data)
    assert "等级：等级分数线应从高到低排列且互不相同" in found
    assert "等级：最低等级的分数线应为0，才能覆盖所有得分" in found
    assert "方案：考核年度起始月应为1–12，实际为13" in found


def test_codes_default_to_positions() -> None:
    data = scheme_data()
    for item in data["items"]:
        item.pop("code")
    data["bonus"]["items"][0].pop("code")
    data["veto"][0].pop("code")
    scheme = scheme_from_dict(data)
    assert [i.code for i in scheme.items] == ["1", "2"]
    assert scheme.bonuses[0].code == "B1" and scheme.vetoes[0].code == "V1"


# ---------------------------------------------------------------- assessment year


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2024, 1, (date(2024, 1, 1), date(2024, 12, 31))),
        (2024, 7, (date(2024, 7, 1), date(2025, 6, 30))),
        (2023, 9, (date(2023, 9, 1), date(2024, 8, 31))),
        (2023, 3, (date(2023, 3, 1), date(2024, 2, 29))),
    ],
)
def test_assessment_period(year: int, month: int, expected: tuple[date, date]) -> None:
    assert assessment_period(year, month) == expected


def test_assessment_year_of() -> None:
    assert assessment_year_of(date(2025, 6, 30), 7) == 2024
    assert assessment_year_of(date(2025, 7, 1), 7) == 2025
    assert assessment_year_of(date(2025, 6, 30), 1) == 2025


def test_scheme_period_uses_its_start_month(scheme: Scheme) -> None:
    assert scheme.period(2024) == (date(2024, 7, 1), date(2025, 6, 30))


# ---------------------------------------------------------------- round trips


def test_dict_round_trip(scheme: Scheme) -> None:
    assert scheme_from_dict(scheme_to_dict(scheme)) == scheme


def test_yaml_round_trip(scheme: Scheme) -> None:
    text = scheme_to_yaml(scheme)
    assert "按时报送" in text  # readable Chinese, not \u escapes
    assert scheme_from_yaml(text) == scheme
    assert scheme_to_yaml(scheme_from_yaml(text)) == text


def test_yaml_decimal_points_stay_exact() -> None:
    data = scheme_data()
    leaves = data["items"][1]["children"][1]["children"]
    leaves[0]["points"], leaves[1]["points"] = 9.5, 15.5
    scheme = scheme_from_dict(data)
    assert scheme_from_yaml(scheme_to_yaml(scheme)).find("2.2.1").points == Decimal("9.5")  # type: ignore[union-attr]


def test_bad_yaml() -> None:
    with pytest.raises(SchemeError, match="YAML格式错误"):
        scheme_from_yaml("items: [")


def test_xlsx_round_trip(scheme: Scheme) -> None:
    assert scheme_from_xlsx(scheme_to_xlsx(scheme)) == scheme


def test_xlsx_export_is_the_office_form(scheme: Scheme) -> None:
    ws = load_workbook(io.BytesIO(scheme_to_xlsx(scheme))).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1][:8] == HEADER
    assert rows[2][:5] == ["工作落实（60分）", "任务推进（40分）", "按时报送", 20, "数据：按时报送率×分值"]
    assert rows[4][4] == "数据：被督办次数，每次扣2分，最低0分"
    assert rows[9][:4] == ["加分项（最高4分）", "获得政府质量奖", None, 3]
    assert rows[-1][:2] == ["一票否决项", "发生区域性质量安全事件"]


# ---------------------------------------------------------------- forms typed by offices


def form(rows: list[list[Any]], merges: tuple[str, ...] = (), with_type: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["某县质量工作考核细则"])
    ws.append([*HEADER, "类型"] if with_type else HEADER)
    for row in rows:
        ws.append(row)
    for merge in merges:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


OFFICE_ROWS: list[list[Any]] = [
    ["组织领导（30分）", "机构建设", None, 10, "人工评分", "成立领导小组", None, "发文"],
    ["组织领导（30分）", "工作推进", "按时报送", 12, "按时报送率×分值", None, "督查系统", None],
    ["组织领导（30分）", "工作推进", "督办", 8, "被督办次数", "每被督办1次扣2分", None, "无"],
    ["目标完成", "目标进展", None, 70, "目标进度达标率", None, None, None],
    ["加分项（最高5分）", "获质量奖", None, 3, None, "每项加1分", None, None],
    ["扣分项", "通报批评", None, 4, None, None, None, None],
    ["一票否决项", "重大质量安全事故", None, None, None, "发生即否决", None, None],
]


def check_office_scheme(scheme: Scheme) -> None:
    assert scheme.name == "某县质量工作考核细则"
    assert [(i.name, i.points) for i in scheme.items] == [("组织领导", 30), ("目标完成", 70)]
    lead = scheme.items[0]
    assert [(c.code, c.name, c.points) for c in lead.children] == [
        ("1.1", "机构建设", 10),
        ("1.2", "工作推进", 20),
    ]
    setup, (report, escalate) = lead.children[0], lead.children[1].children
    assert (setup.method, setup.evidence_required, setup.evidence_note) == ("manual", True, "发文")
    assert (report.method, report.metric, report.formula) == ("data", "on_time_report_rate", "linear")
    assert (escalate.metric, escalate.deduct_per_unit, escalate.evidence_note) == ("escalations", 2, "")
    assert scheme.bonus_cap == 5 and scheme.bonuses[0].cap == 3 and scheme.bonuses[0].code == "B1"
    assert scheme.penalty_cap is None and scheme.penalties[0].name == "通报批评"
    assert scheme.vetoes[0].name == "重大质量安全事故" and scheme.vetoes[0].criteria == "发生即否决"


def test_import_repeated_parent_names() -> None:
    check_office_scheme(scheme_from_xlsx(form(OFFICE_ROWS)))


def test_import_merged_cells() -> None:
    rows = copy.deepcopy(OFFICE_ROWS)
    for r in (1, 2):  # merged cells keep their value only in the top-left cell
        rows[r][0] = None
    rows[2][1] = None
    check_office_scheme(scheme_from_xlsx(form(rows, merges=("A3:A5", "B4:B5"))))


def test_import_blank_cell_means_same_as_above() -> None:
    rows = copy.deepcopy(OFFICE_ROWS)
    rows[1][0] = rows[2][0] = rows[2][1] = None
    check_office_scheme(scheme_from_xlsx(form(rows)))


def test_import_type_column() -> None:
    rows = [[*r, "指标"] for r in OFFICE_ROWS[:4]]
    rows += [
        ["获质量奖", None, None, 3, None, "每项加1分", None, None, "加分"],
        ["通报批评", None, None, 4, None, None, None, None, "扣分"],
        ["重大质量安全事故", None, None, None, None, "发生即否决", None, None, "一票否决"],
    ]
    scheme = scheme_from_xlsx(form(rows, with_type=True))
    assert [b.name for b in scheme.bonuses] == ["获质量奖"] and scheme.bonus_cap is None
    assert scheme.penalties[0].name == "通报批评" and scheme.vetoes[0].name == "重大质量安全事故"


def test_import_declared_parent_points_are_checked() -> None:
    rows = copy.deepcopy(OFFICE_ROWS)
    rows[0][0] = rows[1][0] = rows[2][0] = "组织领导（25分）"
    with pytest.raises(SchemeError) as err:
        scheme_from_xlsx(form(rows))
    assert "1 组织领导：下级指标分值合计30分，与本项25分不一致" in str(err.value)


def test_import_errors_name_the_row() -> None:
    rows = copy.deepcopy(OFFICE_ROWS)
    rows[0][0] = None  # first row cannot inherit a parent
    with pytest.raises(SchemeError, match="第3行：一级指标为空"):
        scheme_from_xlsx(form(rows))
    rows = copy.deepcopy(OFFICE_ROWS)
    rows[2][4], rows[2][5] = "被督办次数", None
    with pytest.raises(SchemeError, match="须写明“每次扣N分”"):
        scheme_from_xlsx(form(rows))
    with pytest.raises(SchemeError, match="未找到表头"):
        scheme_from_xlsx(_empty_workbook())


def _empty_workbook() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def test_split_points() -> None:
    assert split_points("组织领导（20分）") == ("组织领导", Decimal(20))
    assert split_points("加分项(最高5分)") == ("加分项", Decimal(5))
    assert split_points("组织领导") == ("组织领导", None)


def test_import_duplicate_item_row() -> None:
    rows = [*copy.deepcopy(OFFICE_ROWS[:4]), copy.deepcopy(OFFICE_ROWS[0])]
    with pytest.raises(SchemeError, match="第7行 组织领导（30分）/机构建设：指标重复出现"):
        scheme_from_xlsx(form(rows))


def test_import_parent_points_written_once() -> None:
    rows = copy.deepcopy(OFFICE_ROWS)
    rows[1][0] = "组织领导"  # points in the name on the first row only
    rows[2][0] = rows[2][1] = None
    check_office_scheme(scheme_from_xlsx(form(rows)))
