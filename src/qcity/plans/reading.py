"""Read an uploaded plan file with the plan reader, turning its errors into domain errors."""

from __future__ import annotations

from qcity.extract import extract_plan
from qcity.extract.model import Plan as ParsedPlan
from qcity.kit.errors import ValidationError
from qcity.readers import read_document
from qcity.readers.errors import PlanReadError

MAX_PLAN_BYTES = 20 * 1024 * 1024


def parse_upload(data: bytes, filename: str) -> ParsedPlan:
    if not data:
        raise ValidationError("上传的文件是空的", "file", plain="the file is empty")
    if len(data) > MAX_PLAN_BYTES:
        raise ValidationError("方案文件超过20MB", "file", plain="the plan file is larger than 20 MB")
    try:
        return extract_plan(read_document(data, filename=filename))
    except PlanReadError as exc:
        raise ValidationError(
            f"无法读取方案文件：{exc.chinese}", "file", plain=f"cannot read the plan: {exc}"
        ) from None
