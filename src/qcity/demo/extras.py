"""The demo's indicator values and assessment cycle, through those features' services.

Both features grow beside the core; the demo fills in what their services offer. A value a service refuses
(its plausibility rules are the point of it) is skipped, never forced in.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.demo import catalog as c
from qcity.demo.activity import RegionContext, at
from qcity.kit.dates import CHINA
from qcity.kit.errors import DomainError
from qcity.models import Unit
from qcity.models.indicator import IndicatorTarget

COUNT_UNITS = ("个", "家", "件", "项", "人", "张", "所", "座", "条")
MAX_INDICATORS = 10  # per region: enough for the catalogue, trend charts and the review queue to show


def _series(rng: random.Random, op: str, target: float, unit: str, years: int) -> list[float]:
    """Yearly values moving towards the target: mostly on track, some behind."""
    percent = unit == "%" and target <= 100
    if op in (">=", ">"):
        last = target + (rng.uniform(-3.0, 0.8) if percent else target * rng.uniform(-0.12, 0.05))
        step = rng.uniform(0.4, 1.6) if percent else target * rng.uniform(0.03, 0.08)
        values = [last - step * (years - 1 - i) for i in range(years)]
    else:
        last = target * rng.uniform(0.85, 1.06)
        values = [last * (1 + rng.uniform(0.03, 0.07) * (years - 1 - i)) for i in range(years)]
    if percent:
        values = [min(v, 99.9) for v in values]
    if unit in COUNT_UNITS:
        return [float(max(0, round(v))) for v in values]
    return [round(max(v, 0.0), 2) for v in values]


def indicators(session: Session, ctx: RegionContext, rng: random.Random, today: date) -> int:
    """Indicators from the plan's targets; three years of values for some, entered by the responsible unit."""
    try:
        from qcity.indicators import service as ind
    except ImportError:  # the indicators feature is not installed in this build
        return 0
    try:
        ind.sync_plan(session, ctx.office, ctx.plan.id)
    except DomainError:
        return 0
    targets = list(
        session.scalars(
            select(IndicatorTarget)
            .where(IndicatorTarget.region_id == ctx.region.id, IndicatorTarget.value.is_not(None),
                   IndicatorTarget.op.in_((">=", ">", "<=", "<")))
            .order_by(IndicatorTarget.id)
        )
    )  # fmt: skip
    units = list(session.scalars(select(Unit).where(Unit.region_id == ctx.region.id).order_by(Unit.id)))
    market = [u for u in units if "市场监" in u.name]
    entered, seen = 0, set[int]()
    for target in targets:
        if len(seen) >= MAX_INDICATORS or target.indicator_id in seen or target.value is None:
            continue
        seen.add(target.indicator_id)
        unit = market[0] if market and rng.random() < 0.5 else rng.choice(units)
        liaison = ctx.liaisons[unit.id]
        years = [today.year - 3 + i for i in range(3)]
        values = _series(rng, target.op, target.value, target.unit or "", len(years))
        try:
            ind.set_responsibility(session, ctx.office, target.indicator_id, ctx.region.id, unit.id)
        except DomainError:
            continue
        for year, value in zip(years, values, strict=True):
            try:
                row = ind.enter_value(session, liaison, target.indicator_id, period=str(year), value=value,
                                      region_id=ctx.region.id)  # fmt: skip
            except DomainError:
                break  # a value the rules refuse: the series stops here, as a real liaison's would
            row.entered_at = at(date(year + 1, 2, 1) + timedelta(days=rng.randint(0, 40)), rng)
            entered += 1
            if year == years[-1] and rng.random() < 0.35:
                continue  # the latest value waits for the office's approval
            ind.approve_value(session, ctx.office, row.id)
            row.approved_at = row.entered_at + timedelta(days=rng.randint(2, 10))
    return entered


def assessment(
    session: Session, ctx: RegionContext, rng: random.Random, today: date, files_dir: Path, max_bytes: int
) -> int:
    """This year's cycle: units self-assess with evidence, the office is part way through verifying."""
    try:
        from qcity.assessment import service as asm
        from qcity.assessment.scheme import scheme_from_dict
    except ImportError:  # the assessment feature is not installed in this build
        return 0
    scheme = scheme_from_dict(c.assessment_scheme(today.year))
    row = asm.save_scheme(session, ctx.office, ctx.region.id, scheme, f"{ctx.spec.name}质量工作考核细则.yaml")
    cycle = asm.open_cycle(session, ctx.office, scheme_id=row.id, year=today.year, bottom_n=3)
    submitted = []
    for ua in sorted(cycle.units, key=lambda u: u.id):
        if rng.random() < 0.12:
            continue  # has not self-assessed yet
        liaison = ctx.liaisons[ua.unit_id]
        for code, name in (("2.1", "专题会议纪要.txt"), ("2.2", "质量工作制度.txt")):
            body = f"{ua.unit.name} {name.removesuffix('.txt')}（演示数据）\n".encode()
            asm.add_evidence(session, liaison, ua.id, item_code=code, filename=name, content_type="text/plain",
                             data=body, files_dir=files_dir, max_bytes=max_bytes)  # fmt: skip
        scores = {"2.1": rng.randint(11, 15), "2.2": rng.randint(7, 10), "2.3": rng.randint(8, 15)}
        claims = []
        if rng.random() < 0.2:
            claims.append(
                {"kind": "bonus", "code": "B2", "points": 1, "reason": "质量提升经验做法被省级简报刊发"}
            )
        asm.self_assess(session, liaison, ua.id, scores=scores, claims=claims, submit=True)
        ua.self_submitted_at = datetime.combine(
            today - timedelta(days=rng.randint(3, 20)), time(10), tzinfo=CHINA
        )
        submitted.append((ua, scores))
    asm.transition(session, ctx.office, cycle.id, "start_verification")
    for ua, scores in submitted[: max(0, len(submitted) - 3)]:  # the last few are still being verified
        verified: dict[str, object] = {}
        reasons: dict[str, str] = {}
        if rng.random() < 0.25:
            verified["2.3"] = max(0, scores["2.3"] - rng.randint(1, 4))
            reasons["2.3"] = "创新举措成效佐证不足，酌情扣分"
        asm.verify(session, ctx.office, ua.id, scores=verified, reasons=reasons)
        ua.verified_at = at(today - timedelta(days=rng.randint(0, 2)), rng)
    return len(submitted)
