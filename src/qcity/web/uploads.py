"""Reading an uploaded file: never more than QCITY_MAX_UPLOAD_MB into memory, and a clear error naming `file`."""

from __future__ import annotations

from fastapi import Request, UploadFile

from qcity.kit.errors import ValidationError


def upload_limit(request: Request) -> int:
    return int(request.app.state.settings.max_upload_mb) * 1024 * 1024


def read_upload(request: Request, file: UploadFile | None, what: str = "文件") -> bytes:
    """The file's bytes; refused when none was chosen, when it is empty, or when it exceeds the limit."""
    if file is None or not file.filename:
        raise ValidationError(f"请选择要上传的{what}", "file", plain="no file uploaded")
    limit = upload_limit(request)
    data = file.file.read(limit + 1)
    if not data:
        raise ValidationError("上传的文件是空的", "file", plain="the uploaded file is empty")
    if len(data) > limit:
        raise ValidationError(f"{what}超过{limit // 1024 // 1024}MB上限", "file", plain="file too large")
    return data
