"""Five units scored by hand (assessment_cases.py); the engine must agree to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qcity.assessment.engine import Adjustment, ManualScore, ScoreSheet, ScoringError, rank, score_unit
from qcity.assessment.scheme import Scheme, SchemeError
from tests.assessment.assessment_cases import EVIDENCE, UNITS

D = Decimal


@pytest.fixture
def sheets(scheme: Scheme) -> list[ScoreSheet]:
    return [make(scheme) for make in UNITS]


def test_final_scores_and_grades(sheets: list[ScoreSheet]) -> None:
    got = {
        s.unit_name: (s.base_score, s.bonus_total, s.penalty_total, s.final_score, s.grade) for s in sheets
    }
    assert got == {
        "甲局": (D("85.90"), D("4.00"), D("0"), D("89.90"), "B"),
        "乙局": (D("100.00"), D("0"), D("2.00"), D("98.00"), "D"),
        "丙镇": (D("57.00"), D("1.00"), D("0"), D("58.00"), "D"),
        "丁镇": (D("89.90"), D("0"), D("0"), D("89.90"), "B"),
        "戊局": (D("84.33"), D("0"), D("6.00"), D("78.33"), "C"),
    }


def test_leaf_explanations_show_the_working(sheets: list[ScoreSheet]) -> None:
    jia, _, bing, ding, wu = sheets
    assert jia.line("1.1.1").explanation == "按时报送率 92.0% × 20分 = 18.40分"
    assert "工作督查系统" in jia.line("1.1.1").sources
    assert jia.line("1.1.3").explanation == "被督办次数 1次 × 每次扣2分 = 扣2分；10分 − 2分 = 8.00分"
    assert "计0.00分" in bing.line("1.1.3").explanation and bing.line("1.1.3").points == D("0.00")
    assert wu.line("1.1.1").explanation == "按时报送率 66.67% × 20分 = 13.33分"
    assert "无按时报送率数据" in ding.line("1.1.1").explanation and ding.line("1.1.1").points == D(20)
    assert "尚未核定，暂按自评分" in ding.line("2.1").explanation


def test_manual_scores_keep_self_and_verified(sheets: list[ScoreSheet]) -> None:
    line = sheets[0].line("2.1")
    assert (line.self_score, line.verified_score, line.points) == (D(15), D(14), D("14.00"))
    assert line.verify_reason == "专题会议纪要缺一次"
    assert "理由：专题会议纪要缺一次" in line.explanation and "会议纪要.pdf" in line.explanation
    assert line.sources == EVIDENCE


def test_missing_evidence_scores_zero_but_keeps_scores(sheets: list[ScoreSheet]) -> None:
    line = sheets[2].line("2.2.1")
    assert line.points == 0 and line.verified_score == D(8)
    assert "未提供，不得分" in line.explanation


def test_subtotals_per_level(sheets: list[ScoreSheet]) -> None:
    jia = sheets[0]
    assert jia.subtotals(1) == {"1": D("49.90"), "2": D("36.00")}
    assert jia.subtotals(2) == {"1.1": D("34.90"), "1.2": D("15.00"), "2.1": D("14.00"), "2.2": D("22.00")}
    assert jia.line("1.1").explanation == "下级指标得分合计：18.40 + 8.50 + 8.00 = 34.90分"


def test_bonus_caps_item_then_total(sheets: list[ScoreSheet]) -> None:
    jia = sheets[0]
    b2 = next(line for line in jia.bonus_lines if line.code == "B2")
    assert (b2.claimed, b2.points) == (D("2.5"), D(2))
    assert "超过单项上限2分" in b2.explanation
    assert "超过加分总上限4分，计4.00分" in jia.bonus_explanation
    assert jia.bonus_lines[0].sources == ("奖牌.jpg",)


def test_penalty_caps(sheets: list[ScoreSheet]) -> None:
    wu = sheets[4]
    assert [line.points for line in wu.penalty_lines] == [D(4), D(3)]
    assert wu.penalty_total == D("6.00") and "扣分总上限6分" in wu.penalty_explanation


def test_veto_gives_lowest_grade_with_reason(sheets: list[ScoreSheet]) -> None:
    yi = sheets[1]
    assert yi.vetoed and yi.grade == "D" and yi.final_score == D("98.00")
    assert "发生区域性质量安全事件" in yi.grade_explanation
    assert "2024年5月发生区域性食品安全事件" in yi.grade_explanation


def test_rank_competition_ties_and_veto_last(sheets: list[ScoreSheet]) -> None:
    rows = rank(sheets, bottom_n=3)
    # 丁镇 and 甲局 tie at 89.90: both rank 1, listed by name (丁 U+4E01 before 甲 U+7532); next is 3.
    # 乙局 scored highest but was vetoed, so it ranks last.
    assert [(r.rank, r.unit_name, r.rectify) for r in rows] == [
        (1, "丁镇", False),
        (1, "甲局", False),
        (3, "戊局", True),
        (4, "丙镇", True),
        (5, "乙局", True),
    ]


def test_bottom_n_flags_every_unit_tied_at_the_cutoff(sheets: list[ScoreSheet]) -> None:
    # Bottom 4 reaches into the tie at rank 1, so both tied units are flagged: 5 units in all.
    assert all(r.rectify for r in rank(sheets, bottom_n=4))
    assert not any(r.rectify for r in rank(sheets, bottom_n=0))
    assert all(r.rectify for r in rank(sheets, bottom_n=9))


def test_deterministic(scheme: Scheme, sheets: list[ScoreSheet]) -> None:
    again = [make(scheme) for make in UNITS]
    assert again == sheets
    assert rank(list(reversed(again))) == rank(sheets)


def test_verified_differs_without_reason_is_an_error(scheme: Scheme) -> None:
    manual = {"2.1": ManualScore(15, 12, evidence=EVIDENCE)}
    with pytest.raises(ScoringError) as err:
        score_unit(scheme, {}, manual, set(), unit_name="甲")
    assert "2.1 措施落实/组织领导" in str(err.value) and "须填写理由" in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"manual": {"9.9": ManualScore(1)}}, "不是本方案的人工评分项"),
        ({"manual": {"1.1.1": ManualScore(1)}}, "不是本方案的人工评分项"),
        ({"manual": {"2.1": ManualScore(16, evidence=EVIDENCE)}}, "自评分应在0到15分之间"),
        ({"vetoes": {"V9"}}, "不是本方案的一票否决项"),
        ({"bonuses": [Adjustment("P1", 1)]}, "不是本方案的加分项"),
        ({"penalties": [Adjustment("P1", -1)]}, "扣分分值应大于0"),
        ({"metrics": {"on_time_report_rate": 1.2}}, "按时报送率应在0到1之间"),
        ({"metrics": {"escalations": -1}}, "被督办次数不能为负数"),
    ],
)
def test_bad_inputs(scheme: Scheme, kwargs: dict, message: str) -> None:
    args = {"metrics": {}, "manual": {}, "vetoes": set()} | kwargs
    with pytest.raises(ScoringError, match=message):
        score_unit(scheme, **args)


def test_unscored_and_no_data_zero(scheme: Scheme) -> None:
    sheet = score_unit(scheme, {}, {}, set(), unit_name="空")
    # no data: 按时报送 20 + 一次通过 0 (if_no_data zero) + 督办 10 + 目标 20 = 50; manual unscored = 0
    assert sheet.final_score == D("50.00") and sheet.grade == "D"
    assert sheet.line("2.2.2").explanation == "未评分，计0.00分"


def test_duplicate_units_rejected(sheets: list[ScoreSheet]) -> None:
    with pytest.raises(ScoringError, match="单位重复"):
        rank([sheets[0], sheets[0]])


def test_hand_built_invalid_scheme_is_rejected(scheme: Scheme) -> None:
    scheme.items[0].points = Decimal(50)
    with pytest.raises(SchemeError, match="与本项50分不一致"):
        score_unit(scheme, {}, {}, set())


def test_metric_sources_are_carried_to_the_line(scheme: Scheme) -> None:
    refs = {"on_time_report_rate": ["任务台账：应报25项，按时23项"]}
    sheet = score_unit(scheme, {"on_time_report_rate": 0.92}, {}, set(), metric_sources=refs)
    assert sheet.line("1.1.1").sources[-1] == "任务台账：应报25项，按时23项"
