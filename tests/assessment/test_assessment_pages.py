"""The assessment pages and API over HTTP, as each persona sees them: before publication a unit's liaison sees its
own sheet and provisional score but no rank, grade or 整改 flag (pages, API and its own sheet's export alike),
while the office and leaders see everything; after publication the liaison sees its standing too. Dates read the
Chinese way, metric names carry no codes, and the forms' messages name the field in plain Chinese."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from qcity.assessment import service
from qcity.kit.errors import Conflict, ValidationError
from tests.assessment.seed import actor, seed_assessment
from tests.support import PersonaClient, World


def text_of(html: str, element_id: str) -> str:
    """The text of the element with this id (tags dropped, whitespace squeezed)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"#{element_id} not on the page"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(2)))).strip()


@pytest.fixture
def ids(session: Session, world: World, tmp_path: Path) -> dict[str, int]:
    """The cycle in 核定中: unit A (市市场监管局) 35.00, last of two and so flagged for 整改; B 45.00."""
    ids = seed_assessment(session, world, tmp_path / "files", bottom_n=1)
    service.self_assess(session, actor(session, "liaison_a"), ids["ua_id"], scores={"2.1": "5"})
    service.self_assess(session, actor(session, "liaison_b"), ids["ua_b_id"], scores={"2.2.2": "15"})
    service.transition(session, actor(session, "admin"), ids["cycle_id"], "start_verification")
    session.commit()
    return ids


def publish(session: Session, ids: dict[str, int]) -> None:
    admin = actor(session, "admin")
    for ua_id in (ids["ua_id"], ids["ua_b_id"]):
        service.verify(session, admin, ua_id, scores={})
    service.transition(session, admin, ids["cycle_id"], "publish")
    session.commit()


def grade_row(xlsx: bytes) -> list[object]:
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    return next(list(r) for r in sheet.iter_rows(values_only=True) if r[1] == "等级")


def test_before_publication_the_pages_show_a_liaison_no_rank_grade_or_rectification(
    personas: dict[str, PersonaClient], ids: dict[str, int]
) -> None:
    a = personas["liaison_a"]
    ranking = text_of(a.get(f"/assessment/cycles/{ids['cycle_id']}").text, "ranking")
    assert "市市场监管局" in ranking and "35.00" in ranking
    assert "须整改" not in ranking and "排名" not in ranking and "市科技局" not in ranking
    page = a.get(f"/assessment/units/{ids['ua_id']}").text
    score_line = text_of(page, "score-line")
    assert "35.00" in score_line and "第" not in score_line and "须整改" not in score_line
    assert "不合格" not in page  # the grade's label, which the sheet's 等级 line would give
    assert "等级在考核结果公布后确定" in text_of(page, "sheet")


def test_before_publication_the_api_and_exports_give_a_liaison_no_rank_grade_or_rectification(
    personas: dict[str, PersonaClient], ids: dict[str, int]
) -> None:
    a = personas["liaison_a"]
    unit = a.get(f"/api/v1/assessment/units/{ids['ua_id']}").json()
    assert (unit["rank"], unit["grade"], unit["rectify"], unit["final_score"]) == (None, None, None, "35.00")
    assert unit["sheet"]["grade"] == "" and unit["sheet"]["final_score"] == "35.00"
    rows = a.get(f"/api/v1/assessment/cycles/{ids['cycle_id']}").json()["units"]
    assert [(r["unit_name"], r["rank"], r["rectify"]) for r in rows] == [("市市场监管局", None, None)]

    export = f"/api/v1/assessment/units/{ids['ua_id']}/export"
    row = grade_row(a.get(export).content)
    assert (row[2], row[8]) == (None, "等级在考核结果公布后确定")
    text = "\n".join(p.text for p in Document(io.BytesIO(a.get(export + "?format=docx").content)).paragraphs)
    assert "等级：考核结果公布后确定" in text and "不合格" not in text
    assert a.get(f"/api/v1/assessment/cycles/{ids['cycle_id']}/export").status_code == 404


def test_office_and_leaders_see_the_provisional_ranking(
    personas: dict[str, PersonaClient], ids: dict[str, int]
) -> None:
    for persona in ("admin", "leader"):
        client = personas[persona]
        rows = client.get(f"/api/v1/assessment/cycles/{ids['cycle_id']}").json()["units"]
        assert [(r["unit_name"], r["rank"], r["grade"], r["rectify"]) for r in rows] == [
            ("市科技局", 1, "D", False),
            ("市市场监管局", 2, "D", True),
        ], persona
        ranking = text_of(client.get(f"/assessment/cycles/{ids['cycle_id']}").text, "ranking")
        assert "须整改" in ranking, persona
        assert grade_row(client.get(f"/api/v1/assessment/units/{ids['ua_id']}/export").content)[2] == "D"


def test_after_publication_a_liaison_sees_its_standing(
    personas: dict[str, PersonaClient], ids: dict[str, int], session: Session
) -> None:
    publish(session, ids)
    a = personas["liaison_a"]
    ranking = text_of(a.get(f"/assessment/cycles/{ids['cycle_id']}").text, "ranking")
    assert "市科技局" in ranking and "须整改" in ranking
    score_line = text_of(a.get(f"/assessment/units/{ids['ua_id']}").text, "score-line")
    assert "第2名" in score_line and "须整改" in score_line and "D" in score_line
    unit = a.get(f"/api/v1/assessment/units/{ids['ua_id']}").json()
    assert (unit["rank"], unit["grade"], unit["rectify"], unit["sheet"]["grade"]) == (2, "D", True, "D")
    assert grade_row(a.get(f"/api/v1/assessment/units/{ids['ua_id']}/export").content)[2] == "D"


def test_sheet_dates_are_chinese_and_metric_names_carry_no_codes(
    personas: dict[str, PersonaClient], ids: dict[str, int]
) -> None:
    page = personas["liaison_a"].get(f"/assessment/units/{ids['ua_id']}").text
    assert "数据截至2025年6月30日" in page and "2024年7月10日" in page  # as of, and a report's deadline
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page)
    assert "数据指标：按时报送率" in page and "on_time_report_rate" not in page
    sheet = load_workbook(
        io.BytesIO(personas["admin"].get(f"/api/v1/assessment/units/{ids['ua_id']}/export").content)
    )
    cells = [str(c) for row in sheet.active.iter_rows(values_only=True) for c in row if c]  # type: ignore[union-attr]
    assert any("截至2025年6月30日应报" in c for c in cells)
    assert not [c for c in cells if re.search(r"\d{4}-\d{2}-\d{2}|on_time|escalations|targets_on", c)]


def test_range_messages_read_as_chinese_and_name_the_field(session: Session, ids: dict[str, int]) -> None:
    admin = actor(session, "admin")
    with pytest.raises(ValidationError) as err:
        service.verify(session, admin, ids["ua_id"], scores={"2.1": "16"})
    assert (err.value.message, err.value.field) == ("“2.1 组织领导”的核定分应在0到15分之间", "score[2.1]")
    entry = {"kind": "bonus", "code": "B2", "points": "-1", "reason": "经验被推广"}
    with pytest.raises(ValidationError) as err:
        service.verify(session, admin, ids["ua_id"], scores={}, entries=[entry])
    assert (err.value.message, err.value.field) == ("“经验被上级推广”的分值应不小于0", "claims[0].points")


def test_a_stale_save_promises_kept_input_only_when_something_was_typed(
    session: Session, ids: dict[str, int]
) -> None:
    admin = actor(session, "admin")
    with pytest.raises(Conflict) as err:
        service.verify(session, admin, ids["ua_id"], scores={}, version=0)
    assert err.value.message == "该考核记录已被他人修改，请刷新后再保存"
    with pytest.raises(Conflict) as err:
        service.verify(
            session, admin, ids["ua_id"], scores={"2.1": "4"}, reasons={"2.1": "纪要不全"}, version=0
        )
    assert err.value.message == "该考核记录已被他人修改，请刷新后再保存（您填写的内容未丢失）"
