"""In Chromium: a unit's liaison self-assesses with an evidence file; the office verifies (a changed score needs a
reason), publishes, and the published ranking and score sheet show every point. Any console error fails."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine

from qcity.config import Settings
from qcity.db.engine import make_session_factory
from qcity.web.app import create_app
from tests.assessment.seed import seed_assessment
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


@pytest.fixture
def server(settings: Settings, engine: Engine, world: World) -> Iterator[tuple[str, dict[str, int]]]:
    with make_session_factory(engine)() as s:
        ids = seed_assessment(s, world, settings.files_dir)
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


def test_liaison_self_assesses_and_office_verifies_and_publishes(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed")
    base, ids = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    evidence = tmp_path / "制度文件.pdf"
    evidence.write_bytes(b"%PDF-1.4 rules")
    errors: list[str] = []
    failed: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def page_for(username: str):  # type: ignore[no-untyped-def]
            page = browser.new_context(locale="zh-CN").new_page()
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

        # --- the liaison of unit A self-assesses
        a = page_for("liaison_a")
        a.click("nav >> text=考核")
        a.click("text=市市场监管局：填写自评")
        a.wait_for_url(f"**/assessment/units/{ids['ua_id']}/self")
        a.select_option("#evidence-form select[name=item_code]", "2.2.1")
        a.set_input_files("#evidence-form input[type=file]", str(evidence))
        a.click("#evidence-form button[type=submit]")
        a.wait_for_url("**/self?done=uploaded*")
        assert a.locator("#self-form a", has_text="制度文件.pdf").count() == 1
        a.fill("#score-2\\.1", "15")
        a.fill("#score-2\\.2\\.1", "10")
        a.fill("#score-2\\.2\\.2", "12")
        a.select_option("select[name=claim_code] >> nth=0", "B1")
        a.fill("input[name=claim_points] >> nth=0", "2")
        a.fill("input[name=claim_reason] >> nth=0", "获市政府质量奖")
        a.click("button[value=submit]")
        a.wait_for_url("**/self?done=submitted")
        a.screenshot(path=str(SHOTS / "assessment-1-self.png"), full_page=True)

        # --- the liaison of unit B submits too (without evidence where none is required)
        b = page_for("liaison_b")
        b.goto(f"{base}/assessment")
        b.click("text=市科技局：填写自评")
        b.fill("#score-2\\.1", "0")
        b.fill("#score-2\\.2\\.1", "0")
        b.fill("#score-2\\.2\\.2", "8")
        b.click("button[value=submit]")
        b.wait_for_url("**/self?done=submitted")

        # --- the office closes self-assessment and verifies
        office = page_for("admin")
        office.goto(f"{base}/assessment/cycles/{ids['cycle_id']}")
        office.click("button[value=start_verification]")
        office.wait_for_url("**done=start_verification")
        office.click("#ranking tr[data-unit=市市场监管局] a >> text=核定")
        office.fill("#verified-2\\.1", "14")
        office.click("#verify-form button[type=submit]")
        error = office.locator("#form-error")
        assert "须填写理由" in error.inner_text()  # the changed score without a reason is refused, input kept
        assert office.input_value("#verified-2\\.1") == "14"
        office.fill("#reason-2\\.1", "专题会议纪要缺一次")
        office.click("#verify-form button[type=submit]")
        office.wait_for_url("**done=verified")
        office.click("#ranking tr[data-unit=市科技局] a >> text=核定")
        office.click("#verify-form button[type=submit]")
        office.wait_for_url("**done=verified")
        office.click("button[value=publish]")
        office.wait_for_url("**done=publish")
        office.screenshot(path=str(SHOTS / "assessment-2-published.png"), full_page=True)
        first = office.locator("#ranking tbody tr").first
        assert "市市场监管局" in first.inner_text()

        # --- the published score sheet explains every point, with the evidence linked
        office.click("#ranking tr[data-unit=市市场监管局] a >> text=评分表")
        sheet = office.locator("#sheet")
        for code in ("1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.2.1", "2", "2.1", "2.2.1", "2.2.2", "B1"):
            assert sheet.locator(f"tr[data-code='{code}']").count() == 1, code
        assert "核定14分（理由：专题会议纪要缺一次）" in sheet.locator("tr[data-code='2.1']").inner_text()
        assert sheet.locator("tr[data-code='2.2.1'] a", has_text="制度文件.pdf").count() == 1
        office.screenshot(path=str(SHOTS / "assessment-3-sheet.png"), full_page=True)

        # --- after publication the other unit sees the ranking, not A's sheet
        b.goto(f"{base}/assessment/cycles/{ids['cycle_id']}")
        assert b.locator("#ranking tr[data-unit=市市场监管局]").count() == 1
        assert b.locator("#ranking tr[data-unit=市市场监管局] a", has_text="评分表").count() == 0
        browser.close()
    # The refused verification answers 422 (the form shown again with the error); nothing else may fail.
    expected = [
        f for f in failed if f.startswith("admin: 422 ") and f.endswith(f"/units/{ids['ua_id']}/verify")
    ]
    assert failed == expected and len(expected) == 1, failed
    assert len([e for e in errors if "status of 422" in e]) == 1, errors
    assert not [e for e in errors if "status of 422" not in e], (errors, failed)
