"""The light (红/黄/绿) of an assignment and the roll-up of a task's progress from its assignments.

Roll-up rule (published in docs/user-guide): lead units share `lead_weight` percent of the task (default 60 %),
participants share the rest equally; with no participants the leads share 100 %. An assignment's progress is
the percent of its latest accepted report. An assignment with no accepted report is unknown, never 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"
LIGHT_NAMES = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", DONE: "已完成"}


def light(due: date | None, completed: bool, today: date, warn_days: int) -> str:
    if completed:
        return DONE
    if due is None:
        return GREEN
    days_left = (due - today).days
    if days_left < 0:
        return RED
    if days_left <= warn_days:
        return YELLOW
    return GREEN


@dataclass(frozen=True)
class Share:
    unit_name: str
    role: str
    weight: float  # share of the task, 0..1
    percent: int | None  # None: no accepted report yet


@dataclass(frozen=True)
class RollUp:
    percent: float | None  # weighted progress of the units that reported; None when none did
    coverage: float  # share of the task's weight that has reported, 0..1
    missing: list[str]
    shares: list[Share]

    @property
    def label(self) -> str:
        if self.percent is None:
            return "未知（尚无审核通过的报告）"
        if self.missing:
            return f"{self.percent:.0f}%（{len(self.missing)}个单位未报告）"
        return f"{self.percent:.0f}%"


def weights(roles: list[str], lead_weight: int) -> list[float]:
    leads = roles.count("lead")
    others = len(roles) - leads
    if leads == 0 or others == 0:
        return [1 / len(roles)] * len(roles) if roles else []
    lead_share, other_share = lead_weight / 100 / leads, (100 - lead_weight) / 100 / others
    return [lead_share if r == "lead" else other_share for r in roles]


def roll_up(items: list[tuple[str, str, int | None]], lead_weight: int) -> RollUp:
    """items: (unit name, role, percent or None). Known progress counts at its weight; unknown is reported apart."""
    ws = weights([role for _, role, _ in items], lead_weight)
    shares = [Share(n, r, w, p) for (n, r, p), w in zip(items, ws, strict=True)]
    known = [s for s in shares if s.percent is not None]
    coverage = sum(s.weight for s in known)
    if not known:
        return RollUp(None, 0.0, [s.unit_name for s in shares], shares)
    percent = sum(s.weight * (s.percent or 0) for s in known) / coverage
    return RollUp(
        round(percent, 1), round(coverage, 4), [s.unit_name for s in shares if s.percent is None], shares
    )
