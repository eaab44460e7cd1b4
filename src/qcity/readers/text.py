"""Plain text: detect the encoding (never silently wrong), split lines into paragraphs, find text tables.

Tables published as text come in two layouts this reader understands:
  * one cell per line, each ending in " |" (what web-to-text tools produce from a <table>); the number of
    columns is the number of header cells at the start of the run;
  * one row per line with cells separated by "|" or by tabs.
"""

from __future__ import annotations

import codecs

from .errors import CorruptDocument, EmptyDocument, EncodingUnknown
from .model import Document, build_document

HEADER_WORDS = (
    "序号", "编号", "任务", "内容", "单位", "部门", "时限", "时间", "措施", "备注", "责任", "牵头", "配合",
    "参与", "目标", "指标", "类别", "事项", "领域", "举措", "项目", "分工",
)  # fmt: skip


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode document bytes; returns (text, encoding). Raises EncodingUnknown rather than guess."""
    if not data.strip():
        raise EmptyDocument()
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise EncodingUnknown(f"带 {name} 标记但无法解码 (bad {name} text)") from exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    if b"\x00" in data[:4096]:
        raise CorruptDocument("二进制文件,不是文本 (binary data, not text)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible_chinese(text, name):
            return text, name
    return _fallback(data)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    # ASCII in UTF-16 puts a zero in every other byte; Chinese text rarely has zero bytes at all, so
    # also accept a decode that yields mostly CJK characters.
    for name, zeros in (("utf-16-le", odd_zero), ("utf-16-be", even_zero)):
        if zeros > 0.3 or len(data) % 2 == 0:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if zeros > 0.3 or (_cjk_share(text) > 0.6 and b"\x00" in sample):
                return text, name
    return None


def _cjk_share(text: str) -> float:
    letters = [c for c in text[:4000] if not c.isspace()]
    if not letters:
        return 0.0
    return sum(
        1
        for c in letters
        if "\u4e00" <= c <= "\u9fff" or c.isascii() or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
    ) / len(letters)


def _plausible_chinese(text: str, encoding: str) -> bool:
    """True when a legacy-encoding decode reads as ordinary Chinese text, not mojibake."""
    if _control_share(text) > 0.01:
        return False
    hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not hanzi:
        return _cjk_share(text) > 0.9
    if encoding == "gb18030":
        # Common characters (simplified or traditional) are in GBK's two-byte range; mojibake from another
        # encoding lands on rare characters and four-byte sequences.
        common = sum(1 for c in hanzi if len(c.encode("gb18030")) == 2) / len(hanzi)
        gb2312 = sum(1 for c in hanzi if _in_gb2312(c)) / len(hanzi)
        return common > 0.98 and gb2312 > 0.6
    return True


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(
        1
        for c in sample
        if (ord(c) < 32 and c not in "\r\n\t\f") or c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF
    )
    return bad / len(sample)


def _fallback(data: bytes) -> tuple[str, str]:
    try:
        from charset_normalizer import from_bytes
    except ImportError as exc:  # pragma: no cover - charset-normalizer is a dependency
        raise EncodingUnknown() from exc
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise EncodingUnknown()
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise EncodingUnknown() from exc
    if _control_share(text) > 0.01 or _cjk_share(text) < 0.7:
        raise EncodingUnknown(f"编码不确定(猜测为 {best.encoding}),请另存为 UTF-8 (uncertain encoding)")
    return text, best.encoding


def check_text(text: str) -> None:
    """Refuse binary junk that happened to decode."""
    if not text.strip():
        raise EmptyDocument()
    if _control_share(text) > 0.01:
        raise CorruptDocument("文件含大量控制字符,不是文本 (binary data, not text)")


def split_lines(text: str) -> list[str | list[list[str]]]:
    """Lines → paragraphs, with runs of table-looking lines gathered into tables."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    items: list[str | list[list[str]]] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_table_line(lines[j]):
            j += 1
        if j - i >= 2:
            items.append(_table_from_lines(lines[i:j]))
            i = j
        else:
            items.append(lines[i])
            i += 1
    return items


def _is_table_line(line: str) -> bool:
    return line.endswith("|") or line.count("\t") >= 2


def _table_from_lines(lines: list[str]) -> list[list[str]]:
    if all(line.endswith("|") and line.count("|") == 1 for line in lines):
        cells = [line[:-1].strip() for line in lines]
        width = 0
        while width < len(cells) and _is_header_cell(cells[width]):
            width += 1
        width = max(width, 1)
        return [cells[k : k + width] for k in range(0, len(cells), width)]
    rows = []
    for line in lines:
        sep = "|" if "|" in line else "\t"
        parts = [p.strip() for p in line.strip().strip("|").split(sep)]
        rows.append(parts)
    return rows


def _is_header_cell(cell: str) -> bool:
    return (
        0 < len(cell) <= 12 and not any(ch.isdigit() for ch in cell) and any(w in cell for w in HEADER_WORDS)
    )


def read_text(data: bytes, name: str) -> Document:
    text, encoding = decode_bytes(data)
    check_text(text)
    return build_document(split_lines(text), source_name=name, fmt="txt", encoding=encoding)


def read_text_str(text: str, name: str = "<text>") -> Document:
    return build_document(split_lines(text), source_name=name, fmt="txt", encoding=None)
