"""In Chromium: a unit's liaison enters an indicator value on the indicator page, the office approves it on the
review page, and the target's status on the region overview moves from 数据不足 to 进展顺利. The indicator page
draws the ECharts line (values, target line, deadline) and states the judgement with its working in words.
Any console error or page error fails. Screenshots: artifacts/screenshots/indicators-*.png."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine, select

from qcity.config import Settings
from qcity.db.engine import make_session_factory
from qcity.web.app import create_app
from tests.support import PASSWORD, World

pytestmark = [pytest.mark.e2e]
CHROMIUM = os.environ.get("QCITY_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(engine: Engine, world: World) -> dict[str, int]:
    """The world's target (合格率 ≥ 98% by 2026) synced, unit A responsible, the 2023 baseline (96%) approved."""
    from qcity.accounts.service import actor_for_user, get_user
    from qcity.indicators import service
    from qcity.models import Indicator, IndicatorTarget

    with make_session_factory(engine)() as s:
        admin = actor_for_user(s, get_user(s, "admin"))
        a = actor_for_user(s, get_user(s, "liaison_a"))
        service.sync_all(s, admin)
        indicator = s.scalars(select(Indicator)).one()
        service.set_responsibility(s, admin, indicator.id, world.region_id, world.unit_a)
        base = service.enter_value(s, a, indicator.id, period="2023", value=96.0)
        service.approve_value(s, admin, base.id)
        target = s.scalars(select(IndicatorTarget)).one()
        s.commit()
        return {"indicator_id": indicator.id, "target_id": target.id}


@pytest.fixture
def server(settings: Settings, engine: Engine, world: World) -> Iterator[tuple[str, dict[str, int]]]:
    ids = _seed(engine, world)
    port = _free_port()
    config = uvicorn.Config(create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    srv.should_exit = True
    thread.join(timeout=10)


CHART_STATE = """() => {
  const el = document.getElementById("indicator-chart");
  const chart = window.echarts && echarts.getInstanceByDom(el);
  if (!chart) return null;
  const o = chart.getOption();
  const line = o.series.find((s) => s.type === "line");
  const canvas = el.querySelector("canvas");
  let inked = 0;
  if (canvas) {
    const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
  }
  const at = (name) => Math.round(chart.convertToPixel({ xAxisIndex: 0 }, name));
  const points = chart.getModel().getSeriesByIndex(0).getData().getLayout("points");  // x0, y0, x1, y1, …
  const placed = line.data.map((p, i) => Math.round(points[2 * i]) === at(p[0]));
  return {
    periods: o.xAxis[0].data, placed: placed,
    width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0, inked: inked,
    approved: line.data, pending: o.series.find((s) => s.name === "待审核数值").data,
    marks: line.markLine.data.map((m) => m.yAxis !== undefined ? ["y", m.yAxis] : ["x", m.xAxis]),
  };
}"""


def _chart(page: Any) -> dict[str, Any]:
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('indicator-chart'))"
    )
    state: dict[str, Any] = page.evaluate(CHART_STATE)
    assert state["width"] > 200 and state["height"] > 200, state
    assert state["inked"] > 1000, "the canvas was drawn on"
    assert state["periods"] == ["2023年", "2024年", "2025年", "2026年"], (
        "a category per year to the target year"
    )
    assert len(state["placed"]) == len(state["approved"]) and all(state["placed"]), "each value on its period"
    return state


def test_liaison_enters_office_approves_and_the_overview_status_moves(server) -> None:  # type: ignore[no-untyped-def]
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed")
    base, ids = server
    indicator_id, target_id = ids["indicator_id"], ids["target_id"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    failed: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def page_for(username: str):  # type: ignore[no-untyped-def]
            page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
            page.on(
                "console", lambda m: errors.append(f"{username}: {m.text}") if m.type == "error" else None
            )
            page.on("pageerror", lambda e: errors.append(f"{username}: {e}"))
            page.on(
                "response",
                lambda r: failed.append(f"{username}: {r.status} {r.url}") if r.status >= 400 else None,
            )
            page.goto(f"{base}/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            return page

        # --- before: the office's overview has the baseline only, so the target cannot be judged yet
        office = page_for("admin")
        office.click("nav >> text=指标")
        office.wait_for_url("**/indicators/overview")
        row = office.locator(f"#target-{target_id}")
        assert row.locator(".status-cell .ind-status").inner_text() == "数据不足"
        assert "基线之后尚无新的观测数据" in row.inner_text()
        assert office.locator("#count-unknown").inner_text() == "1"
        assert office.locator("#count-on_track").inner_text() == "0"
        office.screenshot(path=str(SHOTS / "indicators-1-overview-before.png"), full_page=True)

        # --- the liaison of unit A opens the indicator from the overview and enters the 2024 value
        a = page_for("liaison_a")
        a.click("nav >> text=指标")
        a.click(f"#target-{target_id} a >> text=合格率")
        a.wait_for_url(f"**/indicators/{indicator_id}?region_id=*")
        before = _chart(a)
        assert before["approved"] == [["2023年", 96]] and before["pending"] == []
        assert ["y", 98] in before["marks"] and ["x", "2026年"] in before["marks"]
        a.fill("#value-form input[name=period]", "2024")
        a.fill("#value-form input[name=value]", "97.2")
        a.fill("#value-form input[name=comment]", "年度抽检数据")
        a.click("#value-form button[type=submit]")
        a.wait_for_url("**done=entered*")
        assert "等待办公室审核" in a.locator("#done").inner_text()
        entered = a.locator("#value-table tr[data-state=entered]")
        assert entered.count() == 1 and "97.2%" in entered.inner_text() and "待审核" in entered.inner_text()
        assert "另有1个数值待审核" in a.locator(f"#judgement-{target_id}").inner_text()
        pending = _chart(a)
        assert pending["pending"] == [["2024年", 97.2]], "the new value is drawn as pending"
        a.screenshot(path=str(SHOTS / "indicators-2-entered.png"), full_page=True)

        # --- the office approves it in the review queue
        office.goto(f"{base}/indicators")
        office.click("text=审核指标数值")
        office.wait_for_url("**/indicators/review")
        queue = office.locator("#pending-values tbody tr")
        assert queue.count() == 1 and "2024年" in queue.inner_text() and "97.2%" in queue.inner_text()
        office.screenshot(path=str(SHOTS / "indicators-3-review.png"), full_page=True)
        queue.locator("button", has_text="审核通过").click()
        office.wait_for_url("**/indicators/review?done=approved")
        assert "已审核并锁定" in office.locator(".flash").inner_text()
        assert "没有待审核的数值" in office.locator("#pending-values").inner_text()

        # --- after: the overview judges the target on the approved value
        office.click("text=目标达标总览")
        office.wait_for_url("**/indicators/overview")
        row = office.locator(f"#target-{target_id}")
        assert row.locator(".status-cell .ind-status").inner_text() == "进展顺利"
        assert office.locator("#count-on_track").inner_text() == "1"
        assert office.locator("#count-unknown").inner_text() == "0"
        assert "97.2%" in row.inner_text()
        office.screenshot(path=str(SHOTS / "indicators-4-overview-after.png"), full_page=True)

        # --- the indicator page: the chart has the approved line, the target line and the deadline, and the
        # judgement states its working in words
        row.locator("a", has_text="合格率").click()
        office.wait_for_url(f"**/indicators/{indicator_id}?region_id=*")
        after = _chart(office)
        assert after["approved"] == [["2023年", 96], ["2024年", 97.2]] and after["pending"] == []
        assert ["y", 98] in after["marks"] and ["x", "2026年"] in after["marks"]
        judgement = office.locator(f"#judgement-{target_id}")
        assert judgement.locator(".ind-status").inner_text() == "进展顺利"
        working = judgement.locator(".ind-working li")
        assert working.count() >= 2
        for li in working.all():
            assert li.is_visible()
        text = judgement.inner_text()
        assert "基线：2023年 96%" in text and "接近极限值100%" in text, text
        assert "进度比值 180%" in text
        locked = office.locator("#value-table tr[data-state=approved]", has_text="2024年")
        assert "已锁定" in locked.inner_text()
        office.screenshot(path=str(SHOTS / "indicators-5-detail.png"), full_page=True)
        browser.close()
    assert not failed, failed
    assert not errors, errors
