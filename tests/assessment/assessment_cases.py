"""The assessment test scheme and five units scored by hand under it (shared by the tests).

Scheme recap (100 points):
  1.1.1 按时报送 20  on_time_report_rate × 20
  1.1.2 一次通过 10  first_time_accept_rate × 10 (no data → 0)
  1.1.3 督办情况 10  10 − 2 × escalations, floor 0
  1.2.1 目标进展 20  targets_on_track × 20
  2.1   组织领导 15  manual, evidence required
  2.2.1 制度文件 10  manual, evidence required
  2.2.2 创新举措 15  manual
  bonus B1 cap 3, B2 cap 2, total cap 4; penalty P1 cap 5, P2 cap 3, total cap 6; veto V1.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qcity.assessment.engine import Adjustment, ManualScore, ScoreSheet, score_unit
from qcity.assessment.scheme import Scheme


def scheme_data() -> dict[str, Any]:
    """100 points: 工作落实 60 (data) + 措施落实 40 (manual); bonus cap 4, penalty cap 6, one veto."""
    return {
        "name": "某市2024年度质量工作考核细则",
        "code": "qc-2024",
        "total_points": 100,
        "year_start_month": 7,
        "items": [
            {
                "code": "1",
                "name": "工作落实",
                "points": 60,
                "children": [
                    {
                        "code": "1.1",
                        "name": "任务推进",
                        "points": 40,
                        "children": [
                            {
                                "code": "1.1.1",
                                "name": "按时报送",
                                "points": 20,
                                "method": "data",
                                "metric": "on_time_report_rate",
                                "criteria": "按时报送率×分值",
                                "data_source": "工作督查系统",
                            },
                            {
                                "code": "1.1.2",
                                "name": "一次通过",
                                "points": 10,
                                "method": "data",
                                "metric": "first_time_accept_rate",
                                "if_no_data": "zero",
                            },
                            {
                                "code": "1.1.3",
                                "name": "督办情况",
                                "points": 10,
                                "method": "data",
                                "metric": "escalations",
                                "formula": "deduct",
                                "deduct_per_unit": 2,
                                "floor": 0,
                                "criteria": "每被督办1次扣2分，扣完为止",
                            },
                        ],
                    },
                    {
                        "code": "1.2",
                        "name": "目标完成",
                        "points": 20,
                        "children": [
                            {
                                "code": "1.2.1",
                                "name": "目标进展",
                                "points": 20,
                                "method": "data",
                                "metric": "targets_on_track",
                            }
                        ],
                    },
                ],
            },
            {
                "code": "2",
                "name": "措施落实",
                "points": 40,
                "children": [
                    {
                        "code": "2.1",
                        "name": "组织领导",
                        "points": 15,
                        "method": "manual",
                        "evidence_required": True,
                        "criteria": "成立领导小组并召开专题会议",
                        "evidence_note": "会议纪要、发文",
                    },
                    {
                        "code": "2.2",
                        "name": "制度建设",
                        "points": 25,
                        "children": [
                            {
                                "code": "2.2.1",
                                "name": "制度文件",
                                "points": 10,
                                "method": "manual",
                                "evidence_required": True,
                                "evidence_note": "制度文件",
                            },
                            {"code": "2.2.2", "name": "创新举措", "points": 15, "method": "manual"},
                        ],
                    },
                ],
            },
        ],
        "bonus": {
            "cap": 4,
            "items": [
                {"code": "B1", "name": "获得政府质量奖", "cap": 3, "criteria": "每项加1分"},
                {"code": "B2", "name": "经验被上级推广", "cap": 2},
            ],
        },
        "penalty": {
            "cap": 6,
            "items": [
                {"code": "P1", "name": "被上级通报批评", "cap": 5},
                {"code": "P2", "name": "信息报送不实", "cap": 3},
            ],
        },
        "veto": [
            {"code": "V1", "name": "发生区域性质量安全事件", "criteria": "经认定的区域性、系统性质量安全事件"}
        ],
    }


D = Decimal
EVIDENCE = ("会议纪要.pdf",)


def full_manual(a: int, b: int, c: int) -> dict[str, ManualScore]:
    return {
        "2.1": ManualScore(a, a, evidence=EVIDENCE),
        "2.2.1": ManualScore(b, b, evidence=("制度.docx",)),
        "2.2.2": ManualScore(c, c),
    }


def unit_jia(scheme: Scheme) -> ScoreSheet:
    # 甲: 0.92×20 = 18.40; 0.85×10 = 8.50; 10 − 1×2 = 8.00; 0.75×20 = 15.00 → 工作落实 49.90
    #     manual 2.1 self 15 → verified 14 (reason); 2.2.1 10; 2.2.2 12 → 措施落实 36.00
    #     base 85.90; bonus B1 3 + B2 (1.5 + 1 = 2.5, capped to 2) = 5 → total cap 4
    #     final 85.90 + 4 = 89.90 → B
    manual = full_manual(14, 10, 12)
    manual["2.1"] = ManualScore(15, 14, reason="专题会议纪要缺一次", evidence=EVIDENCE)
    return score_unit(
        scheme,
        {
            "on_time_report_rate": 0.92,
            "first_time_accept_rate": 0.85,
            "escalations": 1,
            "targets_on_track": 0.75,
        },
        manual,
        set(),
        [
            Adjustment("B1", 3, "获省政府质量奖", ("奖牌.jpg",)),
            Adjustment("B2", 1.5, "经验被省局推广"),
            Adjustment("B2", 1, "经验被国家局推广"),
        ],
        [],
        unit_name="甲局",
    )


def unit_yi(scheme: Scheme) -> ScoreSheet:
    # 乙: every data item full: 20 + 10 + 10 + 20 = 60; manual 15 + 10 + 15 = 40 → base 100
    #     penalty P1 2 → final 98.00, but veto V1 → grade D whatever the score
    return score_unit(
        scheme,
        {"on_time_report_rate": 1, "first_time_accept_rate": 1, "escalations": 0, "targets_on_track": 1},
        full_manual(15, 10, 15),
        {"V1": "2024年5月发生区域性食品安全事件"},
        [],
        [Adjustment("P1", 2, "被市政府通报批评")],
        unit_name="乙局",
    )


def unit_bing(scheme: Scheme) -> ScoreSheet:
    # 丙: 0.80×20 = 16.00; 0.90×10 = 9.00; 10 − 6×2 = −2 → floor 0.00; 0.50×20 = 10.00 → 35.00
    #     manual 2.1 12; 2.2.1 verified 8 but no evidence → 0; 2.2.2 10 → 22.00
    #     base 57.00; bonus B1 1 → final 58.00 → D
    manual = full_manual(12, 0, 10)
    manual["2.2.1"] = ManualScore(8, 8)
    return score_unit(
        scheme,
        {
            "on_time_report_rate": 0.8,
            "first_time_accept_rate": 0.9,
            "escalations": 6,
            "targets_on_track": 0.5,
        },
        manual,
        set(),
        [Adjustment("B1", 1, "获市质量奖")],
        [],
        unit_name="丙镇",
    )


def unit_ding(scheme: Scheme) -> ScoreSheet:
    # 丁: no assignments this period: 按时报送 no data → full 20.00; 0.90×10 = 9.00;
    #     escalations no data → full 10.00; 0.80×20 = 16.00 → 55.00
    #     manual 2.1 self 13, not yet verified → 13; 2.2.1 9; 2.2.2 12.9 → 34.90
    #     base 89.90, no adjustments → final 89.90 → B, tied with 甲
    manual = full_manual(13, 9, 0)
    manual["2.1"] = ManualScore(13, None, evidence=EVIDENCE)
    manual["2.2.2"] = ManualScore(12.9, 12.9)
    return score_unit(
        scheme,
        {"on_time_report_rate": None, "first_time_accept_rate": 0.9, "targets_on_track": 0.8},
        manual,
        set(),
        unit_name="丁镇",
    )


def unit_wu(scheme: Scheme) -> ScoreSheet:
    # 戊: rate 2/3 → 0.6667 (to 0.01 point) × 20 = 13.334 → 13.33; 0.5×10 = 5.00; 10 − 2×2 = 6.00;
    #     1.0×20 = 20.00 → 44.33; manual 15 + 10 + 15 = 40 → base 84.33
    #     penalty P1 4; P2 4 capped to 3 → 7 → total cap 6 → final 84.33 − 6 = 78.33 → C
    return score_unit(
        scheme,
        {
            "on_time_report_rate": 2 / 3,
            "first_time_accept_rate": 0.5,
            "escalations": 2,
            "targets_on_track": 1.0,
        },
        full_manual(15, 10, 15),
        set(),
        [],
        [Adjustment("P1", 4, "通报批评两次"), Adjustment("P2", 4, "报送数据不实")],
        unit_name="戊局",
    )


UNITS = (unit_jia, unit_yi, unit_bing, unit_ding, unit_wu)
