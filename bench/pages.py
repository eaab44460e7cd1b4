"""Server time of every main page on the city-sized dataset (bench/dataset.py), on SQLite and on PostgreSQL.

    .venv/bin/python bench/pages.py [--db both|sqlite|pg] [--rounds N] [--rebuild] [--sqlite-url URL] [--pg-url URL]

Each page is requested one at a time (no concurrency), in-process through the real app (`create_app`, the same
middleware, sessions and templates as `qcity serve`), signed in with a session cookie like a browser. The time is
measured inside the ASGI stack, from the request entering the app until the last byte of the body is handed to
the server: database, rendering and middleware, without the network. Each page gets 2 warm-up requests and then
`--rounds` measured ones (default 30); where a page takes an id (a task, an assignment), the rounds rotate through
several. Goal: p95 < 300 ms for every page on both databases. Exits 0 even when the goal is missed (and says so).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataset import DEFAULT_PG_URL, DEFAULT_SQLITE_URL, DatasetInfo, ensure

from qcity.config import Settings
from qcity.db.engine import make_engine, make_session_factory
from qcity.models import AssessmentCycle, AssessmentScheme, Assignment, Indicator, UnitAssessment
from qcity.models.indicator import IndicatorTarget
from qcity.web.app import create_app

GOAL_MS = 300.0
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ServerTimer:
    """ASGI wrapper: the time from a request entering the app to the last body chunk leaving it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.last = time.perf_counter() - start
            await send(message)

        await self.app(scope, receive, timed)


@dataclass
class Page:
    name: str
    who: str  # anonymous / office / leader / liaison
    paths: list[str]  # rotated through the rounds
    method: str = "GET"
    form: dict[str, str] | None = None
    expect: int = 200


@dataclass
class Result:
    times: list[float] = field(default_factory=list)  # seconds
    errors: list[str] = field(default_factory=list)

    def pct(self, q: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    @property
    def median(self) -> float:
        return statistics.median(self.times) * 1000 if self.times else float("nan")


def lookups(url: str, info: DatasetInfo) -> dict[str, int]:
    """Ids the pages need beyond what DatasetInfo carries: an indicator, the scheme, unit assessments."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            ind = s.scalar(
                select(IndicatorTarget.indicator_id)
                .where(IndicatorTarget.region_id == info.region_id)
                .order_by(IndicatorTarget.id)
                .limit(1)
            ) or s.scalar(select(Indicator.id).order_by(Indicator.id).limit(1))
            scheme = s.scalar(
                select(AssessmentScheme.id).where(AssessmentScheme.region_id == info.region_id).limit(1)
            )
            cycle = info.cycle_id or s.scalar(select(AssessmentCycle.id).limit(1))
            ua = s.scalar(
                select(UnitAssessment.id).where(UnitAssessment.cycle_id == cycle).order_by(UnitAssessment.id)
            )
            own_ua = s.scalar(
                select(UnitAssessment.id).where(
                    UnitAssessment.cycle_id == cycle, UnitAssessment.unit_id == info.liaison_unit_id
                )
            )
            own_tasks = list(
                s.scalars(
                    select(Assignment.task_id)
                    .where(Assignment.unit_id == info.liaison_unit_id)
                    .order_by(Assignment.task_id)
                )
            )
    finally:
        engine.dispose()
    return {"indicator": ind or 0, "scheme": scheme or 0, "cycle": cycle or 0, "ua": ua or 0,
            "own_ua": own_ua or 0, "own_task": own_tasks[0] if own_tasks else 0}  # fmt: skip


def spread(ids: list[int], n: int = 10) -> list[int]:
    """Up to n ids spread over the list (not just the first few)."""
    if len(ids) <= n:
        return ids
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]


def pages(info: DatasetInfo, ids: dict[str, int]) -> list[Page]:
    plan, unit = info.big_plan_id, info.liaison_unit_id
    tasks = [f"/tasks/{t}" for t in spread(info.task_ids)]
    mine = [f"/my/assignments/{a}" for a in spread(info.assignment_ids)]
    login = {"username": info.office, "password": info.password, "next": "/"}
    return [
        Page("登录页 GET /login", "anonymous", ["/login"]),
        Page("登录 POST /login (argon2)", "anonymous", ["/login"], "POST", login, 303),
        Page("工作台 / (office)", "office", ["/"]),
        Page("工作台 / (leader)", "leader", ["/"]),
        Page("工作台 / (liaison)", "liaison", ["/"]),
        Page("方案列表 /plans", "office", ["/plans"]),
        Page("方案 /plans/{id}", "office", [f"/plans/{plan}"]),
        Page("方案 /plans/{id}?light=red", "office", [f"/plans/{plan}?light=red"]),
        Page("方案 ?status=in_progress&sort=light", "office", [f"/plans/{plan}?status=in_progress&sort=light"]),
        Page("方案 ?unit_id=…&sort=due", "office", [f"/plans/{plan}?unit_id={unit}&sort=due"]),
        Page("方案 /plans/{id} (liaison)", "liaison", [f"/plans/{plan}?unit_id={unit}"]),
        Page("任务 /tasks/{id} (office)", "office", tasks),
        Page("任务 /tasks/{id} (liaison)", "liaison", [f"/tasks/{ids['own_task']}"]),
        Page("我的工作 /my", "liaison", ["/my"]),
        Page("我的工作 /my?state=todo", "liaison", ["/my?state=todo"]),
        Page("我的工作 /my?state=accepted", "liaison", ["/my?state=accepted"]),
        Page("填报 /my/assignments/{id}", "liaison", mine),
        Page("审核 /review", "office", ["/review"]),
        Page("审核 /review?state=accepted", "office", ["/review?state=accepted"]),
        Page("审核 accepted, by unit, page 100", "office", ["/review?state=accepted&sort=unit&page=100"]),
        Page("审核 ?state=returned&unit_id=…", "office", [f"/review?state=returned&unit_id={unit}"]),
        Page("单位 /admin/units", "office", ["/admin/units"]),
        Page("用户 /admin/users", "office", ["/admin/users"]),
        Page("日志 /audit", "office", ["/audit"]),
        Page("日志 /audit?object_type&action", "office", ["/audit?object_type=progress_report&action=report.accept"]),
        Page("日志 /audit?page=1000", "office", ["/audit?page=1000"]),
        Page("导入 /import", "office", ["/import"]),
        Page("指标库 /indicators", "office", ["/indicators"]),
        Page("指标 /indicators/overview", "office", ["/indicators/overview"]),
        Page("指标 /indicators/overview (liaison)", "liaison", ["/indicators/overview"]),
        Page("指标审核 /indicators/review", "office", ["/indicators/review"]),
        Page("指标 /indicators/{id}", "office", [f"/indicators/{ids['indicator']}"]),
        Page("考核 /assessment", "office", ["/assessment"]),
        Page("考核 /assessment (liaison)", "liaison", ["/assessment"]),
        Page("考核方案 /assessment/schemes", "office", ["/assessment/schemes"]),
        Page("考核方案 /assessment/schemes/{id}", "office", [f"/assessment/schemes/{ids['scheme']}"]),
        Page("考核周期 /assessment/cycles/{id}", "office", [f"/assessment/cycles/{ids['cycle']}"]),
        Page("评分表 /assessment/units/{id}", "office", [f"/assessment/units/{ids['ua']}"]),
        Page("自评 /assessment/units/{id}/self", "liaison", [f"/assessment/units/{ids['own_ua']}/self"]),
    ]  # fmt: skip


def client_for(app: Any, who: str, info: DatasetInfo) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    username = {"office": info.office, "leader": info.leader, "liaison": info.liaison}.get(who)
    if username:
        r = client.post("/api/v1/auth/login", json={"username": username, "password": info.password})
        r.raise_for_status()
    return client


def run_database(url: str, label: str, rounds: int, rebuild: bool) -> dict[str, Result]:
    info = ensure(url, rebuild=rebuild)
    ids = lookups(url, info)
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp), database_url=url))
        timer = ServerTimer(app)
        clients = {who: client_for(timer, who, info) for who in ("anonymous", "office", "leader", "liaison")}
        started = time.perf_counter()
        for page in pages(info, ids):
            result = results.setdefault(page.name, Result())
            client = clients[page.who]
            for n in range(rounds + 2):
                path = page.paths[n % len(page.paths)]
                r = client.post(path, data=page.form) if page.method == "POST" else client.get(path)
                if r.status_code != page.expect:
                    result.errors.append(f"{path}: HTTP {r.status_code}")
                    continue
                if n >= 2:
                    result.times.append(timer.last)
            print(f"  {label:10} {page.name:40} p50 {result.median:7.1f} ms  p95 {result.pct(0.95):7.1f} ms"
                  + (f"  ERRORS {len(result.errors)}: {result.errors[0]}" if result.errors else ""), flush=True)  # fmt: skip
        for client in clients.values():
            client.close()
        print(f"  {label}: {sum(len(r.times) for r in results.values())} requests in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        app.state.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Server time of every main page (bench/dataset.py data).")
    parser.add_argument("--db", choices=("both", "sqlite", "pg"), default="both")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the datasets")
    parser.add_argument("--sqlite-url", default=DEFAULT_SQLITE_URL)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    targets = [("SQLite", args.sqlite_url), ("PostgreSQL", args.pg_url)]
    targets = [t for t in targets if args.db == "both" or (args.db == "pg") == (t[0] == "PostgreSQL")]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    runs = {label: run_database(url, label, args.rounds, args.rebuild) for label, url in targets}
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    names = list(next(iter(runs.values())))
    header = f"| {'page':40} |" + "".join(f" {label} p50 | {label} p95 |" for label in runs) + " goal |"
    print()
    print(header)
    print("|" + "---|" * (2 + 2 * len(runs)))
    missed = []
    for name in names:
        cells, ok = "", True
        for res in runs.values():
            r = res[name]
            p95 = r.pct(0.95)
            ok = ok and not r.errors and p95 < GOAL_MS
            cells += f" {r.median:8.1f} ms | {p95:8.1f} ms |"
        if not ok:
            missed.append(name)
        print(f"| {name:40} |{cells} {'met' if ok else 'MISSED'} |")
    print()
    if missed:
        print(f"goal p95 < {GOAL_MS:.0f} ms: MISSED by {len(missed)} page(s): {', '.join(missed)}")
    else:
        print(f"goal p95 < {GOAL_MS:.0f} ms on {' and '.join(runs)}: met by all {len(names)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
