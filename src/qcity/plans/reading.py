"""Read an uploaded plan file with the plan reader, turning its errors into domain errors."""

from __future__ import annotations

from qcity.extract import extract_plan
from qcity.extract.model import Plan as ParsedPlan
from qcity.kit.errors import ValidationError
from qcity.readers import read_document
from qcity.readers.errors import PlanReadError
from qcity.readers.model import Document

MAX_PLAN_BYTES = 20 * 1024 * 1024


def read_plan(data: bytes, filename: str) -> tuple[Document, ParsedPlan]:
    """The document's blocks and the plan extracted from them; the reader's errors as a Chinese ValidationError."""
    if not data:
        raise ValidationError("上传的文件是空的", "file", plain="the file is empty")
    if len(data) > MAX_PLAN_BYTES:
        raise ValidationError("方案文件超过20MB", "file", plain="the plan file is larger than 20 MB")
    try:
        doc = read_document(data, filename=filename)
        return doc, extract_plan(doc)
    except PlanReadError as exc:
        raise ValidationError(
            f"无法读取方案文件：{exc.chinese}", "file", plain=f"cannot read the plan: {exc}"
        ) from None


def parse_upload(data: bytes, filename: str) -> ParsedPlan:
    return read_plan(data, filename)[1]
