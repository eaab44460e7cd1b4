"""Tasks: numbered work items that carry responsibility, from running text or from a 任务分解表.

Running text names responsibility in a trailing parenthesis ("(责任单位:…)", "(…等单位按职责分工负责)",
"(县市场监管局)"), in a labelled line ("牵头单位:…;配合单位:…"), as "X牵头,Y配合", or as a closing sentence
"A、B负责落实。" (on the item's line or the next). All matching is on the normalised text (half-width
punctuation, simplified characters), so "，" and "," read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qcity.kit.textnorm import normalize
from qcity.readers.model import Block

from .model import Span, Task
from .outline import Para, number_marker, title_of
from .units import ROLE_LABEL, Responsibility, looks_like_unit, parse_responsibility, split_unit_list

DUTY_WORDS = re.compile(r"职责|负责|牵头|配合|责任单位|责任部门|参与单位|协办")
DEADLINE_LABEL = re.compile(r"(完成时限|完成时间|时间节点|完成期限|时限要求|时限)\s*[::]\s*")
LEAD_ROLE = re.compile(r"(.{2,40}?)(牵头(负责)?)[,,;;]")
DEADLINE_END = re.compile(r"[;;。)]")
# An unlabelled deadline closing a responsibility: "(县市场监管局牵头,县经信局配合,2024年底前完成)".
DEADLINE_PHRASE = re.compile(
    r"(20\d{2}|二[〇○零]\S{2})年(\d{1,2}月)?(\d{1,2}日)?(年?底|上半年|下半年|内)?(前|以前|之前)?"
    r"(完成|启动|建成|实现|取得\S*)?|长期(坚持|推进|开展)?|持续(推进|开展|实施)|每年|逐年(推进)?|常态化(推进|开展)?"
)
SENTENCE_DUTY = re.compile(r"(负责|负责落实|负责实施|按职责分工负责|分工负责)$")


@dataclass(slots=True)
class Duty:
    """Responsibility found in a paragraph, with where it sits."""

    resp: Responsibility
    start: int
    end: int


def trailing_parenthesis(norm: str) -> tuple[int, int] | None:
    """Span of the parenthesis that closes the paragraph (nested brackets allowed), or None."""
    end = len(norm.rstrip(" 。.;;"))
    if end == 0 or norm[end - 1] != ")":
        return None
    # from bracket to bracket, right to left; each search resumes where the last one of its kind stopped
    depth = 0
    opening = norm.rfind("(", 0, end)
    closing = norm.rfind(")", 0, end)
    while True:
        if closing > opening:
            depth += 1
            closing = norm.rfind(")", 0, closing)
        elif opening < 0:
            return None
        else:
            depth -= 1
            if depth == 0:
                return opening, end
            opening = norm.rfind("(", 0, opening)


def para_duty(para: Para) -> Duty | None:
    """find_duty for a paragraph, worked out once (targets and tasks both ask)."""
    if not para.duty_known:
        para.duty = find_duty(para.text, para.norm)
        para.duty_known = True
    return para.duty


def find_duty(text: str, norm: str) -> Duty | None:
    span = trailing_parenthesis(norm)
    if span:
        inner = text[span[0] + 1 : span[1] - 1]
        inner_norm = norm[span[0] + 1 : span[1] - 1]
        if DUTY_WORDS.search(inner_norm) or _all_units(inner, inner_norm):
            resp = _responsibility(inner, inner_norm)
            if resp.units:
                return Duty(resp, span[0], span[1])
    label = ROLE_LABEL.search(norm)
    if label:
        # labelled responsibility outside brackets runs to the end of the paragraph
        start = label.start()
        resp = _responsibility(text[start:], norm[start:])
        if resp.units:
            return Duty(resp, start, len(text))
    sentence = _closing_sentence_duty(text, norm)
    if sentence:
        return sentence
    match = LEAD_ROLE.search(norm) if "牵头" in norm else None
    if match and looks_like_unit(re.split("[由。:]", match.group(1))[-1]):
        start = match.start(1) + max(match.group(1).rfind(c) for c in "由。:") + 1
        rest = text[start:].rstrip("。")
        resp = _responsibility(rest, norm[start : start + len(rest)])
        if resp.units and resp.lead:
            return Duty(resp, start, len(text))
    return None


def _closing_sentence_duty(text: str, norm: str) -> Duty | None:
    """'省质监局、科技厅负责落实。' as the paragraph's last sentence (or the whole paragraph)."""
    body = norm.rstrip("。. ")
    if not SENTENCE_DUTY.search(body):
        return None
    start = body.rfind("。") + 1
    inner, inner_norm = text[start : len(body)], body[start:]
    if not _all_units(inner, inner_norm):
        return None
    resp = _responsibility(inner, inner_norm)
    return Duty(resp, start, len(text)) if resp.units else None


def _all_units(inner: str, inner_norm: str) -> bool:
    units = split_unit_list(inner, inner_norm)
    return (
        bool(units)
        and all(looks_like_unit(u) for u in units)
        and len("".join(units)) >= len(inner.strip()) * 0.6
    )


def _responsibility(text: str, norm: str | None = None) -> Responsibility:
    """Units, roles and a labelled deadline; `norm` is normalize(text) when the caller has it."""
    deadline = None
    if norm is None:
        norm = normalize(text)
    match = DEADLINE_LABEL.search(norm)
    if match:
        rest = text[match.end() :]
        deadline = DEADLINE_END.split(rest)[0].strip() or None
        text, norm = text[: match.start()], norm[: match.start()]
    else:
        cut = max(norm.rfind(","), norm.rfind(";"))
        if cut > 0 and DEADLINE_PHRASE.fullmatch(norm[cut + 1 :].strip().rstrip("。")):
            deadline = text[cut + 1 :].strip().rstrip("。")
            text, norm = text[:cut], norm[:cut]
    resp = parse_responsibility(text, norm)
    resp.deadline = deadline
    return resp


def tasks_from_text(paras: list[Para]) -> list[Task]:
    """Numbered items (with the unnumbered paragraphs after them) that name responsible units."""
    tasks: list[Task] = []
    owned: dict[int, list[Para]] = {}
    for para in paras:
        if para.style is None and para.owner is not None:
            owned.setdefault(para.owner, []).append(para)
    for index, para in enumerate(paras):
        if para.style is None or para.goal:
            continue
        body = [para, *owned.get(index, [])]
        duties = [(p, para_duty(p)) for p in body]
        own = duties[0][1]
        if own is None and not any(d for _, d in duties[1:]):
            continue
        if own is not None or sum(1 for _, d in duties[1:] if d) == 1:
            tasks.append(_task(para, body, duties, paras))
        else:
            # a heading whose unnumbered paragraphs each name their own units: one task per paragraph
            k = 0
            for p, duty in duties[1:]:
                if duty:
                    k += 1
                    tasks.append(_sub_task(para, p, duty, k, paras))
    return tasks


def _task(para: Para, body: list[Para], duties: list[tuple[Para, Duty | None]], paras: list[Para]) -> Task:
    resp = Responsibility()
    for _, duty in duties:
        if duty:
            for name in duty.resp.units:
                if name not in resp.units:
                    resp.units.append(name)
            resp.lead += [u for u in duty.resp.lead if u not in resp.lead]
            resp.participants += [u for u in duty.resp.participants if u not in resp.participants]
            resp.deadline = resp.deadline or duty.resp.deadline
    if resp.deadline is None:
        resp.deadline = _deadline_line(body)
    content_parts = []
    for p, duty in duties:
        start = para.title_end if p is para else 0
        end = duty.start if duty else len(p.text)
        content_parts.append(p.text[start:end].strip(" 。,,"))
    content = "\n".join(c for c in content_parts if c).lstrip("。 ")
    span = Span(para.block, 0, len(para.text))
    return Task(
        no=str(para.number) if para.style == "num" else ".".join(map(str, para.path)),
        title=para.title,
        content=content,
        units=resp.units,
        lead=resp.lead,
        participants=resp.participants,
        deadline=resp.deadline,
        section=_section_title(para, paras),
        source=span,
    )


def _deadline_line(body: list[Para]) -> str | None:
    for p in body:
        match = DEADLINE_LABEL.search(p.norm)
        if match:
            value = DEADLINE_END.split(p.text[match.end() :])[0].strip()
            if value:
                return value
    return None


def _sub_task(para: Para, p: Para, duty: Duty, k: int, paras: list[Para]) -> Task:
    title, end = title_of(p.text, p.norm, len(p.norm) - len(p.norm.lstrip(" —-·•")))
    return Task(
        no=".".join(map(str, para.path)) + f".{k}",
        title=title,
        content=p.text[end : duty.start].strip(" 。,,"),
        units=duty.resp.units,
        lead=duty.resp.lead,
        participants=duty.resp.participants,
        deadline=duty.resp.deadline,
        section=para.title,
        source=Span(p.block, 0, len(p.text)),
    )


def _section_title(para: Para, paras: list[Para]) -> str | None:
    return paras[para.parents[-1]].title if para.parents else None


# --- 任务分解表 ---------------------------------------------------------------------------------------------

ROLE_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("no", re.compile(r"^(序号|编号|序)$")),
    ("deadline", re.compile(r"时限|完成时间|时间节点|进度安排|时间安排|完成期限|截止时间|^时间$")),
    ("participants", re.compile(r"参与|配合|协办|协同|协助|支持单位")),
    ("lead", re.compile(r"牵头|主责|责任|负责|承办|主办")),
    ("category", re.compile(r"类别|领域|板块|分类|方面")),
    ("title", re.compile(r"任务(?!内容)|事项|举措|项目|工作$")),
    ("content", re.compile(r"内容|措施|目标|要求|具体|标准")),
)


def header_roles(row: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for col, cell in enumerate(row):
        text = "".join(normalize(cell).split())
        if not text or len(text) > 16:
            continue
        for role, pattern in ROLE_HEADERS:
            if pattern.search(text):
                roles.setdefault(role, col)
                if role == "lead" and "牵头" in text:
                    roles.setdefault("lead_explicit", col)
                break
    return roles


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """(the last header row, column roles). A two-row header ('责任单位' over '牵头单位 | 配合单位', merged
    cells repeated) is read as one, each column named by both its rows."""
    for r, row in enumerate(rows[:6]):
        roles = header_roles(row)
        if ("title" in roles or "content" in roles) and ("lead" in roles or "participants" in roles):
            below = rows[r + 1] if r + 1 < len(rows) else []
            if _sub_header(row, below):
                return r + 1, header_roles([a if a == b else a + b for a, b in zip(row, below, strict=False)])
            return r, roles
    return None


def _sub_header(row: list[str], below: list[str]) -> bool:
    """Whether `below` continues the header: each cell differing from the one above is itself a header name."""
    differing = [b for a, b in zip(row, below, strict=False) if b and b != a]
    return bool(differing) and all(header_roles([cell]) for cell in differing)


def _is_header_copy(row: list[str], rows: list[list[str]], header_row: int) -> bool:
    """The header, or its first row, repeated on a later page."""
    return row == rows[header_row] or (header_row > 0 and row == rows[header_row - 1])


def tasks_from_table(block: Block) -> list[tuple[Task, int, int]]:
    """Tasks from a 任务分解表 block, each with the (row, content column) it came from."""
    rows = block.rows or []
    found = find_header(rows)
    if not found:
        return []
    header_row, roles = found
    starts = block.row_starts()
    out: list[tuple[Task, int, int]] = []
    contents: list[dict[str, None]] = []  # each task's distinct content cells, in order (a set would lose it)
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if _is_header_copy(row, rows, header_row) or len(set(c for c in row if c)) <= 1:
            continue  # repeated header or a merged category row
        task = _row_task(block, r, row, roles, len(out) + 1, starts)
        if task is None:
            continue
        previous = out[-1][0] if out else None
        if previous and previous.title == task.title and previous.no == task.no:
            _merge(previous, task)  # a task continued over several rows (one per measure or unit)
            contents[-1].setdefault(task.content)
            continue
        out.append((task, r, roles.get("content", roles.get("title", 0))))
        contents.append({task.content: None})
    for (task, _, _), parts in zip(out, contents, strict=True):
        # Joined once at the end: joining per row made a task continued over thousands of rows quadratic.
        task.content = "\n".join(p for p in parts if p).strip()
    return out


def content_cells(block: Block) -> list[tuple[int, int]]:
    """(row, column) of every distinct content cell below the header of a task table."""
    rows = block.rows or []
    found = find_header(rows)
    if not found:
        return []
    header_row, roles = found
    col = roles.get("content", roles.get("title"))
    if col is None:
        return []
    out: list[tuple[int, int]] = []
    previous = None
    for r in range(header_row + 1, len(rows)):
        cell = rows[r][col] if col < len(rows[r]) else ""
        if cell and cell != previous and not _is_header_copy(rows[r], rows, header_row):
            out.append((r, col))
        previous = cell
    return out


def _cell(row: list[str], roles: dict[str, int], role: str) -> str:
    col = roles.get(role)
    return row[col].strip() if col is not None and col < len(row) else ""


def _row_task(
    block: Block, r: int, row: list[str], roles: dict[str, int], ordinal: int, starts: list[int]
) -> Task | None:
    title_cell = _cell(row, roles, "title")
    content = _cell(row, roles, "content")
    no = _cell(row, roles, "no")
    if not title_cell and not content:
        return None
    title = title_cell
    if title:
        marker = number_marker(normalize(title))
        if marker:
            no = no or str(marker[1])
            title = title[marker[3] :].strip()
    else:
        norm = normalize(content)
        marker = number_marker(norm)
        start = marker[3] if marker else 0
        no = no or (str(marker[1]) if marker else "")
        title, _ = title_of(content, norm, start)
    title = title.rstrip("。.;;")
    lead_cell = _cell(row, roles, "lead")
    part_cell = _cell(row, roles, "participants") if roles.get("participants") != roles.get("lead") else ""
    lead_resp = _responsibility(lead_cell) if lead_cell else Responsibility()
    part_resp = _responsibility(part_cell) if part_cell else Responsibility()
    lead = list(lead_resp.lead)
    if "lead_explicit" in roles and not lead_resp.lead and not lead_resp.participants:
        lead = list(lead_resp.units)
    participants = list(dict.fromkeys(lead_resp.participants + part_resp.units))
    if lead and not lead_resp.participants:
        participants = list(dict.fromkeys([u for u in lead_resp.units if u not in lead] + part_resp.units))
    units = list(dict.fromkeys(lead_resp.units + part_resp.units))
    if not units:
        return None
    deadline = _cell(row, roles, "deadline") or lead_resp.deadline or None
    col = roles.get("title", roles.get("content", 0))
    start = block.cell_offset(r, col, starts)
    return Task(
        no=no or str(ordinal),
        title=title,
        content=content,
        units=units,
        lead=lead,
        participants=participants,
        deadline=deadline,
        section=_cell(row, roles, "category") or None,
        source=Span(block.index, start, start + len(row[col])),
        from_table=True,
    )


def _merge(into: Task, extra: Task) -> None:
    """Units and deadline of a continuation row (tasks_from_table joins the content)."""
    for attr in ("units", "lead", "participants"):
        values = getattr(into, attr)
        values.extend(u for u in getattr(extra, attr) if u not in values)
    into.deadline = into.deadline or extra.deadline
