"""Assessment pages: schemes (list, import, view), cycles (open, ranking, state), each unit's score sheet with
every point explained, the liaison's self-assessment form with evidence, and the office's verification form.

Forms work as plain HTML posts; a rejected form is shown again with what was typed and the error beside it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.assessment import queries, service
from qcity.assessment.scheme import METRICS, fmt, scheme_from_dict
from qcity.kit.dates import fmt_date
from qcity.kit.errors import DomainError, Forbidden
from qcity.models import Unit, UnitAssessment
from qcity.web.deps import DbSession, require
from qcity.web.templating import render

router = APIRouter(include_in_schema=False)


def _iso_date(text: str | None) -> str:
    """A date the metric snapshot keeps as ISO text ("2026-11-23"), written the UI's way (2026年11月23日)."""
    return fmt_date(date.fromisoformat(text)) if text else ""


def _ctx(actor: Actor, **extra: Any) -> dict[str, Any]:
    return {"actor": actor, "CYCLE_STATE_NAMES": queries.CYCLE_STATE_NAMES, "SELF_STATE_NAMES": queries.SELF_STATE_NAMES,
            "METRICS": METRICS, "fmt": fmt, "iso_date": _iso_date} | extra  # fmt: skip


def _indexed(form: FormData, prefix: str) -> dict[str, str]:
    """Fields named prefix[key] → {key: value}."""
    out = {}
    for key, value in form.multi_items():
        if key.startswith(prefix + "[") and key.endswith("]") and isinstance(value, str):
            out[key[len(prefix) + 1 : -1]] = value
    return out


def _rows(form: FormData, *names: str) -> list[dict[str, str]]:
    """Parallel repeated fields (claim_code, claim_points, ...) → one dict per filled row."""
    columns = [[v if isinstance(v, str) else "" for v in form.getlist(n)] for n in names]
    out = []
    for values in zip(*columns, strict=False):
        row = dict(zip([n.split("_", 1)[1] for n in names], values, strict=True))
        if any(v.strip() for k, v in row.items() if k != "kind"):
            out.append(row)
    return out


# ---------------------------------------------------------------- index and schemes


@router.get("/assessment", response_class=HTMLResponse)
def index(request: Request, db: DbSession, actor: Actor = Depends(require("public.read"))) -> Response:
    cycles = queries.list_cycles(db, actor)
    own: dict[int, list[UnitAssessment]] = {}
    if actor.unit_ids and cycles:
        # Only the actor's own rows: `c.units` read every unit's metric snapshot and score sheet (large JSON),
        # which made this page slow and churned the garbage collector (bench/pages.py).
        rows = db.scalars(
            scoped(select(UnitAssessment), UnitAssessment, actor)
            .where(
                UnitAssessment.cycle_id.in_([c.id for c in cycles]),
                UnitAssessment.unit_id.in_(actor.unit_ids),
            )
            .order_by(UnitAssessment.id)
        )
        for u in rows:
            own.setdefault(u.cycle_id, []).append(u)
    return render(request, "assessment/index.html", _ctx(actor, cycles=cycles, own=own))


@router.get("/assessment/schemes", response_class=HTMLResponse)
def schemes(request: Request, db: DbSession, actor: Actor = Depends(require("public.read"))) -> Response:
    return render(request, "assessment/schemes.html", _ctx(actor, schemes=queries.list_schemes(db, actor)))


@router.post("/assessment/schemes")
def import_scheme(
    request: Request, db: DbSession, file: UploadFile | None = File(None),
    actor: Actor = Depends(require("assessment.manage")),
) -> Response:  # fmt: skip
    data = file.file.read(5_000_001) if file else b""
    try:
        row = service.import_scheme(db, actor, actor.region_id or 0, filename=(file.filename or "") if file else "",
                                    data=data)  # fmt: skip
    except DomainError as err:
        db.rollback()
        ctx = _ctx(actor, schemes=queries.list_schemes(db, actor), error=err)
        return render(request, "assessment/schemes.html", ctx, status_code=err.status)
    return RedirectResponse(f"/assessment/schemes/{row.id}?done=imported", status_code=303)


@router.get("/assessment/schemes/{scheme_id}", response_class=HTMLResponse)
def scheme_page(
    scheme_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("public.read"))
) -> Response:
    row = queries.get_scheme(db, actor, scheme_id)
    parsed = scheme_from_dict(row.body)
    return render(
        request, "assessment/scheme.html", _ctx(actor, row=row, scheme=parsed, walk=list(parsed.walk()))
    )


# ---------------------------------------------------------------- cycles


def _new_cycle_ctx(db: DbSession, actor: Actor, **extra: Any) -> dict[str, Any]:
    units = list(db.scalars(scoped(select(Unit), Unit, actor).order_by(Unit.sort_order, Unit.id)))
    return _ctx(actor, schemes=queries.list_schemes(db, actor), units=units, **extra)


@router.get("/assessment/cycles/new", response_class=HTMLResponse)
def new_cycle(
    request: Request, db: DbSession, actor: Actor = Depends(require("assessment.manage"))
) -> Response:
    values = {"year": "", "bottom_n": "3", "name": "", "scheme_id": request.query_params.get("scheme_id", "")}
    return render(request, "assessment/cycle_new.html", _new_cycle_ctx(db, actor, values=values))


@router.post("/assessment/cycles")
async def create_cycle(
    request: Request, db: DbSession, actor: Actor = Depends(require("assessment.manage"))
) -> Response:
    form = await request.form()
    values = {k: form.get(k) or "" for k in ("scheme_id", "year", "name", "bottom_n")}
    unit_ids = [int(v) for v in form.getlist("unit_ids") if isinstance(v, str) and v.isdigit()]
    try:
        cycle = service.open_cycle(db, actor, scheme_id=values["scheme_id"], year=values["year"],
                                   name=str(values["name"]), bottom_n=values["bottom_n"] or 3, unit_ids=unit_ids,
                                   publish_sheets=form.get("publish_sheets") == "1")  # fmt: skip
    except DomainError as err:
        db.rollback()
        ctx = _new_cycle_ctx(db, actor, values=values, error=err, chosen=set(unit_ids))
        return render(request, "assessment/cycle_new.html", ctx, status_code=err.status)
    return RedirectResponse(f"/assessment/cycles/{cycle.id}?done=opened", status_code=303)


@router.get("/assessment/cycles/{cycle_id}", response_class=HTMLResponse)
def cycle_page(
    cycle_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("public.read"))
) -> Response:
    cycle = queries.get_cycle(db, actor, cycle_id)
    units = queries.visible_units(db, actor, cycle)
    ctx = _ctx(actor, cycle=cycle, units=units, results=queries.can_see_results(actor, cycle),
               lines={u.id: queries.summary(actor, u) for u in units},
               staff=queries.is_staff(actor), can_sheet={u.id: queries.can_see_sheet(actor, u) for u in units},
               own={u.id: queries.own(actor, u) for u in units}, action_names=service.ACTION_NAMES,
               done=request.query_params.get("done"), changed=request.query_params.getlist("changed"))  # fmt: skip
    return render(request, "assessment/cycle.html", ctx)


@router.post("/assessment/cycles/{cycle_id}/transition")
def transition(
    cycle_id: int, db: DbSession, action: str = Form("recompute"),
    actor: Actor = Depends(require("assessment.manage")),
) -> Response:  # fmt: skip
    result = service.transition(db, actor, cycle_id, action)
    query = f"done={action}" + "".join(f"&changed={name}" for name in result.changed)
    return RedirectResponse(f"/assessment/cycles/{cycle_id}?{query}", status_code=303)


# ---------------------------------------------------------------- a unit's sheet, self-assessment, verification


@router.get("/assessment/units/{ua_id}", response_class=HTMLResponse)
def sheet_page(
    ua_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("public.read"))
) -> Response:
    ua = queries.get_unit_assessment(db, actor, ua_id)
    evidence = queries.evidence_by_item(ua) if queries.can_see_evidence(actor, ua) else {}
    ctx = _ctx(actor, ua=ua, cycle=ua.cycle, sheet=queries.visible_score_sheet(actor, ua), evidence=evidence,
               summary=queries.summary(actor, ua), results=queries.can_see_results(actor, ua.cycle),
               details=(ua.metrics or {}).get("details") if queries.can_see_evidence(actor, ua) else None,
               own=queries.own(actor, ua), staff=queries.is_staff(actor))  # fmt: skip
    return render(request, "assessment/sheet.html", ctx)


def _self_ctx(ua: UnitAssessment, actor: Actor, **extra: Any) -> dict[str, Any]:
    scheme = queries.frozen_scheme(ua.cycle)
    manual = [(i, p) for i, p in scheme.walk() if i.is_leaf and i.method == "manual"]
    values = {c: str(v.get("score") or "") for c, v in (ua.self_scores or {}).items()}
    notes = {c: str(v.get("note") or "") for c, v in (ua.self_scores or {}).items()}
    claims = [a for a in (ua.adjustments or []) if a.get("by") == "unit"]
    base = {"ua": ua, "cycle": ua.cycle, "scheme": scheme, "manual": manual, "values": values, "notes": notes,
            "claims": claims, "evidence": queries.evidence_by_item(ua), "editable": ua.cycle.state == "open"}  # fmt: skip
    return _ctx(actor, **(base | extra))


@router.get("/assessment/units/{ua_id}/self", response_class=HTMLResponse)
def self_form(
    ua_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("assessment.self"))
) -> Response:
    ua = queries.get_unit_assessment(db, actor, ua_id)
    if not queries.own(actor, ua):
        raise Forbidden("只有本单位联络员可以填写自评")
    return render(
        request, "assessment/self.html", _self_ctx(ua, actor, done=request.query_params.get("done"))
    )


@router.post("/assessment/units/{ua_id}/self")
async def self_save(
    ua_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("assessment.self"))
) -> Response:
    form = await request.form()
    scores, notes = _indexed(form, "score"), _indexed(form, "note")
    claims = _rows(form, "claim_code", "claim_points", "claim_reason")
    submit = form.get("action") == "submit"
    if not queries.own(actor, queries.get_unit_assessment(db, actor, ua_id)):  # out of scope: 404 first
        raise Forbidden("只有本单位联络员可以填写自评")
    try:
        service.self_assess(db, actor, ua_id, scores=scores, notes=notes, claims=claims, submit=submit,
                            version=form.get("version"))  # fmt: skip
    except DomainError as err:
        db.rollback()
        ua = queries.get_unit_assessment(db, actor, ua_id)
        typed = [{"code": c["code"], "claimed": c["points"], "reason": c["reason"]} for c in claims]
        ctx = _self_ctx(ua, actor, values=scores, notes=notes, claims=typed, error=err)
        return render(request, "assessment/self.html", ctx, status_code=err.status)
    return RedirectResponse(
        f"/assessment/units/{ua_id}/self?done={'submitted' if submit else 'saved'}", status_code=303
    )


@router.post("/assessment/units/{ua_id}/evidence")
def evidence_upload(
    ua_id: int, request: Request, db: DbSession, file: UploadFile | None = File(None), item_code: str = Form(""),
    actor: Actor = Depends(require("assessment.self")),
) -> Response:  # fmt: skip
    settings = request.app.state.settings
    limit = settings.max_upload_mb * 1024 * 1024
    if not queries.own(actor, queries.get_unit_assessment(db, actor, ua_id)):
        raise Forbidden("只有本单位联络员可以上传佐证材料")
    try:
        service.add_evidence(db, actor, ua_id, item_code=item_code, filename=(file.filename or "") if file else "",
                             content_type=(file.content_type or "") if file else "",
                             data=file.file.read(limit + 1) if file else b"", files_dir=settings.files_dir,
                             max_bytes=limit)  # fmt: skip
    except DomainError as err:
        db.rollback()
        ua = queries.get_unit_assessment(db, actor, ua_id)
        return render(
            request, "assessment/self.html", _self_ctx(ua, actor, error=err), status_code=err.status
        )
    return RedirectResponse(f"/assessment/units/{ua_id}/self?done=uploaded#evidence", status_code=303)


def _verify_ctx(ua: UnitAssessment, actor: Actor, **extra: Any) -> dict[str, Any]:
    scheme = queries.frozen_scheme(ua.cycle)
    manual = [(i, p) for i, p in scheme.walk() if i.is_leaf and i.method == "manual"]
    own = {c: str(v.get("score") or "") for c, v in (ua.self_scores or {}).items()}
    checked = {c: str(v.get("score") or "") for c, v in (ua.verified_scores or {}).items()}
    values = {i.code: checked.get(i.code, own.get(i.code, "")) for i, _ in manual}
    reasons = {c: str(v.get("reason") or "") for c, v in (ua.verified_scores or {}).items()}
    claims = [(n, a) for n, a in enumerate(ua.adjustments or []) if a.get("by") == "unit"]
    entries = [a for a in (ua.adjustments or []) if a.get("by") == "office"]
    base = {"ua": ua, "cycle": ua.cycle, "scheme": scheme, "manual": manual, "own": own, "values": values,
            "reasons": reasons, "claims": claims, "entries": entries, "vetoes": dict(ua.vetoes or {}),
            "evidence": queries.evidence_by_item(ua), "editable": ua.cycle.state == "verifying",
            "names": {a.code: a.name for a in [*scheme.bonuses, *scheme.penalties]}}  # fmt: skip
    return _ctx(actor, **(base | extra))


@router.get("/assessment/units/{ua_id}/verify", response_class=HTMLResponse)
def verify_form(
    ua_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("assessment.manage"))
) -> Response:
    ua = queries.get_unit_assessment(db, actor, ua_id)
    return render(
        request, "assessment/verify.html", _verify_ctx(ua, actor, done=request.query_params.get("done"))
    )


@router.post("/assessment/units/{ua_id}/verify")
async def verify_save(
    ua_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("assessment.manage"))
) -> Response:
    form = await request.form()
    scores, reasons = _indexed(form, "score"), _indexed(form, "reason")
    claim_points = {int(k): v for k, v in _indexed(form, "claim_points").items() if k.isdigit()}
    claim_reasons = {int(k): v for k, v in _indexed(form, "claim_reason").items() if k.isdigit()}
    entries = _rows(form, "entry_kind", "entry_code", "entry_points", "entry_reason")
    vetoes = {k: v for k, v in _indexed(form, "veto").items() if v.strip()}
    queries.get_unit_assessment(db, actor, ua_id)
    try:
        ua = service.verify(db, actor, ua_id, scores=scores, reasons=reasons, claim_points=claim_points,
                            claim_reasons=claim_reasons, entries=entries, vetoes=vetoes,
                            version=form.get("version"))  # fmt: skip
    except DomainError as err:
        db.rollback()
        ua = queries.get_unit_assessment(db, actor, ua_id)
        typed = [dict(e) | {"verified": e.get("points") or ""} for e in entries]
        ctx = _verify_ctx(ua, actor, values=scores, reasons=reasons, entries=typed, vetoes=vetoes, error=err,
                          typed_claims={"points": claim_points, "reasons": claim_reasons})  # fmt: skip
        return render(request, "assessment/verify.html", ctx, status_code=err.status)
    return RedirectResponse(f"/assessment/cycles/{ua.cycle_id}?done=verified", status_code=303)
