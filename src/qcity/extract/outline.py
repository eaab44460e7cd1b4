"""The outline of a plan: which paragraphs are numbered (一、 (一) 1. (1) ①), how deep, and under what.

Depth is inferred from the order in which numbering styles first appear, as a reader would: a style not
yet open goes one level deeper, a style already open closes everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qcity.kit.cnnum import cn_to_number
from qcity.kit.textnorm import normalize
from qcity.readers.model import Document

from .model import Section

if TYPE_CHECKING:
    from .tasks import Duty

CN = "一二三四五六七八九十百零〇两"
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第([{CN}\d]{{1,4}})(章|部分|编)\s*")),
    ("section", re.compile(rf"^第([{CN}\d]{{1,4}})节\s*")),
    ("cn", re.compile(rf"^([{CN}]{{1,4}})\s*[、.]\s*")),
    ("(cn)", re.compile(rf"^\(\s*([{CN}]{{1,4}})\s*\)\s*[、.]?\s*")),
    ("num", re.compile(r"^(\d{1,3})\s*(?:[、]|\.(?!\d))\s*")),
    ("(num)", re.compile(r"^\(\s*(\d{1,3})\s*\)\s*[、.]?\s*")),
    ("num)", re.compile(r"^(\d{1,3})\)\s*")),
    ("circled", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# The styles a paragraph may open with, by its first character (in MARKERS order); digits: DIGIT_MARKERS.
MARKERS_BY_FIRST: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple((style, pattern) for style, pattern in MARKERS if style in styles)
    for chars, styles in (
        ("第", ("chapter", "section")),
        (CN, ("cn",)),
        ("(", ("(cn)", "(num)")),
        (CIRCLED, ("circled",)),
    )
    for first in chars
}
DIGIT_MARKERS = tuple((style, pattern) for style, pattern in MARKERS if style in ("num", "num)"))
GOAL_TITLE = re.compile(r"(目标|指标)(任务)?$")
TITLE_MAX = 40


@dataclass(slots=True)
class Para:
    """A paragraph block with its place in the outline."""

    block: int
    text: str  # as written
    norm: str  # normalised, same length
    style: str | None = None
    number: int | None = None
    printed: str = ""
    body_start: int = 0  # offset after the number marker
    level: int = 0
    path: tuple[int, ...] = ()
    title: str = ""
    title_end: int = 0  # offset in text where the title ends
    owner: int | None = None  # index (in the para list) of the numbered para this belongs to
    parents: list[int] = field(default_factory=list)  # numbered ancestors, outermost first
    goal: bool = False  # inside a 目标/指标 part
    duty: Duty | None = None  # the responsibility it names (tasks.para_duty fills this in once)
    duty_known: bool = False


def number_marker(norm: str) -> tuple[str, int, str, int] | None:
    """(style, number, printed, end offset) of a leading outline number, or None."""
    stripped = norm.lstrip()
    if not stripped:
        return None
    candidates = MARKERS_BY_FIRST.get(stripped[0]) or (DIGIT_MARKERS if stripped[0].isdecimal() else ())
    lead = len(norm) - len(stripped)
    for style, pattern in candidates:
        match = pattern.match(stripped)
        if not match:
            continue
        raw = match.group(1)
        if style == "circled":
            value: int | float | None = CIRCLED.index(raw) + 1
        elif raw.isdigit():
            value = int(raw)
        else:
            value = cn_to_number(raw)
        if value is None or not float(value).is_integer() or value <= 0:
            continue
        rest = stripped[match.end() :]
        if style in ("num", "cn") and (not rest or rest[0] in "%‰年月日号个万亿元"):
            continue  # "1.5%" or "二〇二三年" are not outline numbers
        printed = match.group(0).strip()
        return style, int(value), printed, lead + match.end()
    return None


def title_of(text: str, norm: str, start: int) -> tuple[str, int]:
    """The item's short title: up to the first 。 when that comes early, else the first clause."""
    body = norm[start:]
    stop = body.find("。")
    if 0 <= stop <= TITLE_MAX:
        end = start + stop
    elif stop < 0 and len(body) <= TITLE_MAX:
        end = len(norm)
    else:
        cut = [i for i in (body.find(c) for c in ",;:") if i >= 0]
        end = start + (min(cut) if cut else min(len(body), TITLE_MAX))
    title = text[start:end].strip().rstrip("。.;;,,::")
    return title, end


def build_outline(doc: Document) -> list[Para]:
    paras: list[Para] = []
    stack: list[str] = []
    counters: list[int] = []
    numbered: list[int] = []  # indices of numbered paras, parallel to stack
    current_owner: int | None = None
    for block in doc.blocks:
        if block.kind != "paragraph":
            continue
        norm = normalize(block.text)
        para = Para(block=block.index, text=block.text, norm=norm)
        marker = number_marker(norm)
        if marker:
            style, number, printed, end = marker
            if style in stack:
                depth = stack.index(style)
                del stack[depth + 1 :], counters[depth + 1 :], numbered[depth + 1 :]
                counters[depth] = number
                numbered[depth] = len(paras)
            else:
                stack.append(style)
                counters.append(number)
                numbered.append(len(paras))
            para.style, para.number, para.printed, para.body_start = style, number, printed, end
            para.level = len(stack)
            para.path = tuple(counters)
            para.parents = numbered[:-1]
            para.title, para.title_end = title_of(block.text, norm, end)
            current_owner = len(paras)
        else:
            para.owner = current_owner
            para.parents = list(numbered)
            para.level = len(stack)
        paras.append(para)
    _mark_goals(paras)
    return paras


def _mark_goals(paras: list[Para]) -> None:
    """A paragraph is in a 目标 part when its own title, or that of a numbered ancestor, names 目标/指标."""
    goal_title: dict[int, bool] = {}  # per numbered paragraph, its title tested once

    def names_goal(i: int) -> bool:
        known = goal_title.get(i)
        if known is None:
            title = paras[i].title
            known = goal_title[i] = bool(title) and bool(GOAL_TITLE.search(title.rstrip("。.")))
        return known

    for index, para in enumerate(paras):
        para.goal = any(names_goal(i) for i in para.parents) or (para.style is not None and names_goal(index))


def section_tree(paras: list[Para]) -> list[Section]:
    """Numbered paragraphs as a tree of sections."""
    roots: list[Section] = []
    open_sections: list[Section] = []
    for para in paras:
        if para.style is None:
            continue
        section = Section(
            no=para.printed,
            title=para.title,
            level=para.level,
            block=para.block,
            path=".".join(map(str, para.path)),
        )
        del open_sections[para.level - 1 :]
        if open_sections:
            open_sections[-1].children.append(section)
        else:
            roots.append(section)
        open_sections.append(section)
    return roots
