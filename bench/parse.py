"""Plan reader throughput: MB/s of plan text (.txt) and time per .docx / .pdf of the five plans.

.venv/bin/python bench/parse.py [--repeat N]

The .txt figure is the five plans concatenated, parsed N times after a first parse that is timed on its
own (it includes the one-time set-up of a process, chiefly the traditional→simplified table built from
OpenCC). Each round is timed: the median round is the figure, the best round shows what the code does
on an idle machine. On a shared machine both shrink with the load (the 1-minute load average is printed).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "plans"))

from variants import STEMS, build_all, plan_text  # noqa: E402

from qcity.extract import extract_plan, parse_text  # noqa: E402
from qcity.readers import read_document  # noqa: E402


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 20
    print(f"load  {os.getloadavg()[0]:.1f} (1-minute load average, {os.cpu_count()} CPUs)")
    text = "\n".join(plan_text(stem) for stem in STEMS)
    size = len(text.encode("utf-8"))
    start = time.perf_counter()
    parse_text(text)
    print(f"txt   first parse {(time.perf_counter() - start) * 1000:.0f} ms (with the one-time set-up)")
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_text(text)
        rounds.append(time.perf_counter() - start)
    median, best = statistics.median(rounds), min(rounds)
    print(
        f"txt   {size / median / 1e6:6.2f} MB/s of plan text ({size / 1e3:.0f} kB, median of {repeat} rounds; "
        f"best round {size / best / 1e6:.2f} MB/s)"
    )
    continued_rows()
    with tempfile.TemporaryDirectory() as tmp:
        made = build_all(Path(tmp))
        for fmt in ("docx", "pdf"):
            total = 0.0
            for stem in STEMS:
                t0 = time.perf_counter()
                extract_plan(read_document(made[fmt][stem]))
                spent = time.perf_counter() - t0
                total += spent
                print(f"{fmt:5} {stem:16} {spent * 1000:7.0f} ms")
            print(f"{fmt:5} all five        {total * 1000:7.0f} ms")


def continued_rows() -> None:
    """One task continued over thousands of table rows (one measure per row): the time must grow linearly."""
    from qcity.readers.model import Document, table_block

    for n in (4000, 8000, 16000):
        rows = [["序号", "重点任务", "具体措施", "牵头单位", "配合单位"]]
        rows += [
            ["1", "提升产品质量", f"措施{i}：开展第{i}项质量提升行动", "市市场监管局", "市发改委"]
            for i in range(n)
        ]
        doc = Document(blocks=[table_block(0, rows)], source_name="bench", format="xlsx")
        t0 = time.perf_counter()
        extract_plan(doc)
        print(f"table one task over {n:5} rows {(time.perf_counter() - t0) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
