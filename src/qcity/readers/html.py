"""HTML pages as published by government sites: keep the document, drop the page around it.

Strategy: remove elements that are never content (script, nav, header, footer, and anything whose
id/class names navigation, breadcrumbs, sharing or printing), pick the element holding the most
paragraph text as the body, and add the page's heading above it when the body lacks one.
Boilerplate lines ("打印本页", "扫一扫在手机打开当前页", "关闭窗口", 主办单位, 备案号) are dropped.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from .errors import CorruptDocument, EmptyDocument
from .model import Document, build_document
from .text import decode_bytes

NEVER_CONTENT = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "svg",
)
NOISE_ATTR = re.compile(
    r"nav|menu|breadcrumb|crumb|position|location|footer|foot|header|head(?!line)|share|print|qrcode|qr-|erweima|sidebar|"
    r"toolbar|login|search|copyright|links|friend|fontsize|font-size|related|banner",
    re.IGNORECASE,
)
CONTENT_ATTR = re.compile(
    r"content|article|zoom|trs_editor|trs_|main|detail|text|body|news|zwgk|info", re.IGNORECASE
)
BOILERPLATE = re.compile(
    r"^(打印本页|打印|关闭窗口|关闭|返回顶部|TOP|分享到.*|扫一扫在手机打开当前页|扫一扫.*|【?字体[::]?.*|"
    r"(您|你)(当前)?的?(所在)?位置[::].*|当前位置[::].*|主办单位[::].*|承办单位[::].*|.*备案号.*|.*ICP备.*|"
    r".*公网安备.*|网站标识码.*|收藏本页|加入收藏|【?(大|中|小)】?|上一篇.*|下一篇.*|浏览次数.*|访问量.*)$",
    re.IGNORECASE,
)
BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "section",
    "article",
    "blockquote",
    "pre",
    "center",
}


def read_html(data: bytes, name: str) -> Document:
    text, encoding = _decode_html(data)
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise CorruptDocument("无法解析 HTML (unparseable HTML)") from exc
    heading = _page_heading(root)
    _strip_noise(root)
    body = _main_element(root)
    items = _blocks_of(body)
    items = [it for it in items if not (isinstance(it, str) and BOILERPLATE.match(it.strip()))]
    if heading and not any(isinstance(it, str) and heading in it for it in items[:8]):
        items.insert(0, heading)
    if not any(isinstance(it, str) and it.strip() for it in items) and not any(
        isinstance(it, list) for it in items
    ):
        raise EmptyDocument("网页中没有正文 (no document text in the page)")
    return build_document(items, source_name=name, fmt="html", encoding=encoding)


def _decode_html(data: bytes) -> tuple[str, str]:
    head = data[:4096].decode("ascii", errors="ignore")
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", head, re.IGNORECASE)
    if match:
        declared = match.group(1).lower()
        declared = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(declared, declared)
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common; detect instead
    return decode_bytes(data)


def _page_heading(root: etree._Element) -> str:
    for xpath in ("//h1", "//*[contains(@class,'title') or contains(@id,'title')]", "//title"):
        for el in root.xpath(xpath):
            text = " ".join(el.text_content().split())
            if 4 <= len(text) <= 120:
                return text.split("_")[0].split("|")[0].strip()
    return ""


def _strip_noise(root: etree._Element) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            if el.getparent() is not None:
                el.drop_tree()  # comments and processing instructions
            continue
        attrs = " ".join((el.get("id") or "", el.get("class") or ""))
        if (
            el.tag in NEVER_CONTENT
            or (attrs.strip() and NOISE_ATTR.search(attrs) and not CONTENT_ATTR.search(attrs))
        ) and el.getparent() is not None:
            el.drop_tree()


def _text_len(el: etree._Element) -> int:
    return sum(1 for c in el.text_content() if "\u4e00" <= c <= "\u9fff")


def _main_element(root: etree._Element) -> etree._Element:
    """The element with the most Chinese text in its own paragraphs (a small readability)."""
    body = root.find("body")
    if body is None:
        body = root
    best, best_score = body, 0.0
    total = max(1, _text_len(body))
    for el in body.iter("div", "article", "section", "td", "main"):
        own = sum(
            _text_len(p)
            for p in el.iterchildren("p", "table", "h1", "h2", "h3", "h4", "div", "section", "span")
        )
        if own < 20:
            continue
        attrs = " ".join((el.get("id") or "", el.get("class") or ""))
        bonus = 1.3 if CONTENT_ATTR.search(attrs) else 1.0
        score = own * bonus
        if score > best_score:
            best, best_score = el, score
    return best if best_score >= 0.3 * total else body


def _blocks_of(el: etree._Element) -> list[str | list[list[str]]]:
    """Paragraph texts and tables in document order."""
    out: list[str | list[list[str]]] = []
    buffer: list[str] = []

    def flush() -> None:
        text = "".join(buffer)
        for line in text.split("\n"):
            if line.strip():
                out.append(" ".join(line.split()))
        buffer.clear()

    def walk(node: etree._Element) -> None:
        if node.tag == "table":
            flush()
            out.append(_table_rows(node))
            return
        if node.tag == "br":
            buffer.append("\n")
        is_block = node.tag in BLOCK_TAGS
        if is_block:
            buffer.append("\n")
        if node.text:
            buffer.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                buffer.append(child.tail)
        if is_block:
            buffer.append("\n")

    walk(el)
    flush()
    return out


def _table_rows(table: etree._Element) -> list[list[str]]:
    """Rows with row/col spans filled in, so a merged cell repeats in every position it covers."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = " ".join(cell.text_content().split())
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), text)
            c += colspan
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(min(height, len(rows)))]


def _nearest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1
