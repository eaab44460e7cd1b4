"""Date helpers: Chinese date formatting and period arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today_cn() -> date:
    """Today in China: due dates are Chinese calendar days, whatever the server's clock zone."""
    return datetime.now(UTC).astimezone(CHINA).date()


def fmt_date(d: date | datetime | None) -> str:
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = d.astimezone(CHINA).date()
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_datetime(d: datetime | None) -> str:
    if d is None:
        return ""
    local = d.astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    return date(year, month, 1)


def month_end(d: date) -> date:
    return add_months(d, 1) - timedelta(days=1)
