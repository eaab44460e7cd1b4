"""Indicators against the database: plan targets become indicators, values are entered, imported, approved and
unlocked (audited), and a target's judgement moves when the office approves a value."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.permissions import DEFAULT_GRANTS
from qcity.accounts.service import actor_for_user, get_user
from qcity.indicators import queries, service
from qcity.indicators.export import overview_xlsx
from qcity.kit.dates import today_cn
from qcity.kit.errors import Forbidden, NotFound, StateError, ValidationError
from qcity.models import AuditEvent, Indicator, IndicatorTarget, IndicatorValue, JudgementRule, Region
from qcity.plans import service as plans
from tests.support import World

AS_OF = date(2025, 3, 1)


def actor(session: Session, username: str) -> Actor:
    return actor_for_user(session, get_user(session, username))


def office_of(region: Region) -> Actor:
    return Actor(user=None, role="office_admin", permissions=frozenset(DEFAULT_GRANTS["office_admin"]),
                 region_id=region.id, region_path=region.path)  # fmt: skip


def pass_rate(session: Session, world: World) -> Indicator:
    """The world's plan target (合格率 ≥ 98% by 2026) synced, with unit A responsible in the city."""
    admin = actor(session, "admin")
    service.sync_all(session, admin)
    indicator = session.scalars(select(Indicator)).one()
    service.set_responsibility(session, admin, indicator.id, world.region_id, world.unit_a)
    session.flush()
    return indicator


def approved(
    session: Session, indicator: Indicator, region_id: int, period: str, value: float
) -> IndicatorValue:
    a = actor(session, "liaison_a")
    row = service.enter_value(session, a, indicator.id, period=period, value=value, region_id=region_id)
    return service.approve_value(session, actor(session, "admin"), row.id)


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- catalogue ----------------------------------------------------------------------------------------------


def test_sync_turns_plan_targets_into_indicators_with_a_natural_limit_for_rates(
    session: Session, world: World
) -> None:
    result = service.sync_all(session, actor(session, "admin"))
    assert (result.targets_created, result.indicators_created) == (1, 1)
    indicator = session.scalars(select(Indicator)).one()
    assert (indicator.name, indicator.unit, indicator.natural_limit, indicator.direction) == (
        "合格率",
        "%",
        100.0,
        "up",
    )
    target = session.scalars(select(IndicatorTarget)).one()
    assert (target.op, target.value, target.year, target.region_id) == (">=", 98.0, 2026, world.region_id)
    assert target.baseline_period == date(2023, 12, 31)  # the year before the plan starts
    again = service.sync_all(session, actor(session, "admin"))
    assert (again.targets_created, again.indicators_created) == (0, 0)
    assert "indicator.create" in actions(session) and "indicator_target.create" in actions(session)


def test_one_indicator_cascades_through_regions_with_different_values(session: Session, world: World) -> None:
    city = session.get(Region, world.region_id)
    assert city is not None and city.parent_id is not None
    province = session.get(Region, city.parent_id)
    other = session.get(Region, world.other_region_id)
    assert province is not None and other is not None
    for region, value, title in ((province, 86, "广东省质量强省方案"), (city, 89, "湛江市质量强市方案"),
                                 (other, 92, "宜昌市质量强市方案")):  # fmt: skip
        office = office_of(region)
        name = f"{region.name}制造业质量竞争力指数" if region is other else "全市 制造业质量竞争力指数"
        data = {"title": title, "date": "2023-06-01", "horizon": [2025], "tasks": [],
                "targets": [{"text": f"制造业质量竞争力指数达到{value}", "indicator": name, "op": ">=", "value": value,
                             "unit": "", "year": 2025}]}  # fmt: skip
        plan = plans.confirm_import(session, office, region.id, data)
        service.sync_plan(session, office, plan.id)
    indicators = session.scalars(select(Indicator).where(Indicator.name == "制造业质量竞争力指数")).all()
    assert len(indicators) == 1, "three spellings, one catalogue entry"
    assert indicators[0].natural_limit is None  # an index has no natural limit
    seen_by_city = queries.cascade(session, actor(session, "admin"), indicators[0].id)
    assert [(t.region.name, t.value) for t in seen_by_city] == [("广东省", 86), ("湛江市", 89)]
    seen_by_province = queries.cascade(session, office_of(province), indicators[0].id)
    assert [t.value for t in seen_by_province] == [86, 89]  # its subtree; 宜昌 is another province's city


def test_names_normalise_to_one_key() -> None:
    names = ["宜昌市", "宜昌"]
    assert service.normalise_name("宜昌市制造业质量竞争力指数", names) == "制造业质量竞争力指数"
    assert service.normalise_name("全市  制造业质量竞争力指数") == "制造业质量竞争力指数"
    assert service.normalise_name("“三品一标”产品") == "三品一标产品"
    assert service.natural_limit_for("食品抽检合格率", "%") == 100
    assert service.natural_limit_for("公共服务满意度", "分") == 100
    assert service.natural_limit_for("规上工业增加值增长率", "%") is None
    assert service.natural_limit_for("有效注册商标", "件") is None
    assert service.value_kind_for("increase", "%", "工业企业技术改造投资额年均增长16%") == "annual_percent"
    assert service.value_kind_for("increase", "%", "提高2个百分点") == "points"


# --- values -------------------------------------------------------------------------------------------------


def test_liaison_enters_office_approves_and_unlocks_with_a_reason_all_audited(
    session: Session, world: World
) -> None:
    indicator = pass_rate(session, world)
    a, admin = actor(session, "liaison_a"), actor(session, "admin")
    row = service.enter_value(session, a, indicator.id, period="2024年", value="97.5")
    assert (row.state, row.locked, row.region_id, row.period_end) == (
        "entered",
        False,
        world.region_id,
        date(2024, 12, 31),
    )
    row = service.enter_value(
        session, a, indicator.id, period="2024", value=97.6
    )  # corrected before approval
    assert row.value == 97.6
    service.approve_value(session, admin, row.id)
    assert (row.state, row.locked) == ("approved", True)
    with pytest.raises(StateError):
        service.enter_value(session, a, indicator.id, period="2024", value=97.0)
    with pytest.raises(ValidationError) as err:
        service.unlock_value(session, admin, row.id, "  ")
    assert err.value.field == "reason"
    service.unlock_value(session, admin, row.id, "统计局修订了年报数据")
    assert (row.state, row.locked, row.unlock_reason) == ("entered", False, "统计局修订了年报数据")
    service.enter_value(session, a, indicator.id, period="2024", value=97.1)
    assert actions(session)[-5:] == ["indicator_value.enter", "indicator_value.update", "indicator_value.approve",
                                     "indicator_value.unlock", "indicator_value.update"]  # fmt: skip
    unlock = session.scalars(select(AuditEvent).where(AuditEvent.action == "indicator_value.unlock")).one()
    assert unlock.after is not None and unlock.after["unlock_reason"] == "统计局修订了年报数据"
    assert unlock.actor_name == "admin"


def test_only_the_responsible_units_liaison_enters(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    for name in ("liaison_b", "leader", "admin"):
        with pytest.raises(Forbidden):
            service.enter_value(session, actor(session, name), indicator.id, period="2024", value=97,
                                region_id=world.region_id)  # fmt: skip
    assert service.entry_regions(session, actor(session, "liaison_b"), indicator.id) == []
    # liaison B still reads the indicator of its region: only entering is A's.
    assert service.get_indicator(session, actor(session, "liaison_b"), indicator.id).id == indicator.id


def test_values_are_numbers_within_the_rules(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    a = actor(session, "liaison_a")
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, a, indicator.id, period="2024", value="九十八")
    assert err.value.field == "value" and "数字" in err.value.message
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, a, indicator.id, period="2024", value=120)
    assert "高于上限100" in err.value.message
    service.update_indicator(session, actor(session, "admin"), indicator.id,
                             validation_rules=[{"type": "ratio", "scale": 100}])  # fmt: skip
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, a, indicator.id, period="2024", value=90, numerator=120, denominator=100)
    assert err.value.field == "numerator" and "大于分母" in err.value.message
    with pytest.raises(ValidationError):
        service.enter_value(session, a, indicator.id, period="去年", value=90)
    assert session.scalar(select(func.count(IndicatorValue.id))) == 0


def test_a_jump_beyond_the_history_needs_a_comment(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    a = actor(session, "liaison_a")
    for year, value in ((2020, 97.0), (2021, 97.2), (2022, 97.1)):
        service.enter_value(session, a, indicator.id, period=str(year), value=value)
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, a, indicator.id, period="2023", value=80)
    assert err.value.field == "comment"
    row = service.enter_value(
        session, a, indicator.id, period="2023", value=80, comment="口径调整，纳入小作坊"
    )
    assert row.comment == "口径调整，纳入小作坊"


def count_values(session: Session) -> int:
    return session.scalar(select(func.count(IndicatorValue.id))) or 0


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2099", "期间2099年尚未结束（截至2099年12月31日），不能填报未来期间的数值"),
        ("1900", "期间1900年早于1949年，请核对年份"),
        ("1948年第四季度", "期间1948年第4季度早于1949年，请核对年份"),
    ],
)
def test_a_period_not_yet_ended_or_implausibly_old_is_refused(
    session: Session, world: World, period: str, message: str
) -> None:
    indicator = pass_rate(session, world)
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, actor(session, "liaison_a"), indicator.id, period=period, value=97)
    assert (err.value.field, err.value.message) == ("period", message)
    assert count_values(session) == 0


def test_the_current_year_is_refused_until_it_has_ended(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    a = actor(session, "liaison_a")
    today = today_cn()
    if (today.month, today.day) != (12, 31):
        with pytest.raises(ValidationError) as err:
            service.enter_value(session, a, indicator.id, period=str(today.year), value=97)
        assert err.value.field == "period" and "尚未结束" in err.value.message
    with pytest.raises(ValidationError):
        service.enter_value(session, a, indicator.id, period=str(today.year + 1), value=97)
    row = service.enter_value(session, a, indicator.id, period=str(today.year - 1), value=97)
    assert row.period_end == date(today.year - 1, 12, 31)


def test_the_office_cannot_approve_a_value_for_a_period_not_yet_ended(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    row = IndicatorValue(indicator_id=indicator.id, region_id=world.region_id, period_end=date(2099, 12, 31),
                         period_label="2099年", value=97.0, source="entered", state="entered", locked=False)  # fmt: skip
    session.add(row)  # entered before periods were checked
    session.flush()
    with pytest.raises(ValidationError) as err:
        service.approve_value(session, actor(session, "admin"), row.id)
    assert err.value.field == "period" and "2099年尚未结束" in err.value.message
    assert (row.state, row.locked) == ("entered", False)


def test_numerator_and_denominator_are_checked_under_the_default_rules(
    session: Session, world: World
) -> None:
    indicator = pass_rate(session, world)  # 合格率 in %, natural limit 100, no rules configured
    assert indicator.validation_rules is None
    a = actor(session, "liaison_a")
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, a, indicator.id, period="2024", value=5, numerator=5, denominator=0)
    assert err.value.field == "denominator" and "分母必须大于0" in err.value.message
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, a, indicator.id, period="2024", value=99, numerator=50, denominator=100)
    assert err.value.field == "value" and err.value.message.startswith("数值99与分子÷分母×100算得的50不一致")
    assert count_values(session) == 0
    row = service.enter_value(session, a, indicator.id, period="2024", value="", numerator="50",
                              denominator="100")  # fmt: skip
    assert (row.value, row.numerator, row.denominator) == (50.0, 50.0, 100.0)
    row = service.enter_value(session, a, indicator.id, period="2023", value=None, numerator=964.3,
                              denominator=1000)  # fmt: skip
    assert row.value == 96.43
    with pytest.raises(ValidationError) as err:  # nothing to compute it from
        service.enter_value(session, a, indicator.id, period="2022", value="", numerator=964.3)
    assert err.value.field == "denominator" and "数值为空" in err.value.message


def test_an_over_long_comment_is_refused_not_cut(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    a = actor(session, "liaison_a")
    with pytest.raises(ValidationError) as err:
        service.enter_value(session, a, indicator.id, period="2024", value=97, comment="说" * 2001)
    assert err.value.field == "comment"
    assert err.value.message == "说明不能超过2000字（现有2001字），请精简后再保存"
    assert count_values(session) == 0
    row = service.enter_value(session, a, indicator.id, period="2024", value=97, comment="说" * 2000)
    assert row.comment == "说" * 2000


def test_an_over_long_unlock_reason_is_refused_not_cut(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    row = approved(session, indicator, world.region_id, "2023", 96)
    admin = actor(session, "admin")
    with pytest.raises(ValidationError) as err:
        service.unlock_value(session, admin, row.id, "因" * 2001)
    assert err.value.field == "reason" and err.value.message.startswith(
        "解锁原因不能超过2000字（现有2001字）"
    )
    assert row.locked is True
    service.unlock_value(session, admin, row.id, "因" * 2000)
    assert row.unlock_reason == "因" * 2000


def test_an_import_is_checked_like_a_value_entered_by_hand(session: Session, world: World) -> None:
    pass_rate(session, world)
    long = "说" * 3000
    text = (f"指标,地区,期间,数值,分子,分母,说明\r\n合格率,湛江市,2023,97,,,{long}\r\n合格率,湛江市,2099,97,,,\r\n"
            "合格率,湛江市,1900,97,,,\r\n合格率,湛江市,2022,99,50,100,\r\n合格率,湛江市,2021,5,5,0,\r\n"
            "合格率,湛江市,2020,,964.3,1000,\r\n")  # fmt: skip
    outcome = service.import_file(session, actor(session, "liaison_a"), text.encode("gbk"), "v.csv")
    assert not outcome.ok and outcome.written == 0
    assert [(e.row, e.column, e.column_letter) for e in outcome.errors] == [
        (2, "说明", "G"), (3, "期间", "C"), (4, "期间", "C"), (5, "数值", "D"), (6, "分母", "F"),
    ]  # fmt: skip
    assert "说明不能超过2000字（现有3000字）" in outcome.errors[0].message
    assert count_values(session) == 0
    good = "指标,地区,期间,数值,分子,分母,说明\r\n合格率,湛江市,2020,,964.3,1000,按抽检批次计算\r\n"
    outcome = service.import_file(session, actor(session, "liaison_a"), good.encode("gbk"), "v.csv")
    assert outcome.ok and outcome.written == 1
    row = session.scalars(select(IndicatorValue)).one()
    assert (row.value, row.comment) == (96.43, "按抽检批次计算")


def test_other_regions_values_are_not_found(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    row = approved(session, indicator, world.region_id, "2023", 96)
    other = session.get(Region, world.other_region_id)
    assert other is not None
    with pytest.raises(NotFound):
        service.get_value(session, office_of(other), row.id)
    with pytest.raises(NotFound):
        service.approve_value(session, office_of(other), row.id)


# --- import -------------------------------------------------------------------------------------------------


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_an_import_with_one_bad_row_writes_nothing_and_names_row_column_reason(
    session: Session, world: World
) -> None:
    indicator = pass_rate(session, world)
    data = xlsx([["指标名称", "地区", "年份", "数值", "备注"],
                 ["合格率", "湛江市", 2022, 96.5, None],
                 ["合格率", "湛江市", 2023, "九十七", None],
                 ["合格率", "湛江市", 2024, 97.4, None]])  # fmt: skip
    outcome = service.import_file(session, actor(session, "liaison_a"), data, "values.xlsx")
    assert not outcome.ok and outcome.written == 0
    assert [(e.row, e.column, e.column_letter) for e in outcome.errors] == [(3, "数值", "D")]
    assert "不是数字" in outcome.errors[0].message
    assert (
        session.scalar(
            select(func.count(IndicatorValue.id)).where(IndicatorValue.indicator_id == indicator.id)
        )
        == 0
    )


def test_a_gbk_csv_imports(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    text = (
        "指标,地区,期间,数值,说明\r\n合格率,湛江市,2023年,96.8,年报\r\n合格率,湛江市,2024年上半年,97.2,\r\n"
    )
    outcome = service.import_file(session, actor(session, "liaison_a"), text.encode("gbk"), "数值.csv")
    assert outcome.ok, [str(e) for e in outcome.errors]
    assert outcome.written == 2
    rows = session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id)
                           .order_by(IndicatorValue.period_end)).all()  # fmt: skip
    assert [(r.period_label, r.value, r.source, r.state, r.comment) for r in rows] == [
        ("2023年", 96.8, "imported", "entered", "年报"),
        ("2024年上半年", 97.2, "imported", "entered", None),
    ]


def test_a_liaison_imports_only_what_their_unit_reports(session: Session, world: World) -> None:
    pass_rate(session, world)
    data = "指标,地区,期间,数值\r\n合格率,湛江市,2023,96.8\r\n".encode()
    outcome = service.import_file(session, actor(session, "liaison_b"), data, "b.csv")
    assert not outcome.ok and outcome.errors[0].row == 2 and "不负责" in outcome.errors[0].message
    approved_row = approved(session, session.scalars(select(Indicator)).one(), world.region_id, "2023", 96.0)
    outcome = service.import_file(session, actor(session, "admin"), data, "office.csv")
    assert not outcome.ok and "锁定" in outcome.errors[0].message
    assert approved_row.value == 96.0


# --- judgement ----------------------------------------------------------------------------------------------


def test_the_status_changes_when_the_office_approves(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    approved(session, indicator, world.region_id, "2023", 96.0)  # the baseline year
    admin = actor(session, "admin")
    before = queries.overview(session, admin, as_of=AS_OF)
    assert before.rows[0].judgement.status == "unknown" and before.counts["unknown"] == 1
    row = service.enter_value(session, actor(session, "liaison_a"), indicator.id, period="2024", value=97.2)
    pending = queries.overview(session, admin, as_of=AS_OF)
    assert pending.rows[0].judgement.status == "unknown", "an unapproved value does not count"
    assert pending.rows[0].pending == 1
    service.approve_value(session, admin, row.id)
    after = queries.overview(session, admin, as_of=AS_OF)
    j = after.rows[0].judgement
    # Near the natural limit (98 is within 5 points of 100): judged on the gap. Gap 2 points, closed 1.2 in
    # 1 year of 3: (1.2 / 2) / (1 / 3) = 1.8 ≥ 0.95.
    assert (j.status, j.method, j.baseline, j.latest) == ("on_track", "gap", 96.0, 97.2)
    assert j.ratio == pytest.approx(1.8)
    assert after.counts["on_track"] == 1 and after.counts["unknown"] == 0
    assert any("接近极限值100%" in w for w in j.working) and any("基线：2023年 96%" in w for w in j.working)


def test_thresholds_come_from_the_rules_table(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    approved(session, indicator, world.region_id, "2023", 96.0)
    approved(session, indicator, world.region_id, "2024", 97.2)
    assert queries.load_rules(session, AS_OF).on_track == 0.95
    session.add(JudgementRule(code="on_track", value=2.0, unit="比值", description="试行", source="测试",
                              effective_from=date(2025, 1, 1), status="in_force"))  # fmt: skip
    session.add(JudgementRule(code="on_track", value=5.0, unit="比值", description="草案", source="测试",
                              effective_from=date(2025, 2, 1), status="draft"))  # fmt: skip
    session.flush()
    assert queries.load_rules(session, date(2024, 12, 31)).on_track == 0.95
    assert queries.load_rules(session, AS_OF).on_track == 2.0  # a draft never applies
    view = queries.overview(session, actor(session, "admin"), as_of=AS_OF)
    assert view.rows[0].judgement.status == "needs_acceleration"  # ratio 1.8 is now below the on-track line


def test_overview_exports_to_excel(session: Session, world: World) -> None:
    indicator = pass_rate(session, world)
    approved(session, indicator, world.region_id, "2023", 96.0)
    approved(session, indicator, world.region_id, "2024", 97.2)
    view = queries.overview(session, actor(session, "leader"), as_of=AS_OF)
    book = load_workbook(io.BytesIO(overview_xlsx(view, AS_OF)))
    assert book.sheetnames == ["汇总", "目标明细"]
    detail = [[c.value for c in row] for row in book["目标明细"].iter_rows()]
    assert detail[1][0] == "合格率" and detail[1][8] == "进展顺利"
    assert "接近极限值" in str(detail[1][10])


# --- over HTTP ----------------------------------------------------------------------------------------------


def test_api_import_reports_errors_and_the_overview_counts(personas, world: World, engine) -> None:  # type: ignore[no-untyped-def]
    from qcity.db.engine import make_session_factory

    with make_session_factory(engine)() as s:
        pass_rate(s, world)
        s.commit()
    a, admin = personas["liaison_a"], personas["admin"]
    bad = "指标,地区,期间,数值\r\n合格率,湛江市,2023,96\r\n合格率,湛江市,2024,abc\r\n".encode("gbk")
    r = a.post("/api/v1/indicators/import", files={"file": ("v.csv", bad, "text/csv")})
    assert r.status_code == 422 and r.json()["written"] == 0
    assert r.json()["errors"][0] | {"text": ""} == {"row": 3, "column": "数值", "column_letter": "D",
                                                   "message": "“abc”不是数字", "text": ""}  # fmt: skip
    good = bad.replace(b"abc", b"97.2")
    r = a.post("/api/v1/indicators/import", files={"file": ("v.csv", good, "text/csv")})
    assert r.status_code == 200 and r.json()["written"] == 2
    indicator_id = admin.get("/api/v1/indicators").json()[0]["id"]
    values = admin.get(f"/api/v1/indicators/{indicator_id}").json()["values"]
    for v in values:
        assert (
            admin.post(
                f"/api/v1/indicators/values/{v['id']}/approve", json={"version": v["version"]}
            ).status_code
            == 200
        )
    overview = personas["leader"].get("/api/v1/indicators/overview").json()
    assert overview["counts"]["on_track"] == 1
    assert overview["targets"][0]["judgement"]["working"]
    r = personas["leader"].get("/api/v1/indicators/overview.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
