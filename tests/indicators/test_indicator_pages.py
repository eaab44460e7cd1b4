"""The indicator pages over HTTP, as a browser posts their forms: import (a bad row writes nothing and is named by
row, column and reason; GBK CSV), approve and unlock (a reason, both audited), the overview's Excel export, and
what the indicator page shows an office for the regions above it."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from html import unescape

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.permissions import DEFAULT_GRANTS
from qcity.accounts.service import actor_for_user, get_user
from qcity.db.engine import make_session_factory
from qcity.indicators import service
from qcity.models import AuditEvent, Indicator, IndicatorTarget, IndicatorValue, Region
from qcity.plans import service as plans
from tests.support import PersonaClient, World


def _session(engine: Engine) -> Session:
    return make_session_factory(engine)()


def pass_rate(engine: Engine, world: World, *, baseline: float | None = None) -> int:
    """The world's target (合格率 ≥ 98% by 2026) synced, unit A responsible; optionally the 2023 value approved."""
    with _session(engine) as s:
        admin = actor_for_user(s, get_user(s, "admin"))
        service.sync_all(s, admin)
        indicator = s.scalars(select(Indicator)).one()
        service.set_responsibility(s, admin, indicator.id, world.region_id, world.unit_a)
        if baseline is not None:
            a = actor_for_user(s, get_user(s, "liaison_a"))
            row = service.enter_value(s, a, indicator.id, period="2023", value=baseline)
            service.approve_value(s, admin, row.id)
        s.commit()
        return indicator.id


def values(engine: Engine) -> list[IndicatorValue]:
    with _session(engine) as s:
        rows = list(s.scalars(select(IndicatorValue).order_by(IndicatorValue.period_end)))
        s.expunge_all()
        return rows


def audit_actions(engine: Engine, prefix: str = "indicator_value.") -> list[str]:
    with _session(engine) as s:
        return list(
            s.scalars(
                select(AuditEvent.action).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
            )
        )


def text_of(html: str, element_id: str) -> str:
    """The text of the element with this id (tags dropped, whitespace squeezed)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"#{element_id} not on the page"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(2)))).strip()


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# --- import -------------------------------------------------------------------------------------------------

BAD_ROWS = [["指标名称", "地区", "年份", "数值", "备注"],
            ["合格率", "湛江市", 2022, 96.5, ""],
            ["合格率", "湛江市", 2023, "九十七", ""],
            ["合格率", "湛江市", 2024, 97.4, ""]]  # fmt: skip


def _csv(rows: list[list[object]], encoding: str) -> bytes:
    return ("\r\n".join(",".join(str(c) for c in r) for r in rows) + "\r\n").encode(encoding)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("数值.xlsx", xlsx(BAD_ROWS)),
        ("数值.csv", _csv(BAD_ROWS, "utf-8")),
        ("数值gbk.csv", _csv(BAD_ROWS, "gbk")),
    ],
)
def test_import_page_with_one_bad_row_writes_nothing_and_names_row_column_reason(
    personas: dict[str, PersonaClient], world: World, engine: Engine, filename: str, data: bytes
) -> None:
    pass_rate(engine, world)
    r = personas["liaison_a"].post(
        "/indicators/import", files={"file": (filename, data, "application/octet-stream")}
    )
    assert r.status_code == 422
    assert "文件有1处错误，未导入任何数据" in text_of(r.text, "import-result")
    errors = text_of(r.text, "import-errors")
    assert "第3行 数值（D列） “九十七”不是数字" in errors, errors
    assert values(engine) == [] and audit_actions(engine) == []


def test_import_page_reads_a_gbk_csv(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    pass_rate(engine, world)
    rows = [["指标", "地区", "期间", "数值", "说明"], ["合格率", "湛江市", "2023年", 96.8, "年报（修订）"],
            ["合格率", "湛江市", "2024年上半年", 97.2, ""]]  # fmt: skip
    data = _csv(rows, "gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK
    r = personas["liaison_a"].post("/indicators/import", files={"file": ("数值.csv", data, "text/csv")})
    assert r.status_code == 200, text_of(r.text, "import-result")
    assert "共写入2个数值" in text_of(r.text, "import-result")
    assert [(v.period_label, v.value, v.comment, v.source, v.state) for v in values(engine)] == [
        ("2023年", 96.8, "年报（修订）", "imported", "entered"),
        ("2024年上半年", 97.2, None, "imported", "entered"),
    ]
    assert audit_actions(engine) == [
        "indicator_value.enter",
        "indicator_value.enter",
        "indicator_value.import",
    ]


def test_import_service_with_one_bad_csv_row_writes_nothing(session: Session, world: World) -> None:
    admin = actor_for_user(session, get_user(session, "admin"))
    service.sync_all(session, admin)
    indicator = session.scalars(select(Indicator)).one()
    service.set_responsibility(session, admin, indicator.id, world.region_id, world.unit_a)
    data = "指标,地区,期间,数值\r\n合格率,湛江市,2022,96.5\r\n合格率,湛江,2023,97\r\n".encode("gbk")
    outcome = service.import_file(
        session, actor_for_user(session, get_user(session, "liaison_a")), data, "v.csv"
    )
    assert not outcome.ok and outcome.written == 0
    assert [(e.row, e.column, e.column_letter) for e in outcome.errors] == [(3, "地区", "B")]
    assert "湛江" in outcome.errors[0].message
    assert session.scalar(select(func.count(IndicatorValue.id))) == 0


# --- entering, approving, unlocking ---------------------------------------------------------------------------


def test_a_refused_value_keeps_the_input_and_names_the_field(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    indicator_id = pass_rate(engine, world)
    form = {"period": "2024", "value": "九十八", "comment": "年报", "region_id": str(world.region_id)}
    r = personas["liaison_a"].post(f"/indicators/{indicator_id}/values", data=form)
    assert r.status_code == 422
    assert "数值应为数字" in text_of(r.text, "form-error")
    assert (
        'name="value" inputmode="decimal" value="九十八" aria-describedby="period-help" aria-invalid="true"'
        in r.text
    )
    assert 'value="年报"' in r.text and values(engine) == []


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"period": "2099", "value": "97"},
            "期间",
            "期间2099年尚未结束（截至2099年12月31日），不能填报未来期间的数值",
        ),
        ({"period": "1900", "value": "97"}, "期间", "期间1900年早于1949年，请核对年份"),
        (
            {"period": "2024", "value": "5", "numerator": "5", "denominator": "0"},
            "分母",
            "分母必须大于0（现为0）",
        ),
        (
            {"period": "2024", "value": "99", "numerator": "50", "denominator": "100"},
            "数值",
            "数值99与分子÷分母×100算得的50不一致",
        ),
        (
            {"period": "2024", "value": "97", "comment": "说" * 3000},
            "说明",
            "说明不能超过2000字（现有3000字），请精简后再保存",
        ),
    ],
)
def test_the_entry_form_refuses_bad_input_naming_the_field_and_saves_nothing(
    personas: dict[str, PersonaClient], world: World, engine: Engine, form: dict[str, str], field: str,
    message: str,
) -> None:  # fmt: skip
    indicator_id = pass_rate(engine, world)
    r = personas["liaison_a"].post(
        f"/indicators/{indicator_id}/values", data=form | {"region_id": str(world.region_id)}
    )
    assert r.status_code == 422
    error = text_of(r.text, "form-error")
    assert message in error and error.endswith(f"（{field}）"), error
    assert 'aria-invalid="true"' in r.text
    assert values(engine) == [] and audit_actions(engine) == []


def test_the_entry_form_keeps_a_long_comment_whole_and_computes_an_empty_value(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    indicator_id = pass_rate(engine, world)
    comment = "说" * 2000
    form = {"period": "2024", "value": "", "numerator": "50", "denominator": "100", "comment": comment}
    r = personas["liaison_a"].post(f"/indicators/{indicator_id}/values", data=form, follow_redirects=False)
    assert r.status_code == 303, text_of(r.text, "form-error")
    (row,) = values(engine)
    assert (row.value, row.numerator, row.denominator, row.comment) == (50.0, 50.0, 100.0, comment)


def test_the_api_refuses_bad_input_naming_the_field_in_chinese(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    indicator_id = pass_rate(engine, world)
    a = personas["liaison_a"]
    url = f"/api/v1/indicators/{indicator_id}/values"
    cases = [
        ({"period": "2099", "value": 97}, "period", "期间2099年尚未结束"),
        ({"period": "1900", "value": 97}, "period", "期间1900年早于1949年"),
        ({"period": "2024", "value": 5, "numerator": 5, "denominator": 0}, "denominator", "分母必须大于0"),
        (
            {"period": "2024", "value": 99, "numerator": 50, "denominator": 100},
            "value",
            "数值99与分子÷分母×100",
        ),
        (
            {"period": "2024", "value": 97, "comment": "说" * 3000},
            "comment",
            "说明不能超过2000字（现有3000字）",
        ),
        ({"period": "2024年" * 20, "value": 97}, "period", "期间无法识别"),
        ({"period": "2024"}, "value", "数值为空"),
    ]
    for body, field, message in cases:
        r = a.post(url, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field and message in r.json()["message"], (body, r.json())
    assert values(engine) == []
    r = a.post(url, json={"period": "2024", "numerator": 50, "denominator": 100, "comment": "说" * 2000})
    assert r.status_code == 201, r.text
    assert (r.json()["value"], len(r.json()["comment"])) == (50.0, 2000)
    value_id, version = r.json()["id"], r.json()["version"]
    admin = personas["admin"]
    assert (
        admin.post(f"/api/v1/indicators/values/{value_id}/approve", json={"version": version}).status_code
        == 200
    )
    r = admin.post(f"/api/v1/indicators/values/{value_id}/unlock", json={"reason": "因" * 2001})
    assert (
        r.status_code == 422
        and r.json()["field"] == "reason"
        and "解锁原因不能超过2000字" in r.json()["message"]
    )
    assert values(engine)[0].locked is True


def test_an_import_with_an_over_long_comment_or_a_future_period_imports_nothing(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    pass_rate(engine, world)
    rows = [["指标", "地区", "期间", "数值", "说明"], ["合格率", "湛江市", "2023年", 96.8, "说" * 3000],
            ["合格率", "湛江市", "2099年", 97.2, ""], ["合格率", "湛江市", "2022年", 96.5, ""]]  # fmt: skip
    for filename, data in (("数值.csv", _csv(rows, "utf-8")), ("数值.xlsx", xlsx(rows))):
        r = personas["liaison_a"].post("/indicators/import", files={"file": (filename, data, "text/csv")})
        assert r.status_code == 422, filename
        assert "文件有2处错误，未导入任何数据" in text_of(r.text, "import-result")
        errors = text_of(r.text, "import-errors")
        assert "第2行 说明（E列） 说明不能超过2000字（现有3000字）" in errors, errors
        assert "第3行 期间（C列） 期间2099年尚未结束" in errors, errors
    assert values(engine) == [] and audit_actions(engine) == []


def test_approving_locks_and_unlocking_needs_a_reason_both_audited(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    indicator_id = pass_rate(engine, world)
    a, admin = personas["liaison_a"], personas["admin"]
    r = a.post(
        f"/indicators/{indicator_id}/values", data={"period": "2024", "value": "97.2"}, follow_redirects=False
    )
    assert r.status_code == 303 and "done=entered" in r.headers["location"]
    (row,) = values(engine)
    r = admin.get("/indicators/review")
    assert f'id="value-{row.id}"' in r.text
    # A stale version (someone changed the value meanwhile) keeps the office on its queue, with the reason.
    r = admin.post(
        f"/indicators/values/{row.id}/approve", data={"version": str(row.version + 5), "back": "review"}
    )
    assert r.status_code == 409 and "审核指标数值" in r.text and text_of(r.text, "form-error")
    assert values(engine)[0].state == "entered"
    r = admin.post(f"/indicators/values/{row.id}/approve", data={"version": str(row.version), "back": "review"},
                   follow_redirects=False)  # fmt: skip
    assert (r.status_code, r.headers["location"]) == (303, "/indicators/review?done=approved")
    (row,) = values(engine)
    assert (row.state, row.locked) == ("approved", True)
    # Locked: the liaison cannot overwrite it.
    r = a.post(f"/indicators/{indicator_id}/values", data={"period": "2024", "value": "97.0"})
    assert r.status_code == 409 and "已审核锁定" in text_of(r.text, "form-error")
    # Unlocking without a reason is refused and changes nothing.
    r = admin.post(f"/indicators/values/{row.id}/unlock", data={"reason": "  ", "version": str(row.version)})
    assert r.status_code == 422 and "解锁必须填写原因（解锁原因）" in text_of(r.text, "form-error")
    assert values(engine)[0].locked is True
    r = admin.post(f"/indicators/values/{row.id}/unlock", data={"reason": "统计局修订年报", "version": str(row.version)},
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and "done=unlocked" in r.headers["location"]
    (row,) = values(engine)
    assert (row.state, row.locked, row.unlock_reason) == ("entered", False, "统计局修订年报")
    assert audit_actions(engine) == [
        "indicator_value.enter",
        "indicator_value.approve",
        "indicator_value.unlock",
    ]
    with _session(engine) as s:
        events = {
            e.action: e
            for e in s.scalars(select(AuditEvent).where(AuditEvent.object_type == "indicator_value"))
        }
        approve, unlock = events["indicator_value.approve"], events["indicator_value.unlock"]
        assert approve.before and approve.after and unlock.after
        assert (approve.before["locked"], approve.after["locked"], approve.after["state"]) == (
            False,
            True,
            "approved",
        )
        assert (unlock.after["locked"], unlock.after["unlock_reason"]) == (False, "统计局修订年报")
        assert approve.actor_name == unlock.actor_name == "admin"
    page = admin.get(f"/indicators/{indicator_id}").text
    assert "解锁原因：统计局修订年报" in text_of(page, f"value-{row.id}")


# --- the overview and its export ------------------------------------------------------------------------------


def test_overview_page_exports_an_excel_workbook_with_the_targets(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    pass_rate(engine, world, baseline=96.0)
    leader = personas["leader"]
    assert 'href="/indicators/overview.xlsx?region_id=' in leader.get("/indicators/overview").text
    r = leader.get(f"/indicators/overview.xlsx?region_id={world.region_id}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="indicator-overview-' in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["汇总", "目标明细"]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert str(summary[0][0]).startswith("湛江市指标目标达标研判汇总")
    assert ["数据不足", 1] in summary and ["合计", 1] in summary
    detail = [[c.value for c in row] for row in book["目标明细"].iter_rows()]
    assert detail[0][:9] == [
        "指标",
        "单位",
        "目标",
        "目标年份",
        "基期",
        "基期值",
        "最新期",
        "最新值",
        "研判结果",
    ]
    assert detail[1][:9] == ["合格率", "%", "≥98%", 2026, "2023年", 96, "2023年", 96, "数据不足"]
    assert detail[1][11] == "市市场监管局" and len(detail) == 2


# --- the indicator page -------------------------------------------------------------------------------------------


def office_of(region: Region) -> Actor:
    return Actor(user=None, role="office_admin", permissions=frozenset(DEFAULT_GRANTS["office_admin"]),
                 region_id=region.id, region_path=region.path)  # fmt: skip


def test_a_region_with_two_target_years_shows_both_in_the_chart_and_the_judgement(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    with _session(engine) as s:
        city = s.get(Region, world.region_id)
        assert city is not None
        data = {"title": "湛江市质量提升方案", "date": "2024-03-01", "horizon": [2025, 2035], "tasks": [],
                "targets": [{"text": "有效注册商标达到6万件", "indicator": "有效注册商标", "op": ">=", "value": 60000,
                             "unit": "件", "year": 2025},
                            {"text": "有效注册商标年均增长15%", "indicator": "有效注册商标", "op": "increase",
                             "value": 15, "unit": "%", "year": 2035}]}  # fmt: skip
        plan = plans.confirm_import(s, office_of(city), city.id, data)
        service.sync_plan(s, office_of(city), plan.id)
        s.commit()
        indicator = s.scalars(select(Indicator).where(Indicator.name == "有效注册商标")).one()
        targets = list(s.scalars(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id)))
        assert len(targets) == 2
    page = personas["admin"].get(f"/indicators/{indicator.id}?region_id={world.region_id}").text
    assert text_of(page, "chart-title") == "湛江市数值走势"  # the region once, however many targets
    cascade = text_of(page, "cascade")
    assert "≥60000件 2025年" in cascade and "提高15% 2035年" in cascade, cascade
    for t in targets:
        assert f'id="judgement-{t.id}"' in page
    assert "2035年目标 提高15%" in text_of(page, f"judgement-{targets[1].id}"), (
        "the target's unit, not the series'"
    )
    assert "提高15件" not in page
    chart = re.search(r'id="indicator-chart-data">(.*?)</script>', page, re.S)
    assert chart is not None
    data = json.loads(chart.group(1))
    assert [t["deadline"] for t in data["targets"]] == ["2025年", "2035年"]
    assert data["targets"][0]["goal"] == 60000 and data["targets"][0]["label"] == "2025年目标 ≥60000件"
    assert data["periods"] == [f"{y}年" for y in range(2025, 2036)], "every year to the last target year"


def test_an_office_reads_the_province_values_but_approves_only_its_own(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    indicator_id = pass_rate(engine, world)
    with _session(engine) as s:
        city = s.get(Region, world.region_id)
        assert city is not None and city.parent_id is not None
        province = s.get(Region, city.parent_id)
        assert province is not None
        data = {"title": "广东省质量强省方案", "date": "2023-06-01", "horizon": [2025], "tasks": [],
                "targets": [{"text": "合格率达到97%", "indicator": "合格率", "op": ">=", "value": 97, "unit": "%",
                             "year": 2025}]}  # fmt: skip
        plan = plans.confirm_import(s, office_of(province), province.id, data)
        service.sync_plan(s, office_of(province), plan.id)
        s.add(IndicatorValue(indicator_id=indicator_id, region_id=province.id, period_end=date(2024, 12, 31),
                             period_label="2024年", value=96.1, source="entered", state="entered", locked=False))  # fmt: skip
        s.commit()
        province_id = province.id
        province_value = s.scalars(
            select(IndicatorValue).where(IndicatorValue.region_id == province.id)
        ).one()
        province_target = s.scalars(
            select(IndicatorTarget).where(IndicatorTarget.region_id == province.id)
        ).one()
    admin = personas["admin"]
    page = admin.get(f"/indicators/{indicator_id}?region_id={province_id}").text
    assert text_of(page, "chart-title") == "广东省数值走势"
    row = text_of(page, f"value-{province_value.id}")
    assert "96.1%" in row and "上级地区的数值" in row and "审核通过" not in row
    judgement = page[page.index(f'id="judgement-{province_target.id}"') :]
    assert f'action="/indicators/targets/{province_target.id}"' not in judgement, "no baseline form above"
    assert f'id="value-{province_value.id}"' not in admin.get("/indicators/review").text
    # Not the city's to approve: refused, unchanged.
    r = admin.post(f"/indicators/values/{province_value.id}/approve", data={"version": "1"})
    assert r.status_code == 422 and values(engine)[0].state == "entered"


def test_the_baseline_form_keeps_a_half_year_baseline(
    personas: dict[str, PersonaClient], world: World, engine: Engine
) -> None:
    indicator_id = pass_rate(engine, world)
    with _session(engine) as s:
        target_id = s.scalars(select(IndicatorTarget.id)).one()
    admin = personas["admin"]
    form = {"baseline_period": "2024年6月", "baseline_value": "96.5"}
    r = admin.post(f"/indicators/targets/{target_id}", data=form, follow_redirects=False)
    assert r.status_code == 303
    page = admin.get(f"/indicators/{indicator_id}").text
    assert 'name="baseline_period" value="2024年6月"' in page
    # Saving the form as shown keeps the baseline where it was.
    r = admin.post(f"/indicators/targets/{target_id}", data=form, follow_redirects=False)
    with _session(engine) as s:
        target = s.get(IndicatorTarget, target_id)
        assert target is not None and target.baseline_period == date(2024, 6, 30)
