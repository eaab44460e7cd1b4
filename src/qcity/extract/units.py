"""Responsible units: split a responsibility phrase into units, tell leads from participants, canonicalise names.

The canonical name ties one department's spellings together (市市场监督管理局 / 市市场监管局) while keeping
the level prefix, because 市市场监管局 and 县市场监管局 are different offices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qcity.kit.textnorm import normalize

# Long form → the short form used as canonical. Applied to the name without its level prefix, longest
# first, so "市经济和信息化委员会" and "市经信委" both become "市经济信息委". Data, not code: extend freely.
ALIASES: tuple[tuple[str, str], ...] = (
    ("市场监督管理局", "市场监管局"),
    ("市场监督管理委员会", "市场监管委"),
    ("市场监管委员会", "市场监管委"),
    ("质量技术监督局", "质监局"),
    ("食品药品监督管理局", "食药监局"),
    ("经济和信息化委员会", "经济信息委"),
    ("经济和信息化委", "经济信息委"),
    ("经济信息化委员会", "经济信息委"),
    ("经济信息委员会", "经济信息委"),
    ("经信委", "经济信息委"),
    ("经济和信息化局", "经信局"),
    ("经济信息化局", "经信局"),
    ("工业和信息化委员会", "工信委"),
    ("工业和信息化局", "工信局"),
    ("科技和经济信息化局", "科技经信局"),
    ("发展和改革委员会", "发改委"),
    ("发展改革委员会", "发改委"),
    ("发展和改革委", "发改委"),
    ("发展改革委", "发改委"),
    ("发展和改革局", "发改局"),
    ("发展改革局", "发改局"),
    ("人力资源和社会保障局", "人社局"),
    ("人力资源社会保障局", "人社局"),
    ("人力社保局", "人社局"),
    ("住房和城乡建设委员会", "住建委"),
    ("住房城乡建设委员会", "住建委"),
    ("住房城乡建委", "住建委"),
    ("住房和城乡建设局", "住建局"),
    ("住房城乡建设局", "住建局"),
    ("住房和城乡建设厅", "住建厅"),
    ("科学技术局", "科技局"),
    ("科学技术委员会", "科委"),
    ("农业农村委员会", "农业农村委"),
    ("环境保护局", "环保局"),
    ("交通运输委员会", "交通委"),
    ("交通运输局", "交通局"),
    ("卫生健康委员会", "卫健委"),
    ("卫生健康委", "卫健委"),
    ("卫生和计划生育委员会", "卫计委"),
    ("卫生计生委", "卫计委"),
    ("卫生健康局", "卫健局"),
    ("文化和旅游委员会", "文旅委"),
    ("文化旅游委员会", "文旅委"),
    ("文化旅游委", "文旅委"),
    ("文化和旅游局", "文旅局"),
    ("文化旅游局", "文旅局"),
    ("文化广电旅游体育局", "文广旅体局"),
    ("文化广电和旅游局", "文广旅局"),
    ("医疗保障局", "医保局"),
    ("应急管理局", "应急局"),
    ("城市管理局", "城管局"),
    ("城市管理和综合执法局", "城管执法局"),
    ("城市管理综合执法局", "城管执法局"),
    ("规划和自然资源局", "规划自然资源局"),
    ("自然资源和规划局", "规划自然资源局"),
    ("国有资产监督管理委员会", "国资委"),
    ("商务委员会", "商务委"),
    ("教育委员会", "教委"),
    ("教育和体育局", "教体局"),
    ("人民政府办公室", "政府办"),
    ("人民政府办公厅", "政府办公厅"),
    ("政府办公室", "政府办"),
    ("机关事务管理局", "机关事务局"),
    ("地方金融监督管理局", "金融监管局"),
    ("政务服务和大数据管理局", "政务服务数据局"),
    ("政务服务数据管理局", "政务服务数据局"),
    ("生态环境分局", "生态环境局"),
    ("公安分局", "公安局"),
    ("统计局", "统计局"),
)
_ALIASES_SORTED = sorted(ALIASES, key=lambda pair: -len(pair[0]))
_ANY_ALIAS = re.compile("|".join(re.escape(long) for long, _ in ALIASES))  # a quick "is there one at all"

GROUP_PATTERN = re.compile(
    r"(成员单位|有关单位|相关单位|有关部门|相关部门|各部门|各单位|等单位|直属单位|各(县|区|市|乡|镇|街)|"
    r"^各|县市区|乡镇(人民政府)?$|街镇$|镇\(街\)$|镇街$)"
)
# Characters a unit name ends with (局, 委, 办, 中心, 公司, 支行, 海关, 院校 ...).
UNIT_END = set("局委办厅部院会心司位行府道镇乡街校学所站队处室团关馆社台署庭组科股联军园门协")
ROLE_LABEL = re.compile(r"(牵头|主责|责任|负责|参与|配合|协办|协助|协同|主办|承办)\s*(单位|部门|科室)\s*[::]")
TRAILING_DUTY = re.compile(
    r"(等(相关|有关)?(单位|部门)?)?(按照?|根据|依据|依)?(各自)?(职责|职能)(分工)?(负责|落实|推进|抓好落实)?$|"
    r"(等(单位|部门)?)?分工负责$|(等(单位|部门)?)?负责(落实|实施)?$|(等(相关|有关)?(单位|部门)?)+$"
)
DUTY_LAST = frozenset("责实进能工施等位门")
DUTY_SPAN = 24  # longer than the longest TRAILING_DUTY match (等相关单位按照各自职责分工抓好落实)
TRAILING_NOTE = re.compile(r"\([^()]*\)$")  # "市科技局(市知识产权局)"
TRAILING_PUNCT = "。.;,、 "
SPLIT_MARK = re.compile(r"[()、,;/\s]")  # brackets, and the separators between unit names
SEGMENT_STOP = re.compile(r"[,,;;]")  # between "A牵头" and "B配合"
ROLE_AT_END = re.compile(r"(牵头(负责)?|配合(实施)?|参与|协助|协同|协办)$")


@dataclass(slots=True)
class Responsibility:
    units: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    deadline: str | None = None


def canonical_unit(name: str) -> str:
    """Canonical form of a unit name: normalised, duty boilerplate removed, long forms shortened."""
    text = normalize(name)
    text = "".join(text.split())
    text = _strip_duty(text)
    if _ANY_ALIAS.search(text):
        for long, short in _ALIASES_SORTED:
            if long in text:
                text = text.replace(long, short)
                break
    return text


def is_unit_group(name: str) -> bool:
    """True for collective names (县质量发展委员会各成员单位, 各街镇, 市直相关单位): a group, not one office."""
    return bool(GROUP_PATTERN.search("".join(normalize(name).split())))


def looks_like_unit(piece: str) -> bool:
    """Heuristic: an office name ends with an office word (局, 委, 中心, 公司, 支行 ...)."""
    return _unit_like(normalize(piece))


def _unit_like(norm: str) -> bool:
    text = norm.strip()
    if text.endswith(")"):
        text = TRAILING_NOTE.sub("", text)
    return len(text) >= 2 and text[-1] in UNIT_END


def _strip_duty(text: str) -> str:
    """Drop trailing duty boilerplate (等单位按职责分工负责, 负责落实, 等 ...) and punctuation, repeatedly.

    Works on an end index and only ever looks at the last DUTY_SPAN characters, so a long run of
    boilerplate ("等等等…") costs linear time.
    """
    end = len(text)
    while end > 0:
        if text[end - 1] in TRAILING_PUNCT:
            end -= 1
            continue
        if text[end - 1] not in DUTY_LAST:  # every TRAILING_DUTY alternative ends in one of these
            break
        match = TRAILING_DUTY.search(text, max(0, end - DUTY_SPAN), end)
        if not match or match.start() == end:
            break
        end = match.start()
    return text[:end]


def split_unit_list(text: str, norm: str | None = None) -> list[str]:
    """'市发改委、市经信局等单位按职责分工负责' → ['市发改委', '市经信局'], names as written.

    Pieces that are not office names on their own are joined to the next piece, so
    '质量、计量、标准化联席会议成员单位' stays one name. `norm` is normalize(text) when the caller has it.
    """
    if norm is None:
        norm = normalize(text)
    cut = len(_strip_duty(norm))
    raw = text[:cut]
    bounds: list[tuple[int, int]] = []
    depth = 0
    start = 0
    norm = norm[:cut]
    for match in SPLIT_MARK.finditer(norm):
        i, ch = match.start(), match.group()
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            bounds.append((start, i))
            start = i + 1
    bounds.append((start, cut))
    out: list[str] = []
    pending: list[str] = []  # pieces that are not names on their own, joined to the next one
    pending_norm: list[str] = []  # the same, normalised ("、" is its own normal form)
    for s, e in bounds:
        written = raw[s:e]
        piece = written.strip()
        if not piece:
            continue
        piece_norm = norm[s:e]
        lead = s + len(written) - len(written.lstrip())
        pending.append(piece)
        pending_norm.append(norm[lead : lead + len(piece)])
        if _unit_like(piece_norm) or GROUP_PATTERN.search("".join(piece_norm.split())):
            out.append(_strip_duty_as_written("、".join(pending), "、".join(pending_norm)))
            pending, pending_norm = [], []
    if pending:
        rest = "、".join(pending)
        if not (out and len(rest) <= 2):  # else a stray fragment such as "等": drop it
            out.append(_strip_duty_as_written(rest, "、".join(pending_norm)))
    return [u for u in out if u]


def _strip_duty_as_written(piece: str, norm: str | None = None) -> str:
    if norm is None:
        norm = normalize(piece)
    return piece[: len(_strip_duty(norm))].strip()


def _stripped(text: str, norm: str, start: int, end: int, chars: str) -> tuple[str, str]:
    """text[start:end].strip(chars), and the same slice of norm (strip decides on the text as written)."""
    written = text[start:end]
    piece = written.strip(chars)
    lead = start + len(written) - len(written.lstrip(chars))
    return piece, norm[lead : lead + len(piece)]


def parse_responsibility(text: str, norm: str | None = None) -> Responsibility:
    """Units with their roles from '牵头单位:A;配合单位:B、C', 'A牵头,B配合', '责任单位:A、B' or a bare list.

    `norm` is normalize(text) when the caller has it.
    """
    if norm is None:
        norm = normalize(text)
    result = Responsibility()
    labels = list(ROLE_LABEL.finditer(norm))
    if labels:
        for k, match in enumerate(labels):
            end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
            role = match.group(1)
            if role in ("完成", "时限"):
                continue
            _add(result, split_unit_list(*_stripped(text, norm, match.end(), end, " ;;。,,::")), role)
        prefix, prefix_norm = _stripped(text, norm, 0, labels[0].start(), " ;;。,,")
        if prefix:
            _add(result, split_unit_list(prefix, prefix_norm), "")
    else:
        start = 0
        for stop in [m.start() for m in SEGMENT_STOP.finditer(norm)] + [len(norm)]:
            seg_norm = norm[start:stop].strip()
            role = ""
            end = stop
            role_match = ROLE_AT_END.search(seg_norm)
            if role_match:
                role = role_match.group(1)[:2]
                end = start + role_match.start()  # (measured on the stripped text, as it always was)
            _add(result, split_unit_list(text[start:end], norm[start:end]), role)
            start = stop + 1
    if result.lead:
        # Named after a lead without a role of their own, the others take part.
        result.participants = [u for u in result.units if u not in result.lead]
    return result


def _add(result: Responsibility, names: list[str], role: str) -> None:
    for name in names:
        if name not in result.units:
            result.units.append(name)
        if role == "牵头" and name not in result.lead:
            result.lead.append(name)
        elif role in ("参与", "配合", "协办", "协助", "协同") and name not in result.participants:
            result.participants.append(name)
