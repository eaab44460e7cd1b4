"""In Chromium, the whole supervision story through the pages, as the office and a unit's liaison live it.

The office admin signs in (after one wrong password, answered in Chinese), uploads a plan as .docx, sees the
extraction beside the source text, maps the two unit names that match no unit (one to a new unit, one to an
existing unit), confirms, and lands on the new plan. The liaison of 市市场监管局 opens 我的任务, drafts a report
(autosaved), attaches a file and submits — with the autosave and the submission made to cross on a slow network;
the office downloads the evidence and returns the report with a reason in 审核; the liaison, following a link
while signed out, revises and resubmits, and the office accepts — these two with JavaScript switched off, as plain
form posts. The 工作台 counts and lights change, dates read like 2025年3月31日, the office gives the new unit a
liaison, the audit log shows every step, and every main page is saved to artifacts/screenshots/story-*.png.
Any console error, page error or unexpected 4xx/5xx response fails the test.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from qcity.config import Settings
from qcity.web.app import create_app
from tests.support import PASSWORD, World

pytestmark = [pytest.mark.e2e]
CHROMIUM = os.environ.get("QCITY_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
VIEWPORT = {"width": 1366, "height": 900}

ISSUED = date.today() - timedelta(days=40)  # the plan has started: its first reporting period is open
YEAR = ISSUED.year
TITLE = "湛江市质量强市三年行动方案"
NEW_UNIT = "市质量品牌促进中心"  # matches no unit: the office creates it
OTHER_SPELLING = "市科创委"  # matches no unit: the office maps it to 市科技局


def _plan_docx(path: Path) -> Path:
    """A small plan: two targets, three tasks; 市市场监督管理局 resolves by alias, two names resolve to nothing."""
    import docx

    doc = docx.Document()
    for text in [
        TITLE,
        "为加快推进质量强市建设，结合我市实际，制定本方案。",
        "一、主要目标",
        f"到{YEAR + 2}年，全市产品质量监督抽查合格率稳定在98%以上，制造业质量竞争力指数达到88以上。",
        "二、主要任务",
        "1.强化质量基础设施。建设一批计量、标准、检验检测公共技术服务平台。（责任单位：市市场监督管理局）",
        f"2.培育质量品牌。组织企业争创政府质量奖，培育区域品牌。（责任单位：{NEW_UNIT}、市市场监管局）",
        f"3.推动科技创新。加大研发投入，建设创新平台。（责任单位：{OTHER_SPELLING}）",
        "湛江市人民政府",
        f"{ISSUED.year}年{ISSUED.month}月{ISSUED.day}日",
    ]:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(settings: Settings, engine: Engine, world: World) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _stat(page: Any, key: str) -> int:
    return int(page.locator(f".stats .stat-{key} .stat-n").inner_text())


def _unit_row(page: Any, name: str) -> list[str]:
    row = page.locator("#unit-lights tbody tr", has=page.locator("td", has_text=re.compile(f"^{name}$")))
    return [c.strip() for c in row.locator("td").all_inner_texts()] if row.count() else []


def test_office_imports_a_plan_and_a_report_goes_round_in_the_browser(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed")
    expect = sync_api.expect
    base = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    plan_file = _plan_docx(tmp_path / "质量强市三年行动方案.docx")
    evidence = tmp_path / "检测平台建设台账.pdf"
    evidence.write_bytes(b"%PDF-1.4 platform ledger")
    revised = tmp_path / "验收报告.pdf"
    revised.write_bytes(b"%PDF-1.4 acceptance")
    errors: list[str] = []
    failed: list[str] = []

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"story-{name}.png"), full_page=True)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def new_page(who: str, *, js: bool = True) -> Any:
            context = browser.new_context(locale="zh-CN", viewport=VIEWPORT, java_script_enabled=js)
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("console", lambda m: errors.append(f"{who}: {m.text} {m.location}") if m.type == "error" else None)  # fmt: skip
            page.on("pageerror", lambda e: errors.append(f"{who}: {e}"))
            page.on("response", lambda r: failed.append(f"{who}: {r.status} {r.request.method} {r.url}") if r.status >= 400 else None)  # fmt: skip
            return page

        def sign_in(page: Any, username: str) -> None:
            page.goto(f"{base}/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/")

        # --- one wrong password: a clear Chinese message, the username kept, no session
        office = new_page("admin")
        office.goto(f"{base}/login")
        office.fill("input[name=username]", "admin")
        office.fill("input[name=password]", "wrong-password")
        office.click("main button[type=submit]")
        expect(office.locator("main [role=alert]")).to_have_text(re.compile(r"用户名或密码(错误|不正确)"))
        shot(office, "01-login")
        assert office.input_value("input[name=username]") == "admin"
        assert office.locator("nav.mainnav >> text=工作台").count() == 0

        # --- the office signs in; the dashboard before the import
        office.fill("input[name=password]", PASSWORD)
        office.click("main button[type=submit]")
        office.wait_for_url(f"{base}/")
        office.wait_for_load_state("networkidle")
        plans_before = int(office.locator(".stats .stat-n").first.inner_text())
        done_before = _stat(office, "done")
        assert _unit_row(office, NEW_UNIT) == []
        assert re.search(r"今天是\d{4}年\d{1,2}月\d{1,2}日", office.locator("main").inner_text())

        # --- import: upload the .docx
        office.click("nav.mainnav >> text=导入方案")
        office.wait_for_url(f"{base}/import")
        shot(office, "03-import")
        office.set_input_files("#plan-file", str(plan_file))
        office.click("main form button[type=submit]")
        office.wait_for_url(re.compile(r"/import/[A-Za-z0-9_-]{16,}$"))

        # --- review: the extraction beside the source text, each extracted row marked in the source
        source, extracted = office.locator("section.source"), office.locator("#review-form")
        assert "强化质量基础设施" in source.inner_text()
        s_box, e_box = source.bounding_box(), extracted.bounding_box()
        assert s_box and e_box, "both halves shown"
        # side by side, the source on the left
        assert s_box["x"] + s_box["width"] <= e_box["x"] + 1, (s_box, e_box)
        assert s_box["y"] < e_box["y"] + e_box["height"] and e_box["y"] < s_box["y"] + s_box["height"]
        assert office.input_value("input[name=title]") == TITLE
        assert office.locator("#target-rows tbody tr.src-row").count() == 2
        assert office.locator("#task-rows tbody tr.src-row").count() == 3
        assert source.locator("mark[data-ref=t0]").count() == 1
        shot(office, "04-import-review")
        office.hover("#task-rows tr[data-ref=t0]")
        expect(source.locator("mark[data-ref=t0]")).to_have_class(re.compile(r"\bactive\b"))
        unresolved = office.locator("#unit-mapping tr.unresolved")
        names = sorted(r.locator("td").first.inner_text() for r in unresolved.all())
        assert names == sorted([NEW_UNIT, OTHER_SPELLING]), names

        # confirming with the names unmapped is refused, and nothing is lost
        office.click("button[value=confirm]")
        expect(office.locator("main [role=alert]").first).to_contain_text("尚未对应到单位")

        def mapping_select(name: str) -> Any:
            return office.locator("#unit-mapping tr.unresolved", has_text=name).locator("select")

        mapping_select(NEW_UNIT).select_option("new")
        mapping_select(OTHER_SPELLING).select_option(label="市科技局")
        office.click("button[value=confirm]")
        office.wait_for_url(re.compile(r"/plans/\d+\?imported=1$"))

        # --- the plan: targets, the 任务分解表 with the mapped units, dates in Chinese
        assert f"方案已导入：{TITLE}" in office.locator("main [role=status]").inner_text()
        head = office.locator(".page-head").first.inner_text()
        issued = f"{ISSUED.year}年{ISSUED.month}月{ISSUED.day}日"  # 2025年3月31日, no zero padding
        assert f"{issued}印发" in head and f"实施期限{issued}至{YEAR + 2}年12月31日" in head, head
        rows = office.locator("#task-table tbody tr")
        assert rows.count() == 3
        cells = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(3)]
        leads_and_participants = [["市市场监管局", "—"], [NEW_UNIT, "市市场监管局"], ["市科技局", "—"]]
        assert [c[2:4] for c in cells] == leads_and_participants, cells
        shot(office, "05-plan")
        office.click("#task-table >> text=强化质量基础设施")
        office.wait_for_url(re.compile(r"/tasks/\d+$"))
        task_url = office.url
        assert "市市场监管局" in office.locator("main").inner_text()
        shot(office, "06-task")

        # --- the liaison drafts (autosaved), attaches a file and submits
        liaison = new_page("liaison_a")
        sign_in(liaison, "liaison_a")
        liaison.click("nav.mainnav >> text=我的任务")
        liaison.wait_for_url(f"{base}/my")
        row = liaison.locator("#my-work tbody tr", has_text="强化质量基础设施")
        assert "未填报" in row.inner_text()
        shot(liaison, "07-my-work")
        row.locator("a.button").click()
        liaison.wait_for_url(re.compile(r"/my/assignments/\d+\?period_id=\d+$"))
        assert re.search(r"（\d{4}年\d{1,2}月\d{1,2}日前报送）", liaison.locator("#h-form").inner_text())
        with liaison.expect_response(lambda r: r.url.endswith("/autosave") and r.status == 200):
            liaison.set_input_files("#evidence", str(evidence))
            liaison.fill("#text", "已建成计量检测公共服务平台1个，另1个在建。")
            liaison.fill("input[name=percent]", "50")
        expect(liaison.locator("#autosave-status")).to_contain_text("草稿已自动保存")
        shot(liaison, "08-report-form")
        # a field the browser finds invalid halts the autosave: the status says so, not the last "saved"
        liaison.fill("input[name=percent]", "150")
        expect(liaison.locator("#autosave-status")).to_contain_text(
            "未能自动保存：“完成百分比（%）”", timeout=10_000
        )
        with liaison.expect_response(lambda r: r.url.endswith("/autosave") and r.status == 200):
            liaison.fill("input[name=percent]", "50")
        expect(liaison.locator("#autosave-status")).to_contain_text("草稿已自动保存")
        # 提交审核 must not cross an autosave, on a slow network: (1) clicked while an autosave is on its way, the
        # submission waits for its answer (and the version it brings); (2) an autosave still waiting for its
        # delay when the submission leaves is dropped. Either would bump the version and fail the submission.
        held: list[Any] = []  # requests paused at the network, in the order the page sent them
        autosave_url, submit_url = re.compile(r"/autosave$"), re.compile(r"/my/assignments/\d+$")
        liaison.route(autosave_url, lambda route: held.append(route))
        liaison.route(submit_url, lambda route: held.append(route))

        def until_held(n: int) -> None:
            for _ in range(200):
                if len(held) >= n:
                    return
                liaison.wait_for_timeout(50)
            raise AssertionError(f"expected {n} requests, got {[r.request.url for r in held]}")

        liaison.fill("#text", "已建成计量检测公共服务平台1个，另1个在建。附台账。")
        until_held(1)  # the autosave is on its way
        liaison.fill("#text", "已建成计量检测公共服务平台1个，另1个在建。附台账和照片。")  # another in 1.5 s
        liaison.click("button[value=submit]", no_wait_after=True)
        liaison.wait_for_timeout(300)
        assert len(held) == 1, "the submission went while an autosave was on its way"
        held[0].continue_()
        until_held(2)  # the autosave answered; now the submission goes
        liaison.wait_for_timeout(2000)  # the second autosave's delay passes with the submission on its way
        held[1].continue_()
        liaison.wait_for_url("**done=submitted")
        liaison.unroute(autosave_url)
        liaison.unroute(submit_url)
        sent = [r.request.url.rsplit("/", 1)[-1] for r in held]
        assert sent[0] == "autosave" and len(sent) == 2 and sent[1] != "autosave", sent
        assert "报告已提交" in liaison.locator("main [role=status]").inner_text()
        assert liaison.locator(".timeline a", has_text=evidence.name).count() == 1
        assert "附台账和照片。" in liaison.locator(".timeline .report-text").inner_text()

        # --- the office returns it with a reason
        office.click("nav.mainnav >> text=审核")
        office.wait_for_url(f"{base}/review")
        report_row = office.locator("#review-table tbody tr", has_text="强化质量基础设施")
        with office.expect_download() as download:
            report_row.locator("a", has_text=evidence.name).click()
        assert Path(download.value.path()).read_bytes() == evidence.read_bytes()
        shot(office, "09-review")
        report_row.locator("button[name=return_one]").click()  # without a reason: refused, explained
        expect(office.locator("main [role=alert]").first).to_contain_text("退回时必须填写原因")
        report_row = office.locator("#review-table tbody tr", has_text="强化质量基础设施")
        report_row.locator("input[name^=reason_]").fill("请补充在建平台的建设进度和验收材料")
        report_row.locator("button[name=return_one]").click()
        office.wait_for_url("**done=returned-1")
        assert "已退回1份报告" in office.locator("main [role=status]").inner_text()

        # --- the liaison revises and resubmits, with JavaScript off: a plain multipart form post
        plain = new_page("liaison_a (no JS)", js=False)
        # a link followed while signed out: back there after signing in
        plain.goto(f"{base}/my?state=returned")
        plain.wait_for_url(re.compile(r"/login\?next="))
        plain.fill("input[name=username]", "liaison_a")
        plain.fill("input[name=password]", PASSWORD)
        plain.click("main button[type=submit]")
        plain.wait_for_url(f"{base}/my?state=returned")
        plain.locator("#my-work tbody tr", has_text="强化质量基础设施").locator("a.button").click()
        plain.wait_for_url(re.compile(r"/my/assignments/\d+\?period_id=\d+$"))
        assert "请补充在建平台的建设进度和验收材料" in plain.locator("main [role=alert]").first.inner_text()
        plain.fill("#text", "2个计量检测公共服务平台均已建成并通过验收。")
        plain.fill("input[name=percent]", "100")
        plain.select_option("select[name=work_status]", "completed")
        plain.set_input_files("#evidence", str(revised))
        plain.click("button[value=submit]")
        plain.wait_for_url("**done=submitted")
        files = plain.locator(".timeline a").all_inner_texts()
        assert evidence.name in files and revised.name in files, files

        # --- the office accepts, with JavaScript off too
        plain_office = new_page("admin (no JS)", js=False)
        sign_in(plain_office, "admin")
        plain_office.goto(f"{base}/review")
        report_row = plain_office.locator("#review-table tbody tr", has_text="强化质量基础设施")
        assert "曾退回1次" in report_row.inner_text()
        report_row.locator("button[name=accept_one]").click()
        plain_office.wait_for_url("**done=accepted-1")
        assert "已通过1份报告" in plain_office.locator("main [role=status]").inner_text()
        plain_office.goto(f"{base}/review?state=accepted")
        assert plain_office.locator("#review-table tbody tr", has_text="强化质量基础设施").count() == 1

        # --- the liaison's list and the task page show it accepted and done
        liaison.goto(f"{base}/my")
        row = liaison.locator("#my-work tbody tr", has_text="强化质量基础设施")
        assert "已通过" in row.inner_text() and "已完成" in row.inner_text()
        office.goto(task_url)
        assert "100%" in office.locator("main table").first.inner_text()
        assert office.locator(".timeline .report-accepted").count() == 1

        # --- the dashboard shows the change
        office.goto(f"{base}/")
        office.wait_for_load_state("networkidle")
        assert int(office.locator(".stats .stat-n").first.inner_text()) == plans_before + 1
        assert _stat(office, "done") == done_before + 1
        assert office.locator("#h-plans + table", has_text=TITLE).count() == 1
        mine = _unit_row(office, "市市场监管局")
        assert mine and mine[-1] == "1项", mine  # the done column
        assert _unit_row(office, NEW_UNIT), "the new unit's assignment is on the dashboard"
        assert office.locator("#chart-units canvas").count() == 1  # ECharts drew the chart
        shot(office, "02-dashboard")

        # --- units and users, and the audit log of it all
        office.click("nav.mainnav >> text=单位与用户")
        office.wait_for_url(f"{base}/admin/units")
        office.click("nav.tabs >> text=用户")
        office.wait_for_url(f"{base}/admin/users")
        assert office.input_value("select[name=role]") == ""  # no role preselected, least of all 办公室管理员
        office.fill("input[name=username]", "liaison_c")
        office.fill("input[name=display_name]", "品牌中心联络员")
        office.fill("input[name=password]", PASSWORD)
        office.select_option("select[name=role]", "liaison")
        office.select_option("select[name=unit_ids]", label=NEW_UNIT)
        office.click("main form[action='/admin/users'] button[type=submit]")
        office.wait_for_url("**/admin/users?created=liaison_c")
        created = office.locator("#user-table tbody tr", has_text="liaison_c").inner_text()
        assert "单位联络员" in created and NEW_UNIT in created, created
        shot(office, "11-users")
        office.click("nav.tabs >> text=单位")
        office.wait_for_url(f"{base}/admin/units")
        units = office.locator("#unit-table tbody")
        brand = [c.strip() for c in units.locator("tr", has_text=NEW_UNIT).locator("td").all_inner_texts()]
        assert brand[4:6] == ["1项", "1人"], brand
        assert OTHER_SPELLING in units.locator("tr", has_text="市科技局").first.inner_text()
        shot(office, "10-units")
        office.click("nav.mainnav >> text=操作日志")
        office.wait_for_url(f"{base}/audit")
        log = office.locator("#audit-table > tbody").inner_text()
        steps = ["导入方案", "新建单位", "添加单位别名", "新建报告", "上传附件", "提交报告", "退回报告"]
        assert [a for a in [*steps, "通过报告", "新建用户"] if a not in log] == [], log
        shot(office, "12-audit")
        office.click("header button:has-text('退出')")
        office.wait_for_url(f"{base}/login")
        office.goto(f"{base}/")
        office.wait_for_url(f"{base}/login")
        browser.close()

    # Only the wrong password and the two refused form posts (shown again with the reason) answer 4xx.
    shown = [re.sub(r"/import/[\w-]+$", "/import/<id>", f) for f in failed]
    assert shown == [
        f"admin: 401 POST {base}/login",
        f"admin: 422 POST {base}/import/<id>",
        f"admin: 422 POST {base}/review",
    ], failed
    refused = [e for e in errors if re.search(r"status of (401|422)", e)]
    assert len(refused) == 3, errors
    assert not [e for e in errors if e not in refused], (errors, failed)
