"""Reporting periods of a plan: months, quarters, half-years or years between its start and end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from qcity.kit.dates import add_months

MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
FREQUENCY_NAMES = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "yearly": "每年"}


@dataclass(frozen=True)
class PeriodSpan:
    label: str
    starts_on: date
    ends_on: date
    due_on: date


def _label(start: date, frequency: str) -> str:
    if frequency == "monthly":
        return f"{start.year}年{start.month}月"
    if frequency == "quarterly":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if frequency == "half_yearly":
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    return f"{start.year}年度"


def periods_between(start: date, end: date, frequency: str, grace_days: int) -> list[PeriodSpan]:
    """Calendar-aligned periods covering [start, end]; each falls due `grace_days` after it ends."""
    step = MONTHS_PER_PERIOD[frequency]
    month0 = ((start.month - 1) // step) * step + 1  # align to the calendar (quarters start Jan/Apr/Jul/Oct)
    cursor = date(start.year, month0, 1)
    spans: list[PeriodSpan] = []
    while cursor <= end:
        nxt = add_months(cursor, step)
        ends = nxt - timedelta(days=1)
        spans.append(PeriodSpan(_label(cursor, frequency), cursor, ends, ends + timedelta(days=grace_days)))
        cursor = nxt
    return spans
