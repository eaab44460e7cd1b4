"""Plan pages: the plan list, a plan with its targets and 任务分解表 (filter, export), and the plan import.

The import keeps the parsed plan between steps in a file under data_dir/imports (never in the database), keyed
by a random id and bound to the user who uploaded it; only the confirm step writes, all or nothing.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from sqlalchemy import select
from starlette.datastructures import FormData

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.config import Settings
from qcity.kit.dates import fmt_date, today_cn
from qcity.kit.errors import DomainError, NotFound, ValidationError
from qcity.models import Region
from qcity.plans import export, service
from qcity.plans.periods import FREQUENCY_NAMES
from qcity.plans.reading import read_plan
from qcity.tasks import queries
from qcity.tasks.lights import LIGHT_NAMES, roll_up
from qcity.web.deps import DbSession, read_upload, require
from qcity.web.templating import render

router = APIRouter(include_in_schema=False)

IMPORT_TTL_SECONDS = 7 * 24 * 3600
_IMPORT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
OPS = [(">=", "≥ 不低于"), ("<=", "≤ 不高于"), (">", "> 高于"), ("<", "< 低于"), ("=", "= 达到"),
       ("increase", "提高"), ("decrease", "下降"), ("range", "区间"), ("qualitative", "定性")]  # fmt: skip


# --- plan list and plan page ----------------------------------------------------------------------------------


@router.get("/plans", response_class=HTMLResponse)
def plan_list(
    request: Request, db: DbSession, light: str = "", actor: Actor = Depends(require("plan.read"))
) -> Response:
    """The plans in scope; with `light` (the dashboard's counters), only plans with tasks at that light, and
    straight to the plan's 任务分解表 filtered by it when there is one such plan."""
    today = today_cn()
    rows = queries.plan_summaries(db, actor)
    lights = {
        row["plan"].id: queries.task_light_counts(db, actor, today, plan_id=row["plan"].id) for row in rows
    }
    light = light if light in queries.LIGHT_ORDER else ""
    if light:
        rows = [row for row in rows if lights[row["plan"].id][light]]
        if len(rows) == 1:
            return RedirectResponse(f"/plans/{rows[0]['plan'].id}?light={light}", status_code=303)
    return render(
        request, "plans/list.html", {"actor": actor, "plans": rows, "lights": lights, "light": light}
    )


def _filters(unit_id: str | None, status: str | None, light: str | None, sort: str | None) -> dict[str, Any]:
    return {
        "unit_id": int(unit_id) if unit_id and unit_id.isdigit() else None,
        "status": status if status in queries.TASK_STATUSES else "",
        "light_name": light if light in queries.LIGHT_ORDER else "",
        "sort": sort if sort in queries.TASK_SORTS else "seq",
    }


def _rows_with_progress(db: DbSession, items: list[Any]) -> list[dict[str, Any]]:
    """Each task row with its units by role and its roll-up, from one query for all rows' latest reports."""
    tasks = [item[0] for item in items]
    accepted = queries.latest_accepted(db, [a.id for t in tasks for a in t.assignments])
    out = []
    for task, rank, _n, reported, done in items:
        assignments = list(task.assignments)
        rollup = roll_up([(a.unit.name, a.role, accepted.get(a.id, (None, None))[0]) for a in assignments],
                         task.plan.lead_weight)  # fmt: skip
        out.append({
            "task": task,
            "light": queries.LIGHT_ORDER[int(rank)],
            "status": queries.task_status(_n, reported, done),
            "leads": [a.unit.name for a in assignments if a.role == "lead"],
            "participants": [a.unit.name for a in assignments if a.role != "lead"],
            "progress": rollup.label if assignments else "—",
        })  # fmt: skip
    return out


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    plan_id: int, request: Request, db: DbSession, unit_id: str | None = None, status: str | None = None,
    light: str | None = None, sort: str | None = None, page: int = 1,
    actor: Actor = Depends(require("plan.read")),
) -> Response:  # fmt: skip
    plan = service.get_plan(db, actor, plan_id)
    filters = _filters(unit_id, status, light, sort)
    result = queries.task_table(db, actor, plan_id, page=page, per_page=50, **filters)
    ctx = {
        "actor": actor, "plan": plan, "page": result, "rows": _rows_with_progress(db, result.items),
        "filters": filters, "units": queries.units_in_scope(db, actor),
        "statuses": queries.TASK_STATUSES, "sorts": queries.TASK_SORTS,
        "light_counts": queries.task_light_counts(db, actor, today_cn(), plan_id=plan_id),
        "frequency": FREQUENCY_NAMES.get(plan.reporting_frequency, plan.reporting_frequency),
        "export_query": request.url.query,
    }  # fmt: skip
    return render(request, "plans/plan.html", ctx)


def _export_rows(db: DbSession, actor: Actor, plan_id: int, filters: dict[str, Any]) -> list[export.Row]:
    rows: list[export.Row] = []
    page = 1
    while True:
        result = queries.task_table(db, actor, plan_id, page=page, per_page=200, **filters)
        for r in _rows_with_progress(db, result.items):
            t = r["task"]
            rows.append(export.Row(t.no, t.title, t.content, r["leads"], r["participants"], t.due_date,
                                   t.deadline_text, r["progress"], LIGHT_NAMES[r["light"]]))  # fmt: skip
        if page >= result.pages:
            return rows
        page += 1


def _download(data: bytes, filename: str, media_type: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/plans/{plan_id}/export.xlsx")
def export_xlsx(
    plan_id: int, db: DbSession, unit_id: str | None = None, status: str | None = None, light: str | None = None,
    sort: str | None = None, actor: Actor = Depends(require("plan.read")),
) -> Response:  # fmt: skip
    plan = service.get_plan(db, actor, plan_id)
    rows = _export_rows(db, actor, plan_id, _filters(unit_id, status, light, sort))
    data = export.to_xlsx(plan.title, rows, f"导出日期：{fmt_date(today_cn())}")
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(data, f"{plan.title}-任务分解表.xlsx", media)


@router.get("/plans/{plan_id}/export.docx")
def export_docx(
    plan_id: int, db: DbSession, unit_id: str | None = None, status: str | None = None, light: str | None = None,
    sort: str | None = None, actor: Actor = Depends(require("plan.read")),
) -> Response:  # fmt: skip
    plan = service.get_plan(db, actor, plan_id)
    rows = _export_rows(db, actor, plan_id, _filters(unit_id, status, light, sort))
    data = export.to_docx(plan.title, rows, f"导出日期：{fmt_date(today_cn())}")
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _download(data, f"{plan.title}-任务分解表.docx", media)


# --- plan import ----------------------------------------------------------------------------------------------


def imports_dir(settings: Settings) -> Path:
    path = settings.data_dir / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _span(item: Any) -> list[int] | None:
    src = getattr(item, "source", None)
    if src is None:
        return None
    try:
        return [int(src.block), int(src.start), int(src.end)]
    except (AttributeError, TypeError, ValueError):
        return None


def stash_import(settings: Settings, user_id: int | None, filename: str, region_id: int | None,
                 plan: dict[str, Any], blocks: list[dict[str, str]], sources: dict[str, list[Any]]) -> str:  # fmt: skip
    """Keep a parsed plan for the review step. Returns its id. Old stashes are swept on the way."""
    folder = imports_dir(settings)
    now = time.time()
    for old in folder.glob("*.json"):
        if now - old.stat().st_mtime > IMPORT_TTL_SECONDS:
            old.unlink(missing_ok=True)
    import_id = secrets.token_urlsafe(18)
    body = {"user_id": user_id, "filename": filename, "region_id": region_id, "plan": plan, "blocks": blocks,
            "sources": sources, "created": now}  # fmt: skip
    _write_stash(folder / f"{import_id}.json", body)
    return import_id


def _write_stash(path: Path, body: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _load_stash(settings: Settings, actor: Actor, import_id: str) -> tuple[Path, dict[str, Any]]:
    if not _IMPORT_ID.match(import_id):
        raise NotFound("导入记录不存在或已过期")
    path = imports_dir(settings) / f"{import_id}.json"
    if not path.exists():
        raise NotFound("导入记录不存在或已过期，请重新上传")
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if body.get("user_id") != actor.user_id:
        raise NotFound("导入记录不存在或已过期")
    return path, body


def _regions(db: DbSession, actor: Actor) -> list[Region]:
    return list(db.scalars(scoped(select(Region), Region, actor).order_by(Region.path)))


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, db: DbSession, actor: Actor = Depends(require("plan.import"))) -> Response:
    return render(request, "plans/import.html", {"actor": actor})


@router.post("/import")
def import_upload(
    request: Request, db: DbSession, file: UploadFile | None = File(None),
    actor: Actor = Depends(require("plan.import")),
) -> Response:  # fmt: skip
    settings: Settings = request.app.state.settings
    try:
        data = read_upload(request, file, "方案文件")
        assert file is not None and file.filename  # read_upload refused anything else
        doc, parsed = read_plan(data, file.filename)
        if not parsed.tasks and not parsed.targets:
            raise ValidationError("文件中没有识别出任何任务或目标，请确认上传的是方案原文", "file",
                                  plain="no tasks or targets found")  # fmt: skip
    except DomainError as err:
        return render(request, "plans/import.html", {"actor": actor, "error": err}, status_code=err.status)
    plan_json = parsed.to_json()
    blocks = [{"kind": b.kind, "text": b.text} for b in doc.blocks]
    sources = {"targets": [_span(t) for t in getattr(parsed, "targets", [])],
               "tasks": [_span(t) for t in getattr(parsed, "tasks", [])]}  # fmt: skip
    import_id = stash_import(
        settings, actor.user_id, file.filename, actor.region_id, plan_json, blocks, sources
    )
    return RedirectResponse(f"/import/{import_id}", status_code=303)


def _highlighted(blocks: list[dict[str, str]], sources: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The source text, block by block, with each extracted target and task marked where it came from."""
    marks: dict[int, list[tuple[int, int, str, str]]] = {}
    for kind, prefix in (("targets", "m"), ("tasks", "t")):
        for i, span in enumerate(sources.get(kind) or []):
            if span and 0 <= span[0] < len(blocks):
                marks.setdefault(span[0], []).append((span[1], span[2], f"{prefix}{i}", kind))
    out = []
    for index, block in enumerate(blocks):
        text = block["text"]
        parts: list[Markup] = []
        pos = 0
        for start, end, ref, kind in sorted(marks.get(index, [])):
            start, end = max(start, pos), min(end, len(text))
            if end <= start:
                continue
            parts.append(escape(text[pos:start]))
            label = "目标" if kind == "targets" else "任务"
            parts.append(Markup('<mark class="src-{}" data-ref="{}" title="{}{}">{}</mark>').format(
                kind, ref, label, int(ref[1:]) + 1, text[start:end]))  # fmt: skip
            pos = end
        parts.append(escape(text[pos:]))
        out.append({"index": index, "kind": block["kind"], "html": Markup("").join(parts),
                    "marked": index in marks})  # fmt: skip
    return out


def _names(task: dict[str, Any]) -> list[str]:
    names = [*(task.get("units") or []), *(task.get("lead") or []), *(task.get("participants") or [])]
    return list(dict.fromkeys(str(n).strip() for n in names if str(n).strip()))


def _split(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；\n]+", value or "") if p.strip()]


def _review_context(db: DbSession, actor: Actor, import_id: str, body: dict[str, Any],
                    error: DomainError | None = None, form: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    plan = body["plan"]
    region_id = body.get("region_id") or actor.region_id
    preview = None
    if region_id is not None:
        try:
            preview = service.preview_import(db, actor, region_id, plan)
        except DomainError as err:
            error = error or err
    tasks = [dict(t, names=_names(t)) for t in plan.get("tasks") or []]
    return {
        "actor": actor, "import_id": import_id, "body": body, "plan": plan, "tasks": tasks,
        "targets": plan.get("targets") or [], "sources": body.get("sources") or {},
        "blocks": _highlighted(body.get("blocks") or [], body.get("sources") or {}),
        "preview": preview, "names": [asdict(n) for n in preview.names] if preview else [],
        "unresolved": [n.name for n in preview.unresolved] if preview else [],
        "units": queries.units_in_scope(db, actor), "regions": _regions(db, actor), "region_id": region_id,
        "ops": OPS, "frequencies": FREQUENCY_NAMES, "error": error, "form": form or {},
        "chosen": _mapping(form or {}),
    }  # fmt: skip


@router.get("/import/{import_id}", response_class=HTMLResponse)
def import_review(
    import_id: str, request: Request, db: DbSession, actor: Actor = Depends(require("plan.import"))
) -> Response:
    _, body = _load_stash(request.app.state.settings, actor, import_id)
    return render(request, "plans/review.html", _review_context(db, actor, import_id, body))


def _edited_plan(plan: dict[str, Any], form: FormData) -> dict[str, Any]:
    """The parsed plan with the reviewer's corrections applied; rows ticked 删除 are dropped."""
    out = dict(plan)
    for key in ("title", "issuer", "date"):
        if key in form:
            out[key] = str(form.get(key) or "").strip() or None
    targets = []
    for i, t in enumerate(plan.get("targets") or []):
        if form.get(f"targets-{i}-drop"):
            continue
        t = dict(t)
        for key in ("indicator", "op", "unit", "text"):
            if f"targets-{i}-{key}" in form:
                t[key] = str(form.get(f"targets-{i}-{key}") or "").strip() or None
        if f"targets-{i}-value" in form:
            raw = str(form.get(f"targets-{i}-value") or "").strip()
            t["value"] = _number(raw, f"targets[{i}].value", i)
        if f"targets-{i}-year" in form:
            raw = str(form.get(f"targets-{i}-year") or "").strip()
            if raw and not raw.isdigit():
                raise ValidationError(f"第{i + 1}个目标的年份应为四位数字", f"targets[{i}].year")
            t["year"] = int(raw) if raw else None
        targets.append(t)
    out["targets"] = targets
    tasks = []
    for i, t in enumerate(plan.get("tasks") or []):
        if form.get(f"tasks-{i}-drop"):
            continue
        t = dict(t)
        for key in ("no", "title", "deadline"):
            if f"tasks-{i}-{key}" in form:
                t[key] = str(form.get(f"tasks-{i}-{key}") or "").strip() or None
        if f"tasks-{i}-units" in form:
            t["units"] = _split(str(form.get(f"tasks-{i}-units") or ""))
            t["lead"] = [n for n in _split(str(form.get(f"tasks-{i}-lead") or "")) if n]
            t["units"] = list(dict.fromkeys([*t["lead"], *t["units"]])) if t["lead"] else t["units"]
            t.pop("participants", None)
        if not t.get("no"):
            t["no"] = str(i + 1)
        tasks.append(t)
    out["tasks"] = tasks
    return out


def _number(raw: str, field: str, i: int) -> Any:
    if not raw:
        return None
    try:
        if "~" in raw or "～" in raw or "-" in raw.lstrip("-"):
            low, high = re.split(r"[~～]|(?<=\d)-", raw, maxsplit=1)
            return [float(low), float(high)]
        return float(raw)
    except ValueError:
        raise ValidationError(f"第{i + 1}个目标的目标值应为数字（区间写作 90~95）", field) from None


def _mapping(form: Mapping[str, Any]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key in form:
        if key.startswith("map-name-"):
            name = str(form.get(key) or "")
            choice = str(form.get("map-" + key.removeprefix("map-name-")) or "")
            if name and choice:
                mapping[name] = int(choice) if choice.isdigit() else choice
    return mapping


async def form_data(request: Request) -> FormData:
    """The posted form, for pages whose field names depend on the data (parsed once; Starlette caches it)."""
    return await request.form()


@router.post("/import/{import_id}")
def import_confirm(
    import_id: str, request: Request, db: DbSession, form: FormData = Depends(form_data),
    actor: Actor = Depends(require("plan.import")),
) -> Response:  # fmt: skip
    settings: Settings = request.app.state.settings
    path, body = _load_stash(settings, actor, import_id)
    action = str(form.get("action") or "confirm")
    try:
        region_raw = str(form.get("region_id") or body.get("region_id") or "")
        if not region_raw.isdigit():
            raise ValidationError("请选择方案所属地区", "region_id")
        body["region_id"] = int(region_raw)
        body["plan"] = _edited_plan(body["plan"], form)
        _write_stash(path, body)  # the corrections survive a failed confirm or a reload
        if action != "confirm":
            return RedirectResponse(f"/import/{import_id}", status_code=303)
        options = service.ImportOptions(
            reporting_frequency=str(form.get("reporting_frequency") or "quarterly"),
            publish=bool(form.get("publish")),
        )
        plan = service.confirm_import(db, actor, body["region_id"], body["plan"], _mapping(form), options,
                                      source_name=body.get("filename"))  # fmt: skip
    except DomainError as err:
        db.rollback()  # a failed confirm saves nothing
        ctx = _review_context(db, actor, import_id, body, error=err, form=dict(form))
        return render(request, "plans/review.html", ctx, status_code=err.status)
    db.flush()
    path.unlink(missing_ok=True)
    return RedirectResponse(f"/plans/{plan.id}?imported=1", status_code=303)
