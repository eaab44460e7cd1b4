"""`qcity demo`: build (or reuse) the demo database, print the accounts, serve it marked 演示数据.

The demo lives apart from real data, in `<QCITY_DATA_DIR>/demo/` (its own qcity.sqlite3 and files/), so it can
never overwrite a real database. It is reused when it was built today with the same seed (so a second
`make demo` starts at once); a demo from an earlier day is rebuilt, because its activity is relative to today.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from qcity.config import Settings
from qcity.db.engine import make_engine, make_session_factory
from qcity.db.migrate import upgrade
from qcity.demo.build import DemoSummary, build_demo
from qcity.demo.catalog import DEFAULT_SEED
from qcity.kit.dates import today_cn

DEMO_DIR = "demo"
META_FILE = "demo.json"
FORMAT = 1  # bump when the generator changes, so an old demo database is rebuilt


def demo_settings(base: Settings) -> Settings:
    """The settings the demo runs with: its own data directory and SQLite file, every page marked 演示数据."""
    return base.model_copy(update={"data_dir": base.data_dir / DEMO_DIR, "database_url": "", "demo": True})


def _meta_path(settings: Settings) -> Path:
    return settings.data_dir / META_FILE


def _db_path(settings: Settings) -> Path:
    return settings.data_dir / "qcity.sqlite3"


def _load_meta(settings: Settings, seed: int) -> dict[str, Any] | None:
    path = _meta_path(settings)
    if not path.exists() or not _db_path(settings).exists():
        return None
    try:
        meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    fresh = meta.get("format") == FORMAT and meta.get("seed") == seed and meta.get("today") == str(today_cn())
    return meta if fresh else None


def _wipe(settings: Settings) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{_db_path(settings)}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(settings.files_dir, ignore_errors=True)
    _meta_path(settings).unlink(missing_ok=True)


def build_database(settings: Settings, seed: int = DEFAULT_SEED) -> DemoSummary:
    """A fresh demo database at the settings' URL (an empty SQLite file is created and migrated)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            summary = build_demo(session, files_dir=settings.files_dir, seed=seed,
                                 max_upload_bytes=settings.max_upload_mb * 1024 * 1024)  # fmt: skip
            session.commit()
    finally:
        engine.dispose()
    return summary


def prepare(
    base: Settings, *, seed: int = DEFAULT_SEED, reset: bool = False
) -> tuple[Settings, dict[str, Any], bool]:
    """(demo settings, the summary as printed, whether it was built now)."""
    settings = demo_settings(base)
    meta = None if reset else _load_meta(settings, seed)
    if meta is not None:
        return settings, meta, False
    _wipe(settings)
    summary = build_database(settings, seed)
    meta = {"format": FORMAT, "seed": seed, "today": str(summary.today)} | asdict(summary)
    meta["today"] = str(summary.today)
    _meta_path(settings).write_text(
        json.dumps(meta, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return settings, meta, True


def print_summary(console: Console, meta: dict[str, Any], built: bool) -> None:
    if built:
        console.print(
            f"演示数据已生成 demo data built in {meta['seconds']:.1f} s (seed {meta['seed']}, today {meta['today']})"
        )
    else:
        console.print(
            f"沿用今天已生成的演示数据 reusing today's demo data (seed {meta['seed']}; --reset rebuilds)"
        )
    regions = Table(title="地区与方案 regions and plans")
    for col in ("地区", "代码", "方案", "任务", "单位", "分工"):
        regions.add_column(col)
    for r in meta["regions"]:
        regions.add_row(
            r["name"], r["code"], r["plan_title"], str(r["tasks"]), str(r["units"]), str(r["assignments"])
        )
    console.print(regions)
    counts = meta.get("counts", {})
    console.print("活动 activity: " + "，".join(f"{k} {v}" for k, v in counts.items()))
    accounts = Table(title="演示账号 demo accounts (演示专用密码 demo-only passwords)")
    for col in ("用户名 username", "密码 password", "角色 role", "地区 region", "单位 unit"):
        accounts.add_column(col)
    for a in meta["accounts"]:
        accounts.add_row(a["username"], a["password"], a["role"], a["region"], a["unit"])
    console.print(accounts)
    console.print("每个责任单位另有联络员账号（如 yichang_u03），密码相同；办公室管理员可在“用户”页面查看。")


def run(
    base: Settings, *, data_only: bool = False, seed: int = DEFAULT_SEED, reset: bool = False,
    host: str | None = None, port: int | None = None,
) -> tuple[Settings, str] | None:  # fmt: skip
    """Build (or reuse) the demo and print its accounts; return the settings and URL to serve, unless data_only.

    Serving is the CLI's job: a feature package never imports the web application."""
    started = time.perf_counter()
    console = Console(width=max(Console().width, 120))
    settings, meta, built = prepare(base, seed=seed, reset=reset)
    print_summary(console, meta, built)
    if data_only:
        console.print(f"数据库 database: {_db_path(settings).resolve()}")
        return None
    host, port = host or settings.host, port or settings.port
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    console.print(f"[bold green]演示已就绪 ready[/] in {time.perf_counter() - started:.1f} s: {url}  "
                  "（以 demo_office / qcity-demo 登录；Ctrl+C 退出）")  # fmt: skip
    return settings.model_copy(update={"host": host, "port": port}), url
