"""Errors of the plan reader. Every failure to read a document is a PlanReadError with a one-line reason."""

from __future__ import annotations

import re


class PlanReadError(Exception):
    """A document could not be read. `str(error)` is a one-line reason fit for a CLI or a web form."""

    reason = "无法读取文件 (unreadable document)"

    def __init__(self, message: str | None = None) -> None:
        text = " ".join((message or self.reason).split())
        super().__init__(text)
        self.message = text

    @property
    def chinese(self) -> str:
        """The reason without its English gloss, for the Chinese UI ('PDF 文件已损坏 (corrupt PDF: X)' → 'PDF 文件已损坏')."""
        return re.sub(r"\s*\([^()]*\)$", "", self.message) or self.message


class UnsupportedFormat(PlanReadError):
    reason = "不支持的文件格式 (unsupported format)"


class EmptyDocument(PlanReadError):
    reason = "文件为空或没有文字 (empty document)"


class EncryptedDocument(PlanReadError):
    reason = "文件已加密,请先解除密码保护 (encrypted document)"


class NoTextLayer(PlanReadError):
    reason = "PDF 没有文字层(扫描件),请先做文字识别 (image-only PDF, no text layer)"


class CorruptDocument(PlanReadError):
    reason = "文件已损坏或不是所声称的格式 (corrupt document)"


class EncodingUnknown(PlanReadError):
    reason = "无法确定文本编码 (could not determine the text encoding)"


class ConverterMissing(PlanReadError):
    reason = "读取 .doc/.wps 需要安装 LibreOffice (soffice not found)"
