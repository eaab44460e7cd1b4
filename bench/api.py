"""Requests per second and latency of the busiest read routes of the JSON API, on the city-sized dataset.

    .venv/bin/python bench/api.py [--database-url URL | --sqlite] [--clients 8] [--seconds 8] [--rebuild]

Loads bench/dataset.py's dataset (PostgreSQL by default), starts the real server (`uvicorn qcity.web.asgi:app`, one
worker process, in a subprocess on a free loopback port), signs in through `POST /api/v1/auth/login` as the office
admin and as the busiest unit's liaison (Bearer tokens), then for each route runs `--clients` concurrent
keep-alive clients (asyncio + httpx) for `--seconds` seconds, rotating through the route's variants (pages,
ids). Then one mixed run over all routes together. Prints requests per second and p50/p95/p99 latency as the
client sees it (loopback, so server time plus a little).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataset import DEFAULT_PG_URL, DEFAULT_SQLITE_URL, DatasetInfo, ensure


@dataclass
class Route:
    name: str
    who: str  # office / liaison
    paths: list[str]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    first_error: str = ""
    elapsed: float = 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def spread(ids: list[int], n: int = 20) -> list[int]:
    if len(ids) <= n:
        return ids
    return [ids[int(i * len(ids) / n)] for i in range(n)]


def routes(info: DatasetInfo) -> list[Route]:
    plan, unit = info.big_plan_id, info.liaison_unit_id
    api = "/api/v1"
    return [
        Route("GET /assignments (office, 16 pages)", "office", [f"{api}/assignments?page={p}" for p in range(1, 17)]),
        Route("GET /assignments (liaison)", "liaison", [f"{api}/assignments"]),
        Route("GET /assignments/{id} (with reports)", "office",
              [f"{api}/assignments/{a}" for a in spread(info.assignment_ids)]),
        Route("GET /reports?state=submitted", "office", [f"{api}/reports?state=submitted"]),
        Route("GET /reports?state=accepted (pages 1-50)", "office",
              [f"{api}/reports?state=accepted&page={p}" for p in range(1, 51)]),
        Route("GET /reports accepted, unit, by unit sort", "office",
              [f"{api}/reports?state=accepted&unit_id={unit}&sort=unit", f"{api}/reports?state=accepted&sort=unit"]),
        Route("GET /reports?state=accepted (liaison)", "liaison", [f"{api}/reports?state=accepted"]),
        Route("GET /plans", "office", [f"{api}/plans"]),
        Route("GET /plans/{id}/tasks (45 tasks)", "office", [f"{api}/plans/{plan}/tasks"]),
        Route("GET /plans/{id}/tasks?unit_id", "liaison", [f"{api}/plans/{plan}/tasks?unit_id={unit}"]),
        Route("GET /tasks/{id}", "office", [f"{api}/tasks/{t}" for t in spread(info.task_ids)]),
        Route("GET /tasks/{id} (liaison)", "liaison", [f"{api}/tasks/{t}" for t in spread(info.task_ids)]),
        Route("GET /audit (pages 1-20)", "office", [f"{api}/audit?page={p}" for p in range(1, 21)]),
        Route("GET /audit?object_type&action", "office",
              [f"{api}/audit?object_type=progress_report&action=report.accept&page={p}" for p in range(1, 6)]),
        Route("GET /me", "office", [f"{api}/me"]),
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"QCITY_DATABASE_URL": url, "QCITY_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "-m", "uvicorn", "qcity.web.asgi:app", "--host", "127.0.0.1", "--port", str(port),
           "--workers", "1", "--log-level", "warning", "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not answer within 60 s")


def login(base: str, username: str, password: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"username": username, "password": password}, timeout=30)
    r.raise_for_status()
    return str(r.json()["token"])


async def run(base: str, jobs: list[tuple[str, str]], clients: int, seconds: float) -> Stats:
    """`clients` concurrent keep-alive clients requesting `jobs` (path, token) in turn for `seconds`."""
    stats = Stats()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        counter = iter(range(10**9))
        start = time.perf_counter()
        stop = start + seconds

        async def worker() -> None:
            while time.perf_counter() < stop:
                path, token = jobs[next(counter) % len(jobs)]
                t0 = time.perf_counter()
                try:
                    r = await client.get(path, headers={"Authorization": f"Bearer {token}"})
                    ok = r.status_code == 200
                    detail = f"{path}: HTTP {r.status_code}"
                except httpx.HTTPError as err:
                    ok, detail = False, f"{path}: {type(err).__name__}"
                if ok:
                    stats.latencies.append(time.perf_counter() - t0)
                else:
                    stats.errors += 1
                    stats.first_error = stats.first_error or detail

        await asyncio.gather(*(worker() for _ in range(clients)))
        stats.elapsed = time.perf_counter() - start
    return stats


def line(name: str, s: Stats) -> str:
    err = f" {s.errors} errors ({s.first_error})" if s.errors else ""
    return (f"| {name:42} | {len(s.latencies):6} | {s.rps:7.1f} | {s.pct(0.5):7.1f} | {s.pct(0.95):7.1f} | "
            f"{s.pct(0.99):7.1f} |{err}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="API requests per second and latency (bench/dataset.py data)."
    )
    parser.add_argument("--database-url", default=DEFAULT_PG_URL)
    parser.add_argument("--sqlite", action="store_true", help=f"use {DEFAULT_SQLITE_URL}")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0, help="per route")
    parser.add_argument("--mixed-seconds", type=float, default=20.0)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    url = DEFAULT_SQLITE_URL if args.sqlite else args.database_url
    info = ensure(url, rebuild=args.rebuild)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(url, Path(tmp), port)
        try:
            tokens = {"office": login(base, info.office, info.password),
                      "liaison": login(base, info.liaison, info.password)}  # fmt: skip
            table = routes(info)
            print(
                f"\n{args.clients} concurrent clients, {args.seconds:g} s per route, uvicorn (1 worker) on {base}"
            )
            header = f"| {'route':42} | {'reqs':>6} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} |"
            print(header)
            print("|---|---:|---:|---:|---:|---:|")
            all_jobs: list[tuple[str, str]] = []
            for route in table:
                jobs = [(p, tokens[route.who]) for p in route.paths]
                all_jobs += jobs
                asyncio.run(run(base, jobs[:1], 1, 0.2))  # warm up
                print(line(route.name, asyncio.run(run(base, jobs, args.clients, args.seconds))), flush=True)
            mixed = asyncio.run(run(base, all_jobs, args.clients, args.mixed_seconds))
            print(line(f"mixed: all {len(table)} routes in turn", mixed))
            latencies = [x * 1000 for x in mixed.latencies]
            if latencies:
                print(f"\nmixed run: {mixed.rps:.1f} req/s, mean {statistics.mean(latencies):.1f} ms")
            print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
