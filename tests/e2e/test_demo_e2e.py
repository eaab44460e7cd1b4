"""In Chromium: `qcity demo` serves the demo on QCITY_PORT; each region's office admin signs in and sees a
dashboard marked 演示数据, with no console error. Screenshots: artifacts/screenshots/demo-<region>.png."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qcity.config import Settings
from qcity.demo import PASSWORD, REGIONS
from qcity.demo.runner import prepare

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo")]
CHROMIUM = os.environ.get("QCITY_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _console(errors: list[str], user: str, message: Any) -> None:
    # The browser's own /favicon.ico probe is not the page's doing (base.html links no icon yet).
    if message.type == "error" and not str(message.location.get("url", "")).endswith("/favicon.ico"):
        errors.append(f"{user}: {message.text} ({message.location.get('url', '')})")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    data_dir = tmp_path_factory.mktemp("demo-e2e") / "data"
    _, meta, _ = prepare(Settings(data_dir=data_dir))  # built here, so `qcity demo` below reuses it
    port = _free_port()
    env = os.environ | {"QCITY_DATA_DIR": str(data_dir), "QCITY_PORT": str(port), "QCITY_HOST": "127.0.0.1"}
    qcity = Path(sys.executable).with_name("qcity")
    proc = subprocess.Popen([str(qcity), "demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"qcity demo exited with {proc.returncode}:\n{out}")
                time.sleep(0.1)
        yield base, meta
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_each_region_dashboard_renders_in_chromium_marked_as_demo(
    demo_server: tuple[str, dict[str, Any]],
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed")
    base, meta = demo_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    offices = {a["region"]: a["username"] for a in meta["accounts"] if a["role"] == "办公室管理员"}
    errors: list[str] = []
    failed: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for spec in REGIONS:
            username = offices[spec.full_name]
            page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
            page.on("console", lambda m, u=username: _console(errors, u, m))
            page.on("pageerror", lambda e, u=username: errors.append(f"{u}: {e}"))
            page.on("response", lambda r, u=username: failed.append(f"{u}: {r.status} {r.url}") if r.status >= 400 else None)  # fmt: skip
            page.goto(f"{base}/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            page.wait_for_load_state("networkidle")
            assert page.get_by_text("演示数据").first.is_visible(), username
            assert spec.name in page.content(), username
            page.screenshot(path=str(SHOTS / f"demo-{spec.slug}.png"), full_page=True)
            page.context.close()
        browser.close()
    assert not errors, errors
    assert not failed, failed
