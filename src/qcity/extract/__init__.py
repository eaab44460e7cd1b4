"""Plan extraction: blocks of a read document → metadata, outline, targets, tasks and units.

Pure: no database, no web. `extract_plan(read_document(path))` or `parse_text(text)`.
"""

from __future__ import annotations

import re

from qcity.kit.textnorm import normalize
from qcity.readers.model import Block, Document
from qcity.readers.text import read_text_str

from .meta import find_date_and_issuer, find_region, find_title, level_of
from .model import Plan, Section, Span, Target, Task, UnitName
from .outline import Para, build_outline, section_tree
from .targets import MAYBE_AMOUNT, PAST_WORDS, Found, find_targets, years_in
from .tasks import content_cells, para_duty, tasks_from_table, tasks_from_text
from .units import canonical_unit, is_unit_group

__all__ = ["Plan", "Section", "Span", "Target", "Task", "UnitName", "extract_plan", "parse_text"]

LEAD_YEAR = re.compile(r"^\s*(到|至|力争到|力争)?\s*((?:19|20)\d\d)\s*年")


def parse_text(text: str) -> Plan:
    """Extract a plan from plain text (lines are paragraphs)."""
    return extract_plan(read_text_str(text))


def extract_plan(doc: Document) -> Plan:
    paras = build_outline(doc)
    plan = Plan(source_name=doc.source_name, format=doc.format)
    plan.sections = section_tree(paras)
    plan.title = find_title(paras)
    plan.date, plan.issuer = find_date_and_issuer(paras)
    plan.region = find_region(plan.issuer, plan.title, paras)
    plan.level = level_of(plan.region, "\n".join(p.norm for p in paras[:40]))
    plan.horizon = _horizon(paras)
    table_tasks = _table_tasks(doc)
    plan.tasks = [t for t, _, _ in table_tasks] if table_tasks else tasks_from_text(paras)
    plan.targets = _dedupe(_paragraph_targets(paras, plan) + _table_targets(doc, table_tasks, plan))
    plan.units = _units(plan.tasks)
    if not plan.tasks:
        plan.warnings.append("未找到任务 (no tasks found)")
    if not any(not t.qualitative for t in plan.targets):
        plan.warnings.append("未找到量化目标 (no quantitative targets found)")
    return plan


def _horizon(paras: list[Para]) -> list[int]:
    years: list[int] = []
    for para in paras:
        found = years_in(para.norm)
        if para.goal and not any(w in para.norm for w in PAST_WORDS):
            lead = LEAD_YEAR.match(para.norm[para.body_start :] if para.style else para.norm)
            # "2022年…为97.2%,到2025年提高到98.5%": a bare leading year before a later "到…年" is the baseline.
            if lead and not any(y > int(lead.group(2)) for y in found):
                found.append(int(lead.group(2)))
        years.extend(y for y in found if 1990 <= y <= 2100)
    return sorted(set(years))


def _default_year(paras: list[Para], horizon: list[int]) -> int | None:
    for para in paras:
        if para.goal:
            match = LEAD_YEAR.search(para.norm[para.body_start :] if para.style else para.norm)
            found = years_in(para.norm)
            if match:
                return int(match.group(2))
            if found:
                return found[0]
    return horizon[0] if horizon else None


def _masked(para: Para) -> str:
    """Normalised text with the responsibility parenthesis blanked (unit names are not indicators)."""
    duty = para_duty(para)
    if not duty:
        return para.norm
    return para.norm[: duty.start] + " " * (duty.end - duty.start) + para.norm[duty.end :]


def _paragraph_targets(paras: list[Para], plan: Plan) -> list[Target]:
    default = _default_year(paras, plan.horizon)
    past_before = min(plan.horizon) if plan.horizon else None
    goal_year = default
    out: list[Target] = []
    for para in paras:
        if para.goal:
            lead = LEAD_YEAR.match(para.norm[para.body_start :] if para.style else para.norm)
            if lead and (lead.group(1) or para.style):
                goal_year = int(lead.group(2))
        if not para.goal and not MAYBE_AMOUNT.search(para.norm):
            continue  # no amount, so no target (and no need to work out its responsibility)
        year = goal_year if para.goal else default
        for found in find_targets(
            para.text, _masked(para), goal=para.goal, year=year, past_before=past_before
        ):
            out.append(_target(found, para.text, Span(para.block, found.start, found.end)))
    return out


def _table_tasks(doc: Document) -> list[tuple[Task, int, int]]:
    out: list[tuple[Task, int, int]] = []
    for block in doc.blocks:
        if block.kind == "table":
            out.extend((task, row, col) for task, row, col in _with_block(block))
    return out


def _with_block(block: Block) -> list[tuple[Task, int, int]]:
    return [(task, row, col) for task, row, col in tasks_from_table(block)]


def _table_targets(doc: Document, table_tasks: list[tuple[Task, int, int]], plan: Plan) -> list[Target]:
    """Targets written in the content cells of task tables."""
    out: list[Target] = []
    default = plan.horizon[0] if plan.horizon else None
    for index in sorted({task.source.block for task, _, _ in table_tasks}):
        block = doc.blocks[index]
        starts = block.row_starts()
        for r, c in content_cells(block):
            cell = (block.rows or [])[r][c]
            offset = block.cell_offset(r, c, starts)
            for found in find_targets(cell, normalize(cell), goal=False, year=default, past_before=default):
                out.append(_target(found, cell, Span(block.index, offset + found.start, offset + found.end)))
    return out


def _target(found: Found, text: str, span: Span) -> Target:
    return Target(
        text=text[found.start : found.end].strip(),
        indicator=found.indicator,
        op=found.op,
        value=found.value,
        unit=found.unit,
        year=found.year,
        qualitative=found.qualitative,
        source=span,
    )


def _dedupe(targets: list[Target]) -> list[Target]:
    seen: set[tuple[str, str, str, str]] = set()
    out: list[Target] = []
    for target in targets:
        key = ("".join(normalize(target.indicator).split()), target.op, repr(target.value), target.unit)
        if key in seen:
            continue
        seen.add(key)
        out.append(target)
    return out


def _units(tasks: list[Task]) -> list[UnitName]:
    names: dict[str, UnitName] = {}
    for task in tasks:
        for name in task.units:
            if name not in names:
                names[name] = UnitName(
                    name=name, canonical=canonical_unit(name), is_group=is_unit_group(name)
                )
    return list(names.values())
