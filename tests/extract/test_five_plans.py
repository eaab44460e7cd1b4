"""The five development plans, in every input format, score well against their gold extractions."""

from __future__ import annotations

import pytest
from variants import STEMS

from qcity.extract import extract_plan
from qcity.readers import read_document
from support import score_predictions, soffice_available

FORMATS = ("txt", "gb18030", "html", "docx", "pdf")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_scores_above_the_bar(fmt: str, plan_variants) -> None:
    if fmt == "pdf" and not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed: no PDF versions to read")
    preds = {stem: extract_plan(read_document(plan_variants[fmt][stem])).to_json() for stem in STEMS}
    scores = score_predictions(preds)
    assert scores["overall"] >= 0.95, scores
    for part in ("tasks", "units", "targets"):
        assert scores[part] >= 0.92, (part, scores)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_zhanjiang_task_table_comes_out_as_table_rows(fmt: str, plan_variants) -> None:
    if fmt == "pdf" and not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed: no PDF versions to read")
    doc = read_document(plan_variants[fmt]["zhanjiang-2018"])
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert tables, "the 任务分解表 must be read as a table"
    plan = extract_plan(doc)
    assert len(plan.tasks) == 30
    assert all(t.from_table for t in plan.tasks)
    first = plan.tasks[0]
    assert first.title == "提高农产品优质供给水平"
    assert first.lead == ["市农业农村局"]
    assert first.participants == ["市自然资源局", "市市场监管局"]


def test_metadata_of_a_plan() -> None:
    plan = extract_plan(read_document(_txt("dadukou-2024")))
    assert plan.title == "质量强区建设实施方案(2023-2027年)"
    assert plan.issuer == "重庆市大渡口区人民政府"
    assert plan.region == "重庆市大渡口区"
    assert plan.level == "district"
    assert plan.date == "2024-01-12"
    assert plan.horizon == [2027, 2035]


def test_every_target_and_task_points_at_its_source() -> None:
    doc = read_document(_txt("yichang-2023"))
    plan = extract_plan(doc)
    for target in plan.targets:
        block = doc.blocks[target.source.block]
        assert block.text[target.source.start : target.source.end].strip() == target.text
    for task in plan.tasks:
        assert task.title in doc.blocks[task.source.block].text


def test_qualitative_targets_are_flagged_and_kept_out_of_the_schema_targets() -> None:
    plan = extract_plan(read_document(_txt("yichang-2023")))
    qualitative = [t for t in plan.targets if t.qualitative]
    assert qualitative and all(t.op == "qualitative" and t.value is None for t in qualitative)
    data = plan.to_json()
    assert all(t["op"] != "qualitative" for t in data["targets"])
    assert data["qualitative_targets"]


def _txt(stem: str):
    from variants import HERE

    return HERE / f"{stem}.txt"
