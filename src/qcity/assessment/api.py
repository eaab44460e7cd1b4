"""Assessment API under /api/v1/assessment: schemes, cycles, self-assessment, evidence, verification, exports."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response

from qcity.accounts.actor import Actor
from qcity.assessment import queries, service
from qcity.assessment.schemas import (
    CycleDetail,
    CycleIn,
    CycleOut,
    EvidenceOut,
    RankingRow,
    SchemeDetail,
    SchemeOut,
    SelfIn,
    TransitionIn,
    TransitionOut,
    UnitAssessmentOut,
    VerifyIn,
)
from qcity.models import AssessmentCycle, UnitAssessment
from qcity.tasks.service import file_path
from qcity.web.deps import DbSession, require

router = APIRouter(prefix="/api/v1/assessment", tags=["assessment"])


def download(data: bytes, filename: str, media_type: str) -> Response:
    # RFC 5987: Chinese file names survive every browser.
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def cycle_out(c: AssessmentCycle) -> CycleOut:
    return CycleOut.model_validate(c, from_attributes=True)


def ua_out(actor: Actor, ua: UnitAssessment) -> UnitAssessmentOut:
    out = UnitAssessmentOut(
        **queries.summary(actor, ua), cycle_id=ua.cycle_id, self_state=ua.self_state, version=ua.version
    )
    out.sheet = queries.visible_sheet(actor, ua)
    if queries.can_see_evidence(actor, ua):
        out.inputs = {"self_scores": ua.self_scores, "verified_scores": ua.verified_scores, "vetoes": ua.vetoes,
                      "adjustments": ua.adjustments, "metrics": ua.metrics}  # fmt: skip
        out.evidence = [EvidenceOut.model_validate(e, from_attributes=True) for e in ua.evidence]
    return out


@router.get("/schemes", response_model=list[SchemeOut])
def list_schemes(db: DbSession, actor: Actor = Depends(require("public.read"))) -> list[SchemeOut]:
    return [SchemeOut.model_validate(s, from_attributes=True) for s in queries.list_schemes(db, actor)]


@router.post("/schemes/import", response_model=SchemeOut, status_code=201)
def import_scheme(
    db: DbSession, file: UploadFile, region_id: int | None = Form(None),
    actor: Actor = Depends(require("assessment.manage")),
) -> SchemeOut:  # fmt: skip
    region = region_id or actor.region_id
    row = service.import_scheme(
        db, actor, region or 0, filename=file.filename or "", data=file.file.read(5_000_001)
    )
    return SchemeOut.model_validate(row, from_attributes=True)


@router.get("/schemes/{scheme_id}", response_model=SchemeDetail)
def get_scheme(scheme_id: int, db: DbSession, actor: Actor = Depends(require("public.read"))) -> SchemeDetail:
    return SchemeDetail.model_validate(queries.get_scheme(db, actor, scheme_id), from_attributes=True)


@router.get("/schemes/{scheme_id}/export")
def export_scheme(
    scheme_id: int, db: DbSession, format: Literal["xlsx", "yaml"] = "xlsx",
    actor: Actor = Depends(require("public.read")),
) -> Response:  # fmt: skip
    return download(*queries.export_scheme(queries.get_scheme(db, actor, scheme_id), format))


@router.get("/cycles", response_model=list[CycleOut])
def list_cycles(db: DbSession, actor: Actor = Depends(require("public.read"))) -> list[CycleOut]:
    return [cycle_out(c) for c in queries.list_cycles(db, actor)]


@router.post("/cycles", response_model=CycleOut, status_code=201)
def open_cycle(
    body: CycleIn, db: DbSession, actor: Actor = Depends(require("assessment.manage"))
) -> CycleOut:
    cycle = service.open_cycle(db, actor, scheme_id=body.scheme_id, year=body.year, name=body.name,
                               bottom_n=body.bottom_n, unit_ids=body.unit_ids, publish_sheets=body.publish_sheets)  # fmt: skip
    return cycle_out(cycle)


@router.get("/cycles/{cycle_id}", response_model=CycleDetail)
def get_cycle(cycle_id: int, db: DbSession, actor: Actor = Depends(require("public.read"))) -> CycleDetail:
    cycle = queries.get_cycle(db, actor, cycle_id)
    rows = [RankingRow(**queries.summary(actor, u)) for u in queries.visible_units(db, actor, cycle)]
    return CycleDetail(**cycle_out(cycle).model_dump(), units=rows)


@router.post("/cycles/{cycle_id}/transition", response_model=TransitionOut)
def transition(
    cycle_id: int, body: TransitionIn, db: DbSession, actor: Actor = Depends(require("assessment.manage"))
) -> TransitionOut:
    result = service.transition(db, actor, cycle_id, body.action)
    cycle = queries.get_cycle(db, actor, cycle_id)
    return TransitionOut(state=cycle.state, frozen=result.frozen, changed=result.changed)


@router.get("/cycles/{cycle_id}/export")
def export_results(
    cycle_id: int, db: DbSession, format: Literal["xlsx", "docx"] = "xlsx",
    actor: Actor = Depends(require("public.read")),
) -> Response:  # fmt: skip
    return download(*queries.export_results(db, actor, queries.get_cycle(db, actor, cycle_id), format))


@router.get("/units/{ua_id}", response_model=UnitAssessmentOut)
def get_unit(ua_id: int, db: DbSession, actor: Actor = Depends(require("public.read"))) -> UnitAssessmentOut:
    return ua_out(actor, queries.get_unit_assessment(db, actor, ua_id))


@router.put("/units/{ua_id}/self", response_model=UnitAssessmentOut)
def self_assess(
    ua_id: int, body: SelfIn, db: DbSession, actor: Actor = Depends(require("assessment.self"))
) -> UnitAssessmentOut:
    ua = service.self_assess(db, actor, ua_id, scores=body.scores, notes=body.notes,
                             claims=[c.model_dump() for c in body.claims], submit=body.submit, version=body.version)  # fmt: skip
    return ua_out(actor, ua)


@router.post("/units/{ua_id}/attachments", response_model=EvidenceOut, status_code=201)
def upload_evidence(
    ua_id: int, request: Request, db: DbSession, file: UploadFile | None = File(None), item_code: str = Form(""),
    actor: Actor = Depends(require("assessment.self")),
) -> EvidenceOut:  # fmt: skip
    settings = request.app.state.settings
    limit = settings.max_upload_mb * 1024 * 1024
    data = file.file.read(limit + 1) if file else b""
    ev = service.add_evidence(db, actor, ua_id, item_code=item_code, filename=(file.filename or "") if file else "",
                              content_type=(file.content_type or "") if file else "", data=data,
                              files_dir=settings.files_dir, max_bytes=limit)  # fmt: skip
    return EvidenceOut.model_validate(ev, from_attributes=True)


@router.get("/evidence/{evidence_id}", response_class=FileResponse)
def get_evidence(
    evidence_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("public.read"))
) -> FileResponse:
    ev = queries.get_evidence(db, actor, evidence_id)
    path = file_path(request.app.state.settings.files_dir, ev.sha256)
    return FileResponse(path, media_type=ev.content_type, filename=ev.filename)


@router.put("/units/{ua_id}/verify", response_model=UnitAssessmentOut)
def verify(
    ua_id: int, body: VerifyIn, db: DbSession, actor: Actor = Depends(require("assessment.manage"))
) -> UnitAssessmentOut:
    ua = service.verify(db, actor, ua_id, scores=body.scores, reasons=body.reasons, claim_points=body.claim_points,
                        claim_reasons=body.claim_reasons, entries=[e.model_dump() for e in body.entries],
                        vetoes=body.vetoes, version=body.version)  # fmt: skip
    return ua_out(actor, ua)


@router.get("/units/{ua_id}/export")
def export_sheet(
    ua_id: int, db: DbSession, format: Literal["xlsx", "docx"] = "xlsx",
    actor: Actor = Depends(require("public.read")),
) -> Response:  # fmt: skip
    return download(*queries.export_sheet(actor, queries.get_unit_assessment(db, actor, ua_id), format))
