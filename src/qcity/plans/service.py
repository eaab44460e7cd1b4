"""Import a parsed plan into a region; re-import a revised plan keeping the reports of unchanged tasks.

The input is the plan reader's JSON (the schema of shared/plans/README.md, plus optional `participants`,
`content` and `section` per task). Nothing is written until `confirm_import`, and it writes all or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.audit import service as audit
from qcity.extract.units import is_unit_group
from qcity.kit.dates import month_end
from qcity.kit.errors import Forbidden, NotFound, ValidationError
from qcity.models import Assignment, Plan, PlanTarget, ProgressReport, Region, ReportingPeriod, Task, Unit
from qcity.models.plan import REPORTING_FREQUENCIES
from qcity.org import service as org
from qcity.plans.periods import periods_between

SKIP = "skip"  # mapping value: do not assign this name to any unit (a group such as 各成员单位)
NEW = "new"  # mapping value: create a unit with this name
PLAN_FIELDS = ["title", "region_id", "start_date", "end_date", "reporting_frequency", "revision"]
TASK_FIELDS = ["no", "title", "content", "due_date", "is_archived"]


@dataclass
class NameResolution:
    name: str
    unit_id: int | None
    unit_name: str | None
    is_group: bool
    task_count: int


@dataclass
class TaskChange:
    no: str
    title: str
    change: str  # added / changed / removed / unchanged


@dataclass
class ImportPreview:
    title: str
    task_count: int
    target_count: int
    names: list[NameResolution]
    replaces_plan_id: int | None = None
    changes: list[TaskChange] = field(default_factory=list)

    @property
    def unresolved(self) -> list[NameResolution]:
        return [n for n in self.names if n.unit_id is None and not n.is_group]


@dataclass
class ImportOptions:
    reporting_frequency: str = "quarterly"
    first_listed_leads: bool = True  # Chinese plans list the lead unit first when they do not say 牵头
    publish: bool = False


def _check_plan_json(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError("方案数据格式无效", "plan", plain="plan JSON must be an object")
    if not str(data.get("title") or "").strip():
        raise ValidationError("方案标题不能为空", "title", plain="plan title is empty")
    tasks = data.get("tasks")
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise ValidationError("任务列表格式无效", "tasks", plain="tasks must be a list of objects")
    targets = data.get("targets") or []
    if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
        raise ValidationError("目标列表格式无效", "targets", plain="targets must be a list of objects")
    if not tasks and not targets:
        raise ValidationError(
            "方案中没有任何任务或目标，无法导入", "tasks", plain="the plan has no tasks or targets"
        )
    for i, task in enumerate(tasks, 1):
        if not str(task.get("title") or task.get("content") or "").strip():
            raise ValidationError(
                f"第{i}项任务没有标题", f"tasks[{i - 1}].title", plain=f"task {i} has no title"
            )
        if not isinstance(task.get("units") or [], list):
            raise ValidationError(f"第{i}项任务的责任单位格式无效", f"tasks[{i - 1}].units",
                                  plain=f"task {i}: units must be a list")  # fmt: skip
    return data


def _task_names(task: dict[str, Any]) -> list[str]:
    names = [*(task.get("units") or []), *(task.get("lead") or []), *(task.get("participants") or [])]
    return list(dict.fromkeys(str(n).strip() for n in names if str(n).strip()))


def _region(session: Session, actor: Actor, region_id: int) -> Region:
    region = session.scalar(scoped(select(Region).where(Region.id == region_id), Region, actor))
    if region is None:
        raise ValidationError(
            "地区不存在或不在您的管辖范围内", "region_id", plain=f"no region {region_id} in scope"
        )
    return region


def preview_import(session: Session, actor: Actor, region_id: int, data: Any) -> ImportPreview:
    if not actor.can("plan.import"):
        raise Forbidden()
    data = _check_plan_json(data)
    _region(session, actor, region_id)
    counts: dict[str, int] = {}
    for task in data["tasks"]:
        for name in _task_names(task):
            counts[name] = counts.get(name, 0) + 1
    names = []
    for name, n in counts.items():
        unit = org.find_unit(session, region_id, name)
        names.append(NameResolution(name, unit.id if unit else None, unit.name if unit else None,
                                    unit is None and is_unit_group(name), n))  # fmt: skip
    existing = _existing_plan(session, region_id, data["title"])
    preview = ImportPreview(
        title=data["title"].strip(),
        task_count=len(data["tasks"]),
        target_count=len(data.get("targets") or []),
        names=names,
        replaces_plan_id=existing.id if existing else None,
    )
    if existing is not None:
        preview.changes = diff_tasks(existing, data["tasks"])
    return preview


def _existing_plan(session: Session, region_id: int, title: str) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.region_id == region_id, Plan.title == title.strip()))


def _task_key(no: Any, title: Any) -> str:
    return re.sub(r"\s+", "", f"{no}|{title}")


def _task_signature(content: str, names: list[str]) -> str:
    return re.sub(r"\s+", "", content) + "|" + "、".join(names)


def diff_tasks(plan: Plan, tasks: list[dict[str, Any]]) -> list[TaskChange]:
    old = {_task_key(t.no, t.title): t for t in plan.tasks if not t.is_archived}
    changes = []
    for item in tasks:
        key = _task_key(item.get("no", ""), _title(item))
        before = old.pop(key, None)
        if before is None:
            changes.append(TaskChange(str(item.get("no", "")), _title(item), "added"))
            continue
        same = _task_signature(
            before.content, [a.name_as_written or a.unit.name for a in before.assignments]
        ) == (_task_signature(_content(item), _task_names(item)))
        changes.append(TaskChange(before.no, before.title, "unchanged" if same else "changed"))
    changes += [TaskChange(t.no, t.title, "removed") for t in old.values()]
    return changes


def _title(item: dict[str, Any]) -> str:
    return str(item.get("title") or item.get("content") or "").strip()[:500]


def _content(item: dict[str, Any]) -> str:
    return str(item.get("content") or item.get("title") or "").strip()


def _resolve_units(
    session: Session, actor: Actor, region_id: int, names: list[str], mapping: dict[str, Any]
) -> dict[str, Unit | None]:
    """Every name → a unit (or None to skip). Unmapped, unresolved names are an error: never guess."""
    resolved: dict[str, Unit | None] = {}
    missing = []
    for name in names:
        choice = mapping.get(name)
        unit = org.find_unit(session, region_id, name)
        if choice == SKIP or (choice is None and unit is None and is_unit_group(name)):
            resolved[name] = None
        elif choice == NEW:
            resolved[name] = unit or org.create_unit(session, actor, region_id=region_id, name=name)
        elif choice not in (None, ""):
            target = session.get(Unit, _int(choice, "mapping"))
            if target is None or target.region_id != region_id:
                raise ValidationError(f"“{name}”映射到的单位不存在", "mapping", plain=f"{name}: no such unit")
            org.add_alias(session, actor, target, name)
            resolved[name] = target
        elif unit is not None:
            resolved[name] = unit
        else:
            missing.append(name)
    if missing:
        raise ValidationError(
            "以下单位名称尚未对应到单位：" + "、".join(missing), "mapping",
            plain="unresolved unit names: " + ", ".join(missing),
        )  # fmt: skip
    return resolved


def _int(value: Any, field_name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError("应为整数", field_name, plain=f"{field_name} must be an integer") from None


def _parse_deadline(text: Any, fallback: date) -> date:
    """A task's own deadline ("2025年底", "2024年6月", "长期坚持") as a date; otherwise the plan's end."""
    if not text:
        return fallback
    m = re.search(r"(20\d{2})\s*年\s*(?:(\d{1,2})\s*月)?", str(text))
    if not m:
        m2 = re.match(r"(20\d{2})-(\d{2})-(\d{2})", str(text))
        return date(int(m2.group(1)), int(m2.group(2)), int(m2.group(3))) if m2 else fallback
    year, month = int(m.group(1)), int(m.group(2) or 12)
    month = min(max(month, 1), 12)
    return month_end(date(year, month, 1))


def _plan_dates(data: dict[str, Any]) -> tuple[date | None, date, date]:
    issued = None
    if data.get("date"):
        try:
            issued = date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            issued = None
    horizon = sorted(int(y) for y in (data.get("horizon") or []) if str(y).isdigit())
    # Undated plans: assume work began three years before the first target year (the usual plan span).
    start = issued or date(horizon[0] - 3 if horizon else date.today().year, 1, 1)
    years = [y for y in horizon if y >= start.year]
    end_year = years[0] if years else start.year + 2
    return issued, start, date(end_year, 12, 31)


def confirm_import(
    session: Session,
    actor: Actor,
    region_id: int,
    data: Any,
    mapping: dict[str, Any] | None = None,
    options: ImportOptions | None = None,
    source_name: str | None = None,
) -> Plan:
    """Create the plan (or a new revision of the same-titled plan in the region) with its tasks and targets."""
    if not actor.can("plan.import"):
        raise Forbidden()
    data = _check_plan_json(data)
    options = options or ImportOptions()
    if options.reporting_frequency not in REPORTING_FREQUENCIES:
        raise ValidationError("报告频次无效", "reporting_frequency", plain="bad reporting frequency")
    _region(session, actor, region_id)
    all_names = list(dict.fromkeys(n for t in data["tasks"] for n in _task_names(t)))
    units = _resolve_units(session, actor, region_id, all_names, mapping or {})
    existing = _existing_plan(session, region_id, data["title"])
    if existing is not None:
        return _revise(session, actor, existing, data, units, options)
    issued, start, end = _plan_dates(data)
    plan = Plan(
        region_id=region_id,
        title=data["title"].strip()[:300],
        issuer=(data.get("issuer") or None),
        issued_on=issued,
        start_date=start,
        end_date=end,
        horizon=[int(y) for y in data.get("horizon") or [] if str(y).isdigit()],
        reporting_frequency=options.reporting_frequency,
        is_published=options.publish,
        source_name=source_name,
    )
    session.add(plan)
    session.flush()
    _add_targets(plan, data.get("targets") or [])
    for seq, item in enumerate(data["tasks"], 1):
        _add_task(session, plan, seq, item, units, options)
    _add_periods(session, plan)
    session.flush()
    audit.record(session, actor.user, "plan.import", "plan", plan.id,
                 after=audit.snapshot(plan, PLAN_FIELDS) | {"tasks": len(data["tasks"])}, region_id=region_id)  # fmt: skip
    return plan


def _num(value: Any) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _add_targets(plan: Plan, targets: list[dict[str, Any]]) -> None:
    for seq, t in enumerate(targets, 1):
        value = t.get("value")
        low, high = (value[0], value[1]) if isinstance(value, list) and len(value) == 2 else (value, None)
        op = str(t.get("op") or "qualitative")
        plan.targets.append(
            PlanTarget(
                seq=seq,
                text=str(t.get("text") or "")[:2000],
                indicator=str(t.get("indicator") or t.get("text") or "")[:200],
                op=op[:16],
                value=_num(low),
                value_high=_num(high),
                unit=(str(t["unit"])[:16] if t.get("unit") else None),
                year=int(t["year"]) if str(t.get("year") or "").isdigit() else None,
                qualitative=bool(t.get("qualitative")) or op == "qualitative" or _num(low) is None,
            )
        )


def _roles(item: dict[str, Any], first_listed_leads: bool) -> list[tuple[str, str]]:
    names = _task_names(item)
    leads = [str(n).strip() for n in item.get("lead") or []]
    if not leads and names:
        leads = names[:1] if first_listed_leads else names
    return [(n, "lead" if n in leads else "participant") for n in names]


def _add_task(
    session: Session,
    plan: Plan,
    seq: int,
    item: dict[str, Any],
    units: dict[str, Unit | None],
    opts: ImportOptions,
) -> Task:
    due = _parse_deadline(item.get("deadline"), plan.end_date)
    task = Task(plan=plan, seq=seq, no=str(item.get("no") or seq)[:32], title=_title(item),
                content=_content(item), section=(str(item["section"])[:300] if item.get("section") else None),
                due_date=due, deadline_text=(str(item["deadline"])[:100] if item.get("deadline") else None))  # fmt: skip
    session.add(task)
    _assign(task, item, units, opts)
    return task


def _assign(task: Task, item: dict[str, Any], units: dict[str, Unit | None], opts: ImportOptions) -> None:
    seen = {a.unit_id for a in task.assignments}
    for name, role in _roles(item, opts.first_listed_leads):
        unit = units.get(name)
        if unit is None or unit.id in seen:
            continue  # skipped group, or two spellings of one unit in one task
        seen.add(unit.id)
        task.assignments.append(
            Assignment(unit_id=unit.id, role=role, due_date=task.due_date, name_as_written=name)
        )


def _add_periods(session: Session, plan: Plan) -> None:
    have = {
        p.starts_on
        for p in session.scalars(select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id))
    }
    for span in periods_between(
        plan.start_date, plan.end_date, plan.reporting_frequency, plan.report_grace_days
    ):
        if span.starts_on not in have:
            session.add(ReportingPeriod(plan_id=plan.id, label=span.label, starts_on=span.starts_on,
                                        ends_on=span.ends_on, due_on=span.due_on))  # fmt: skip


def _revise(
    session: Session, actor: Actor, plan: Plan, data: dict[str, Any], units: dict[str, Unit | None],
    opts: ImportOptions,
) -> Plan:  # fmt: skip
    """Apply a revised plan: unchanged tasks keep their reports; changed ones are updated; dropped ones archived."""
    before = audit.snapshot(plan, PLAN_FIELDS)
    old = {_task_key(t.no, t.title): t for t in plan.tasks if not t.is_archived}
    next_seq = max((t.seq for t in plan.tasks), default=0) + 1
    changes = diff_tasks(plan, data["tasks"])
    for item in data["tasks"]:
        task = old.pop(_task_key(item.get("no", ""), _title(item)), None)
        if task is None:
            _add_task(session, plan, next_seq, item, units, opts)
            next_seq += 1
        else:
            _update_task(session, task, item, units, opts)
    for task in old.values():
        task.is_archived = True
    plan.targets.clear()
    session.flush()
    _add_targets(plan, data.get("targets") or [])
    plan.revision += 1
    session.flush()
    summary = {
        c: sum(1 for x in changes if x.change == c) for c in ("added", "changed", "removed", "unchanged")
    }
    audit.record(session, actor.user, "plan.revise", "plan", plan.id, before=before,
                 after=audit.snapshot(plan, PLAN_FIELDS) | summary, region_id=plan.region_id)  # fmt: skip
    return plan


def _update_task(
    session: Session, task: Task, item: dict[str, Any], units: dict[str, Unit | None], opts: ImportOptions
) -> None:
    task.content = _content(item)
    task.due_date = _parse_deadline(item.get("deadline"), task.plan.end_date)
    wanted = {u.id for n in _task_names(item) if (u := units.get(n)) is not None}
    for a in list(task.assignments):
        has_reports = session.scalar(
            select(ProgressReport.id).where(ProgressReport.assignment_id == a.id).limit(1)
        )
        if a.unit_id not in wanted and has_reports is None:
            task.assignments.remove(a)  # a unit dropped from the task, with nothing reported yet
    session.flush()
    _assign(task, item, units, opts)
    roles = dict(_roles(item, opts.first_listed_leads))
    for a in task.assignments:
        a.due_date = task.due_date
        a.role = roles.get(a.name_as_written or "", a.role)


def get_plan(session: Session, actor: Actor, plan_id: int) -> Plan:
    plan = session.scalar(scoped(select(Plan).where(Plan.id == plan_id), Plan, actor))
    if plan is None:
        raise NotFound("方案不存在")
    return plan
