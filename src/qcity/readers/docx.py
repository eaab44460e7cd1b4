"""Word .docx: paragraphs with their automatic numbering, and tables with merged cells filled in."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from .errors import CorruptDocument
from .model import Document, build_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CN_DIGITS = "零一二三四五六七八九"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def read_docx(data: bytes, name: str) -> Document:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise CorruptDocument("python-docx 未安装 (python-docx missing)") from exc
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = _Numbering(document)
        items: list[str | list[list[str]]] = []
        for child in body.iterchildren():
            if child.tag == W + "p":
                items.append(numbering.label(child, document) + _para_text(child))
            elif child.tag == W + "tbl":
                items.append(_table_rows(child))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError, AttributeError, TypeError) as exc:
        raise CorruptDocument(f"Word 文件已损坏 (corrupt .docx: {exc.__class__.__name__})") from exc
    except Exception as exc:  # lxml raises its own syntax errors on damaged XML parts
        if exc.__class__.__name__ in ("XMLSyntaxError", "ParseError"):
            raise CorruptDocument("Word 文件已损坏 (corrupt .docx XML)") from exc
        raise
    return build_document(items, source_name=name, fmt="docx")


def _para_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _table_rows(tbl: Any) -> list[list[str]]:
    """Grid of cell texts: a horizontal span repeats across its columns, a vertical merge repeats downwards."""
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(W + "tr"):
        row: list[str] = []
        for tc in tr.iterchildren(W + "tc"):
            props = tc.find(W + "tcPr")
            span, merge = 1, None
            if props is not None:
                grid_span = props.find(W + "gridSpan")
                if grid_span is not None:
                    span = max(1, min(int(grid_span.get(W + "val", "1") or 1), 50))
                v_merge = props.find(W + "vMerge")
                if v_merge is not None:
                    merge = v_merge.get(W + "val", "continue")
            text = " ".join(_para_text(p) for p in tc.iter(W + "p")).strip()
            if merge == "continue" and rows:
                col = len(row)
                above = rows[-1]
                text = above[col] if col < len(above) else text
            row.extend([text] * span)
        rows.append(row)
    return rows


class _Numbering:
    """Computes the printed label ("1.", "(一)", "第一条") of automatically numbered paragraphs."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.num_to_abstract: dict[str, str] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iterchildren(W + "abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iterchildren(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl", "0"))
                fmt = _val(lvl.find(W + "numFmt")) or "decimal"
                text = _val(lvl.find(W + "lvlText")) or ""
                start = int(_val(lvl.find(W + "start")) or "1")
                levels[ilvl] = (fmt, text, start)
            abstract[an.get(W + "abstractNumId", "")] = levels
        for num in root.iterchildren(W + "num"):
            abstract_id = _val(num.find(W + "abstractNumId")) or ""
            num_id = num.get(W + "numId", "")
            self.num_to_abstract[num_id] = abstract_id
            self.levels[num_id] = abstract.get(abstract_id, {})
        try:
            for style in document.styles.element.iterchildren(W + "style"):
                num_pr = style.find(f"{W}pPr/{W}numPr")
                if num_pr is not None:
                    num_id = _val(num_pr.find(W + "numId"))
                    if num_id:
                        self.style_num[style.get(W + "styleId", "")] = (
                            num_id,
                            int(_val(num_pr.find(W + "ilvl")) or "0"),
                        )
        except (AttributeError, ValueError):
            pass

    def label(self, p: Any, document: Any) -> str:
        num_pr = p.find(f"{W}pPr/{W}numPr")
        num_id, ilvl = None, 0
        if num_pr is not None:
            num_id = _val(num_pr.find(W + "numId"))
            ilvl = int(_val(num_pr.find(W + "ilvl")) or "0")
        else:
            style = p.find(f"{W}pPr/{W}pStyle")
            if style is not None and _val(style) in self.style_num:
                num_id, ilvl = self.style_num[_val(style) or ""]
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        key = self.num_to_abstract.get(num_id, num_id)
        counters = self.counters.setdefault(key, [0] * 9)
        ilvl = max(0, min(ilvl, 8))
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, _ = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        if fmt in ("bullet", "none"):
            return ""
        out = text
        for level in range(ilvl, -1, -1):
            lvl_fmt, _, start = levels.get(level, ("decimal", "", 1))
            value = counters[level] + start - 1
            out = out.replace(f"%{level + 1}", _format(value, lvl_fmt))
        return out


def _val(el: Any) -> str | None:
    return None if el is None else el.get(W + "val")


def _format(n: int, fmt: str) -> str:
    if fmt.startswith("chinese") or fmt in ("ideographTraditional", "taiwaneseCounting", "japaneseCounting"):
        return chinese_numeral(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (enough for outline numbers)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = (
            ""
            if rest == 0
            else (
                "零" + CN_DIGITS[rest]
                if rest < 10
                else chinese_numeral(rest)
                if rest >= 20
                else "一" + chinese_numeral(rest)
            )
        )
        return CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    pairs = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = ""
    for value, letters in pairs:
        while n >= value:
            out += letters
            n -= value
    return out
