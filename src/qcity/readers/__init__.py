"""Readers: any plan file (txt, html, docx, pdf, xlsx, doc/wps via LibreOffice) → ordered text blocks and tables.

`read_document` is the one entry point. It never raises anything but PlanReadError and its subclasses.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from .errors import (
    ConverterMissing,
    CorruptDocument,
    EmptyDocument,
    EncodingUnknown,
    EncryptedDocument,
    NoTextLayer,
    PlanReadError,
    UnsupportedFormat,
)
from .model import Block, Document

__all__ = [
    "Block",
    "ConverterMissing",
    "CorruptDocument",
    "Document",
    "EmptyDocument",
    "EncodingUnknown",
    "EncryptedDocument",
    "NoTextLayer",
    "PlanReadError",
    "UnsupportedFormat",
    "read_document",
    "sniff_format",
]

MAX_BYTES = 200 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".csv", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
LEGACY_SUFFIXES = {".doc", ".wps", ".rtf", ".odt", ".wpt", ".dot", ".docm", ".dotx"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_document(source: str | Path | bytes, *, filename: str | None = None) -> Document:
    """Read a plan document from a path or from bytes (give `filename` with bytes for the format hint)."""
    try:
        data, name = _load(source, filename)
        fmt = sniff_format(data, name)
        return _dispatch(data, name, fmt)
    except PlanReadError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise CorruptDocument(
            f"文件过大或结构过深 (document too large or too deep: {exc.__class__.__name__})"
        ) from exc
    except Exception as exc:  # a library bug on hostile input must still reach the user as one line
        raise CorruptDocument(f"无法读取文件 (unreadable document: {exc.__class__.__name__})") from exc


def _load(source: str | Path | bytes, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), filename or "<bytes>"
    path = Path(source)
    try:
        if not path.is_file():
            raise PlanReadError(f"文件不存在 (no such file): {path}")
        if path.stat().st_size > MAX_BYTES:
            raise PlanReadError(f"文件过大 (file larger than {MAX_BYTES // 1024 // 1024} MB): {path}")
        return path.read_bytes(), filename or path.name
    except OSError as exc:
        raise PlanReadError(
            f"无法打开文件 (cannot open {path}: {exc.strerror or exc.__class__.__name__})"
        ) from exc


def sniff_format(data: bytes, name: str) -> str:
    """Format from magic bytes first (a renamed file is read as what it is), then from the file name."""
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise EmptyDocument()
    if data.startswith(b"%PDF") or data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise EncryptedDocument()
        return "legacy"
    if data.lstrip()[:5] == b"{\\rtf":
        return "legacy"
    if suffix in (".pdf", ".docx", ".xlsx", ".doc", ".wps", ".xls"):
        raise CorruptDocument(f"文件内容与扩展名 {suffix} 不符或已损坏 (not a valid {suffix} file)")
    head = data[:2048].lower()
    head_text = head.replace(b"\x00", b"")
    if (
        suffix in HTML_SUFFIXES
        or b"<html" in head_text
        or b"<!doctype html" in head_text
        or b"<body" in head_text
    ):
        return "html"
    return "txt"


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptDocument("压缩包已损坏 (corrupt zip container)") from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "legacy"  # OpenDocument: LibreOffice reads it
    raise UnsupportedFormat("不支持的压缩文件内容 (zip file is not a Word/Excel document)")


def _dispatch(data: bytes, name: str, fmt: str) -> Document:
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, name)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(data, name)
    if fmt == "xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(data, name)
    if fmt == "html":
        from .html import read_html

        return read_html(data, name)
    if fmt == "legacy":
        return _read_legacy(data, name)
    from .text import read_text

    return read_text(data, name)


def _read_legacy(data: bytes, name: str) -> Document:
    from .convert import convert_with_soffice
    from .docx import read_docx

    suffix = Path(name).suffix.lower() or ".doc"
    if suffix in (".xls", ".et"):
        from .xlsx import read_xlsx

        doc = read_xlsx(convert_with_soffice(data, suffix, "xlsx"), name)
    else:
        doc = read_docx(convert_with_soffice(data, suffix, "docx"), name)
    doc.format = suffix.lstrip(".") or "doc"
    return doc
