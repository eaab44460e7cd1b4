"""Plans written in other shapes than the five: hand-made documents with hand-written expectations."""

from __future__ import annotations

import io

import pytest

from qcity.extract import extract_plan, parse_text
from qcity.extract.units import canonical_unit, is_unit_group, parse_responsibility
from qcity.readers import read_document

LEAD_PARTNER_PLAN = """\
某某县人民政府关于印发某某县质量强县建设行动方案的通知
某某县质量强县建设行动方案
一、主要目标
到2026年,全县制造业产品质量合格率达到94%以上,规上工业企业研发经费投入年均增长8%左右,
新增省级专精特新企业10家,食品抽检不合格率控制在2%以内,亿元GDP生产安全事故死亡率下降10%。
二、重点任务
(一)实施标准提升行动。开展企业标准领跑者活动,主导制定团体标准5项以上。
牵头单位:县市场监管局;配合单位:县发改委、县经济和信息化局
完成时限:2025年12月底
(二)加强计量能力建设。建设社会公用计量标准。
县市场监督管理局牵头,县科技局、县财政局配合。
(三)推进品牌建设。培育区域公用品牌。(县农业农村局、县商务局按照职责分工负责)
某某县人民政府
2024年3月5日
"""


def test_lead_and_partner_labels() -> None:
    plan = parse_text(LEAD_PARTNER_PLAN)
    assert [t.title for t in plan.tasks] == ["实施标准提升行动", "加强计量能力建设", "推进品牌建设"]
    first, second, third = plan.tasks
    assert first.lead == ["县市场监管局"]
    assert first.participants == ["县发改委", "县经济和信息化局"]
    assert first.deadline == "2025年12月底"
    assert second.lead == ["县市场监督管理局"]
    assert second.participants == ["县科技局", "县财政局"]
    assert third.units == ["县农业农村局", "县商务局"] and third.lead == []
    assert plan.title == "某某县质量强县建设行动方案"
    assert plan.issuer == "某某县人民政府" and plan.date == "2024-03-05"
    assert plan.region == "某某县" and plan.level == "county"


def test_targets_with_every_comparator() -> None:
    plan = parse_text(LEAD_PARTNER_PLAN)
    got = {
        (t.indicator, t.op, t.value if not isinstance(t.value, list) else tuple(t.value), t.unit)
        for t in plan.targets
        if not t.qualitative
    }
    assert ("全县制造业产品质量合格率", ">=", 94, "%") in got
    assert ("规上工业企业研发经费投入年均增长", "increase", 8, "%") in got
    assert ("新增省级专精特新企业", ">=", 10, "家") in got
    assert ("食品抽检不合格率", "<=", 2, "%") in got
    assert ("亿元GDP生产安全事故死亡率下降", "decrease", 10, "%") in got
    assert ("主导制定团体标准", ">=", 5, "项") in got
    assert all(t.year == 2026 for t in plan.targets)


def test_chinese_numerals_magnitudes_and_ranges() -> None:
    text = (
        "一、发展目标\n到2030年,全市产品质量合格率达到百分之九十五,品牌企业产值占比提高到三成,"
        "有效发明专利达到1.2万件,新增检验检测机构3至5家,空气优良天数比例提高2个百分点。"
    )
    got = {
        (t.indicator, t.op, t.value if not isinstance(t.value, list) else tuple(t.value), t.unit)
        for t in parse_text(text).targets
    }
    assert ("全市产品质量合格率", ">=", 95, "%") in got
    assert ("品牌企业产值占比", ">=", 30, "%") in got
    assert ("有效发明专利", ">=", 1.2, "万件") in got
    assert ("新增检验检测机构", "range", (3, 5), "家") in got
    assert ("空气优良天数比例提高", "increase", 2, "个百分点") in got


def test_past_figures_are_not_targets() -> None:
    text = (
        "一、主要目标\n2020年,全市产品质量合格率已达到93%,较2020年提高3个百分点。"
        "截至2022年底,全市有效注册商标5万件。到2025年,全市产品质量合格率达到95%以上。"
    )
    targets = [t for t in parse_text(text).targets if not t.qualitative]
    assert [(t.value, t.year) for t in targets] == [(95, 2025)]


def test_separately_reached_values_are_two_targets() -> None:
    text = "一、目标\n到2025年,全市高新技术企业、科技型中小企业分别达到1600家、2000家。"
    targets = parse_text(text).targets
    assert [(t.indicator, t.value, t.unit) for t in targets] == [
        ("全市高新技术企业", 1600, "家"),
        ("科技型中小企业", 2000, "家"),
    ]


def test_traditional_characters_are_matched_and_kept_as_written() -> None:
    text = (
        "某某市質量強市建設實施方案\n二、主要目標\n到2025年,製造業產品質量合格率穩定在95%以上。\n"
        "三、重點任務\n1.提升產品質量。加強質量監管。(責任單位:市市場監督管理局、市經濟和信息化局)\n"
    )
    plan = parse_text(text)
    assert [(t.indicator, t.op, t.value) for t in plan.targets if not t.qualitative] == [
        ("製造業產品質量合格率", ">=", 95)
    ]
    assert plan.tasks[0].title == "提升產品質量"
    assert plan.tasks[0].units == ["市市場監督管理局", "市經濟和信息化局"]
    assert plan.units[0].canonical == "市市场监管局"


def test_utf16_text_is_detected() -> None:
    data = LEAD_PARTNER_PLAN.encode("utf-16")
    doc = read_document(data, filename="plan.txt")
    assert doc.encoding and doc.encoding.startswith("utf-16")
    assert len(extract_plan(doc).tasks) == 3
    doc = read_document(LEAD_PARTNER_PLAN.encode("utf-16-le"), filename="plan.txt")
    assert len(extract_plan(doc).tasks) == 3


def test_gbk_html_page_keeps_only_the_document() -> None:
    body = "".join(f"<p>{line}</p>" for line in LEAD_PARTNER_PLAN.splitlines())
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
        '<div id="nav"><a>首页</a><a>政务公开</a></div><div class="position">当前位置:首页 > 政策文件</div>'
        f'<div class="zoom">{body}</div><p>打印本页</p><p>扫一扫在手机打开当前页</p>'
        '<div id="footer">主办单位:某某县人民政府办公室 备案号:皖ICP备000号</div></body></html>'
    )
    doc = read_document(page.encode("gbk"), filename="page.htm")
    texts = [b.text for b in doc.blocks]
    assert not any("打印本页" in t or "扫一扫" in t or "备案号" in t or "首页" in t for t in texts)
    assert len(extract_plan(doc).tasks) == 3


def test_xlsx_task_table_with_merged_cells() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某某区质量强区建设任务分解表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "工作任务", "主要内容", "牵头单位(部门)", "参与(配合)单位", "完成时限"])
    sheet.append(
        [
            1,
            "提升产品质量",
            "到2025年,产品质量合格率达到95%以上",
            "区市场监管局",
            "区经济信息委、区商务委",
            "2025年底",
        ]
    )
    sheet.append([2, "推进标准化", "主导制定地方标准3项", "区市场监管局", "区科技局", "持续推进"])
    sheet.append([3, "推进标准化", "建设标准化试点2个", "区市场监管局", "区发展改革委", "持续推进"])
    sheet.merge_cells("B4:B5")
    sheet.merge_cells("A4:A5")
    buffer = io.BytesIO()
    book.save(buffer)
    plan = extract_plan(read_document(buffer.getvalue(), filename="分解表.xlsx"))
    assert [t.no for t in plan.tasks] == ["1", "2"]
    assert plan.tasks[0].lead == ["区市场监管局"]
    assert plan.tasks[0].participants == ["区经济信息委", "区商务委"]
    assert plan.tasks[0].deadline == "2025年底"
    assert plan.tasks[1].units == ["区市场监管局", "区科技局", "区发展改革委"]
    assert {(t.value, t.unit) for t in plan.targets} >= {(95, "%"), (3, "项")}


def test_units_canonical_names_and_groups() -> None:
    assert canonical_unit("市市场监督管理局") == canonical_unit("市市场监管局")
    assert canonical_unit("区经济信息委") == canonical_unit("区经济和信息化委员会")
    assert canonical_unit("市发展和改革委员会") == canonical_unit("市发改委")
    assert canonical_unit("市人力资源和社会保障局") == canonical_unit("市人社局")
    assert canonical_unit("市市场监管局") != canonical_unit("县市场监管局")
    assert is_unit_group("县质量发展委员会各成员单位")
    assert is_unit_group("各街镇")
    assert not is_unit_group("县市场监管局")
    resp = parse_responsibility("质量、计量、标准化联席会议成员单位")
    assert resp.units == ["质量、计量、标准化联席会议成员单位"]


FULL_WIDTH_PLAN = """\
青溪县质量强县建设实施方案
二、重点任务
（一）推进标准化建设。支持企业参与制修订国家标准。（县市场监管局牵头，县经信局、县科技局配合，2024年底前完成）
（二）营造质量文化氛围。开展质量月活动。（县委宣传部牵头；县教育局、团县委等单位配合；长期坚持）
（三）提升工程质量。由县住建局牵头，县交通运输局、县水利局配合。
（四）加强产品可靠性设计。
县市场监管局、县工信局、县科技局负责落实。
（五）加强计量基础。县市场监管局负责。
6.提升服务质量。县商务局牵头，县文旅局配合。
"""


def test_full_width_punctuation_and_closing_sentences() -> None:
    """Real plans use "，" and "；": they separate roles exactly as "," and ";" do."""
    tasks = parse_text(FULL_WIDTH_PLAN).tasks
    got = [(t.title, t.units, t.lead, t.deadline) for t in tasks]
    assert got == [
        ("推进标准化建设", ["县市场监管局", "县经信局", "县科技局"], ["县市场监管局"], "2024年底前完成"),
        ("营造质量文化氛围", ["县委宣传部", "县教育局", "团县委"], ["县委宣传部"], "长期坚持"),
        ("提升工程质量", ["县住建局", "县交通运输局", "县水利局"], ["县住建局"], None),
        ("加强产品可靠性设计", ["县市场监管局", "县工信局", "县科技局"], [], None),
        ("加强计量基础", ["县市场监管局"], [], None),
        ("提升服务质量", ["县商务局", "县文旅局"], ["县商务局"], None),
    ]
    assert tasks[1].participants == ["县教育局", "团县委"]


@pytest.mark.parametrize(
    ("signature", "date"),
    [
        ("二〇二三年九月十五日", "2023-09-15"),
        ("二○一一年六月二十八日", "2011-06-28"),
        ("二零二四年十二月三十一日", "2024-12-31"),
    ],
)
def test_signature_dates_in_chinese_numerals(signature: str, date: str) -> None:
    text = f"青溪縣質量強縣建設實施方案\n一、重点任务\n（一）推进标准化。（县市场监管局负责）\n青溪縣人民政府\n{signature}\n"
    plan = parse_text(text)
    assert (plan.date, plan.issuer, plan.region, plan.level) == (date, "青溪縣人民政府", "青溪縣", "county")


@pytest.mark.parametrize(
    ("title", "region"),
    [("银川市推进质量强市工作实施方案", "银川市"), ("石柱县质量强县建设实施方案", "石柱县"),
     ("中共河南省委 河南省人民政府关于加快推进质量强省建设的实施意见", "河南省")],
)  # fmt: skip
def test_region_from_a_title_stops_at_the_place(title: str, region: str) -> None:
    assert parse_text(f"{title}\n一、重点任务\n（一）推进标准化。（市场监管局负责）\n").region == region


def test_two_row_header_in_a_word_table() -> None:
    """'责任单位' merged over '牵头单位 | 配合单位': a common 任务分解表 layout, read with both header rows."""
    from docx import Document as WordDocument

    word = WordDocument()
    word.add_paragraph("临江市质量强市建设重点任务分解表")
    rows = [
        ["序号", "重点任务", "责任单位", "", "完成时限"],
        ["", "", "牵头单位", "配合单位", ""],
        ["1", "实施质量强链行动", "市工信局", "市发改委、市科技局", "2026年12月"],
        ["2", "开展专项整治", "市市场监管局", "市公安局、市商务局等有关部门", "持续推进"],
        ["序号", "重点任务", "责任单位", "", "完成时限"],  # the header again, on the next page
        ["", "", "牵头单位", "配合单位", ""],
        ["3", "建设一站式服务站", "市市场监管局", "市工信局", "2025年底前"],
    ]
    table = word.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for top in (0, 4):
        table.cell(top, 2).merge(table.cell(top, 3)).text = "责任单位"
        for c in (0, 1, 4):
            table.cell(top, c).merge(table.cell(top + 1, c))
    buffer = io.BytesIO()
    word.save(buffer)
    tasks = extract_plan(read_document(buffer.getvalue(), filename="分解表.docx")).tasks
    got = [(t.no, t.title, t.lead, t.participants, t.deadline) for t in tasks]
    assert got == [
        ("1", "实施质量强链行动", ["市工信局"], ["市发改委", "市科技局"], "2026年12月"),
        ("2", "开展专项整治", ["市市场监管局"], ["市公安局", "市商务局"], "持续推进"),
        ("3", "建设一站式服务站", ["市市场监管局"], ["市工信局"], "2025年底前"),
    ]


def test_a_baseline_year_before_a_later_goal_year_is_not_a_target() -> None:
    plan = parse_text(
        "某市质量强市实施方案\n一、主要目标\n2022年全市食品抽检合格率为97.2%，到2025年提高到98.5%以上。\n"
    )
    assert plan.horizon == [2025]
    got = [(t.indicator, t.op, t.value, t.unit, t.year) for t in plan.targets if not t.qualitative]
    assert got == [
        ("全市食品抽检合格率", ">=", 98.5, "%", 2025)
    ]  # the goal clause takes the past clause's subject


def test_a_goal_clause_borrows_only_from_its_own_sentence() -> None:
    text = "某市方案\n一、主要目标\n2020年全市有效注册商标4.2万件，到2025年达到6万件。到2025年，达到国内先进水平的企业30家。\n"
    got = [(t.indicator, t.value, t.unit) for t in parse_text(text).targets if not t.qualitative]
    assert got == [("全市有效注册商标", 6, "万件"), ("达到国内先进水平的企业", 30, "家")]
