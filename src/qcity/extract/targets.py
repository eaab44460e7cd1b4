"""Targets: clauses that commit to a number (合格率达到98%以上, 新增老字号3个, 分别达到1600家、2000家).

Work on the normalised text (half-width, simplified, same length as written), clause by clause:
find the amounts, the comparator words around each, decide whether the clause commits to it, and
take the indicator from the words before (or, for "建成2个X", around) the amount. All patterns are
linear: fixed alternations and single character classes, no nested repetition.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from qcity.kit.cnnum import cn_to_number

# --- vocabulary -------------------------------------------------------------------------------------------

MEASURES = (
    "个百分点", "百分点", "万元/人", "元/人", "万平方米", "平方米", "平方公里", "公里", "千米", "万千瓦", "千瓦",
    "人次", "个月", "小时", "分钟", "工作日", "余家", "余个", "余项", "余件",
    "%", "‰", "个", "家", "项", "件", "分", "天", "元", "张", "人", "条", "所", "座", "台", "套", "名", "次", "户",
    "亩", "吨", "倍", "批", "株", "辆", "艘", "处", "场", "类", "种", "份", "篇", "支", "位", "本", "部", "款", "棵",
    "只", "头", "间", "床", "栋", "幢", "米", "级", "星", "年",
)  # fmt: skip
MEASURE_AT = re.compile("|".join(map(re.escape, MEASURES)))  # tried in the order of MEASURES
MAGNITUDES = ("万", "亿", "千", "百")
# Comparators written before the amount, longest first. Value: the op they give.
PRE_CUES: dict[str, str] = {
    "提高到": ">=", "提高至": ">=", "提升到": ">=", "提升至": ">=", "增加到": ">=", "增加至": ">=",
    "增长到": ">=", "增长至": ">=", "上升到": ">=", "上升至": ">=", "增至": ">=", "扩大到": ">=", "扩大至": ">=",
    "保持在": ">=", "稳定在": ">=", "维持在": ">=", "达到": ">=", "达": ">=", "保持": ">=", "稳定": ">=",
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "至少": ">=", "突破": ">", "累计达": ">=", "总数达": ">=",
    "超过": ">", "高于": ">", "大于": ">", "多于": ">",
    "低于": "<", "少于": "<", "小于": "<",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "不大于": "<=", "控制在": "<=", "降低到": "<=", "降低至": "<=",
    "下降到": "<=", "下降至": "<=", "降至": "<=", "减少到": "<=", "减少至": "<=", "缩短到": "<=", "缩短至": "<=",
    "压缩到": "<=", "压缩至": "<=", "压减到": "<=", "压减至": "<=",
    "年均增长": "increase", "年均提高": "increase", "平均增长": "increase", "增长": "increase", "提高": "increase",
    "提升": "increase", "增加": "increase", "上升": "increase", "增幅": "increase",
    "下降": "decrease", "降低": "decrease", "减少": "decrease", "缩短": "decrease", "压缩": "decrease", "压减": "decrease",
    "为": ">=", "是": ">=", "覆盖": ">=",
}  # fmt: skip
PRE_CUE_LONGEST = max(map(len, PRE_CUES))
WEAK_CUES = {"为", "是", "覆盖", "达"}  # comparators too common to prove a commitment on their own
POST_CUES = (
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("左右", "="),
    ("上下", "="),
)
POST_CUE_AT = re.compile("|".join(word for word, _ in POST_CUES))
POST_CUE_OP = dict(POST_CUES)
COMMIT_VERBS = (
    "升级建设", "建成", "建设", "培育", "新增", "创建", "打造", "争创", "引进", "完成", "实现", "获得", "新建", "认定",
    "创成", "建立", "制定", "制修订", "修订", "主导", "培养", "扶持", "认证", "形成", "推出", "创新", "开发", "研制",
    "取得", "拥有", "选树", "遴选", "评选", "发布", "提供", "搭建", "新培育", "新认定", "落户", "服务", "帮扶",
)  # fmt: skip
COMMIT_VERB_SET = frozenset(COMMIT_VERBS)
FILLERS = (
    "力争",
    "确保",
    "争取",
    "努力",
    "全面",
    "基本",
    "进一步",
    "其中",
    "同时",
    "并且",
    "并",
    "使",
    "要",
    "将",
    "计划",
    "预计",
)
FILLER_ENDS = ("分别", "均", "都", "总数", "将", "要")  # stripped from the end, once each, in this order
FILLER_STRIP = " ,,、:"
AWARD_WORDS = ("奖励", "补助", "补贴", "资助", "奖补", "给予", "扶持资金", "一次性", "罚款", "处以")
AWARD = re.compile("|".join(map(re.escape, AWARD_WORDS)))
ACHIEVE = re.compile("实现|达到|完成|通过")  # after an amount with nothing before it, these commit to it
PAST_WORDS = (
    "已达",
    "已经",
    "已建",
    "已实现",
    "已完成",
    "已有",
    "已获",
    "已累计",
    "现有",
    "目前",
    "截至",
    "截止",
    "同比",
    "较上年",
    "比上年",
)
PAST = re.compile("|".join(PAST_WORDS))
RATE_ENDINGS = ("率", "比例", "比重", "占比", "指数", "满意度", "度", "合格率", "覆盖面", "得分", "分数")
RATE_ENDINGS_LONGEST_FIRST = tuple(sorted(RATE_ENDINGS, key=len, reverse=True))
QUAL_CUES = re.compile(
    r"(不断|持续|稳步|显著|明显|进一步|大幅)(提高|提升|增强|改善|优化)|(位居|居于?|走在|保持)[^,,;;。]{0,8}前列|"
    r"达到[^,,;;。]{0,8}(先进|领先)水平|全覆盖"
)

NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:\s*([-~至到—])\s*(\d+(?:\.\d+)?))?")
CN_PERCENT = re.compile(r"百分之([零一二三四五六七八九十百点两]{1,8})")
CN_TENTHS = re.compile(r"([一二三四五六七八九两])成(?![本果为立效功熟员就型品绩色])")
CN_AFTER_CUE = re.compile(
    r"(达到|超过|不少于|不低于|新增|培育|建成|创建)([一二三四五六七八九十百千万两]{1,6})(个|家|项|件|所|座|条|名)"
)
# Cheap test for "this text may hold an amount": digits or the start of a Chinese-numeral amount.
MAYBE_AMOUNT = re.compile(
    r"[0-9]|百分之|[一二三四五六七八九两]成|[一二三四五六七八九十百千万两][个家项件所座条名]"
)
CLAUSE_STOPS = frozenset("。;;!?!?,,\n\t")
AFTER_BARE_UP = CLAUSE_STOPS | {"、", "("}  # what may follow the "上" of a "95%上" typo
# A number right after or before one of these is a code, a version, an ordinal or a quoted name.
NOT_BEFORE_NUMBER = frozenset(string.ascii_letters + string.digits + "./+-:#" + "第〔[“\"'《")
NOT_AFTER_NUMBER = frozenset(string.ascii_letters + "·+×:/〕]”\"'》")
ITEM_MARK = re.compile(r"[(“《)”》、]")
CLAUSE_RUN = re.compile(r"[^。;;!?!?,,\n\t]+")
BRACKETS = re.compile(r"[(“《)”》]")
CLAUSE_MARK = re.compile(r"[(“《)”》。;;!?!?,,\n\t]")
YEAR_PREFIX = re.compile(
    r"^\s*(到|至|截至|截止|力争到|力争|到了)?\s*((?:19|20)\d\d)\s*年?\s*(底|末|年底|年末)?\s*(前|以前)?\s*[,,]?"
)
YEAR_ANY = re.compile(r"(到|至)\s*((?:19|20)\d\d)\s*年")
YEAR_LEAD = re.compile(r"\s*(到|至|截至|截止|力争)?\s*(19|20)\d\d")
YEAR_PREFIX_AT = re.compile(YEAR_PREFIX.pattern.removeprefix("^"))  # for match(text, pos, endpos)


INDICATOR_MAX = 80  # longer "indicators" are run-on text, not names
INDICATOR_LOOKAHEAD = 64
LEADING_SEPARATORS = re.compile(r"[ ,\uff0c、]+")  # as written: either comma


@dataclass(slots=True)
class Found:
    start: int  # offsets in the text passed in
    end: int
    indicator: str
    op: str
    value: float | int | list[float | int] | None
    unit: str
    year: int | None
    qualitative: bool = False


@dataclass(slots=True)
class Amount:
    start: int  # where the number starts (clause-relative)
    end: int  # after unit and post cue
    num_end: int  # after the unit, before the post cue
    value: float | int | list[float | int]
    unit: str
    op: str | None  # from a post cue (以上, 左右 ...)
    range: bool = False


# --- amounts ----------------------------------------------------------------------------------------------


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _measure_at(norm: str, pos: int) -> tuple[str, int]:
    """Unit written at `pos` (magnitude + measure, "万元/人", "%"), and where it ends."""
    i = pos
    n = len(norm)
    while i < n and norm[i] == " ":
        i += 1
    magnitude = ""
    if i < n and norm[i] in MAGNITUDES:
        magnitude = norm[i]
        i += 1
        if i < n and norm[i] in MAGNITUDES and norm[i] != magnitude:  # 千万, 百万
            magnitude += norm[i]
            i += 1
    if i < n and norm[i] in "余多":
        i += 1
    measure = MEASURE_AT.match(norm, i)
    if measure:
        return magnitude + measure.group().lstrip("余"), measure.end()
    if magnitude:
        return magnitude, i
    return "", pos


def find_amounts(norm: str) -> list[Amount]:
    """Amounts in one clause, excluding years, dates, codes, ordinals and names with digits."""
    out: list[Amount] = []
    n = len(norm)
    for match in NUMBER.finditer(norm):
        start, end = match.span()
        if (start > 0 and norm[start - 1] in NOT_BEFORE_NUMBER) or (
            end < n and norm[end] in NOT_AFTER_NUMBER
        ):
            continue  # part of a code, a version, a name or a quotation
        low, _, high = match.groups()
        unit, unit_end = _measure_at(norm, end)
        if _looks_like_date(norm, start, end, low, high, unit):
            continue
        if unit in ("级", "星", "年") or (unit_end < n and norm[unit_end] == "级"):
            continue  # 40万吨级, 三星级, 3年行动: kinds and durations, not amounts
        op = None
        stop = unit_end
        post = POST_CUE_AT.match(norm, unit_end)
        if post:
            op, stop = POST_CUE_OP[post.group()], post.end()
        elif norm.startswith("上", unit_end) and (
            # "95%上" is a common typo for 95%以上
            unit_end + 1 >= n or norm[unit_end + 1] in AFTER_BARE_UP
        ):
            op, stop = ">=", unit_end + 1
        value: float | int | list[float | int]
        is_range = bool(high) and match.group(2) in "-~至到—"
        value = [_number(low), _number(high)] if is_range and high else _number(low)
        out.append(Amount(start, stop, unit_end, value, unit, op, is_range))
    digits_only = len(out)
    for pattern, kind, sign in ((CN_PERCENT, "percent", "百分之"), (CN_TENTHS, "tenths", "成")):
        if sign not in norm:
            continue
        for match in pattern.finditer(norm):
            number = cn_to_number(match.group(1))
            if number is None:
                continue
            value = number if kind == "percent" else number * 10
            stop, op = match.end(), None
            post = POST_CUE_AT.match(norm, stop)
            if post:
                op, stop = POST_CUE_OP[post.group()], post.end()
            out.append(Amount(match.start(), stop, match.end(), _tidy(value), "%", op))
    for match in CN_AFTER_CUE.finditer(norm):
        number = cn_to_number(match.group(2))
        if number is not None:
            out.append(Amount(match.start(2), match.end(), match.end(), number, match.group(3), None))
    if len(out) > digits_only:
        out.sort(key=_amount_start)  # the digit amounts came in order already
    return out


def _amount_start(amount: Amount) -> int:
    return amount.start


def _tidy(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _looks_like_date(norm: str, start: int, end: int, low: str, high: str | None, unit: str) -> bool:
    plain_year = "." not in low and len(low) == 4 and 1900 <= int(low) <= 2100
    if plain_year and (unit == "年" or norm.startswith("年", end)):
        return True
    nxt = norm[end : end + 1]
    if nxt in ("月", "日", "号", "时", "期", "届", "版", "批次", "类") or norm.startswith(("年", "月"), end):
        return nxt != "" and (unit == "" or unit in ("年",))
    return high is not None and plain_year  # 2023-2027


# --- clauses ----------------------------------------------------------------------------------------------


def clauses(norm: str) -> list[tuple[int, int]]:
    """Clause spans: split at 。;,! and line breaks, never inside parentheses or quotes."""
    if not BRACKETS.search(norm):
        # the common case: one regex finds every stop
        return [match.span() for match in CLAUSE_RUN.finditer(norm)]
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for match in CLAUSE_MARK.finditer(norm):
        i, ch = match.start(), match.group()
        if ch in "(“《":
            depth += 1
        elif ch in ")”》":
            depth = max(0, depth - 1)
        elif ch in CLAUSE_STOPS and depth == 0:
            if i > start:
                spans.append((start, i))
            start = i + 1
        elif ch in "。\n" and depth > 0:
            depth = 0  # an unclosed bracket must not swallow the rest of the text
            if i > start:
                spans.append((start, i))
            start = i + 1
    if start < len(norm):
        spans.append((start, len(norm)))
    return spans


def split_items(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a clause at 、 outside brackets."""
    items: list[tuple[int, int]] = []
    if norm.find("、", start, end) < 0:
        return [(start, end)]
    depth = 0
    s = start
    for match in ITEM_MARK.finditer(norm, start, end):
        ch = match.group()
        if ch in "(“《":
            depth += 1
        elif ch in ")”》":
            depth = max(0, depth - 1)
        elif depth == 0:  # 、
            i = match.start()
            items.append((s, i))
            s = i + 1
    items.append((s, end))
    return items


def _pre_cue(norm: str, lo: int, pos: int) -> tuple[str, int]:
    """Comparator ending at `pos` (allowing 分别/均/都 and spaces between), and where it starts."""
    i = pos
    while i > lo and norm[i - 1] == " ":
        i -= 1
    for size in range(min(PRE_CUE_LONGEST, i - lo), 0, -1):
        word = norm[i - size : i]
        if word in PRE_CUES:
            return word, i - size
    return "", pos


def _strip_fillers(text: str) -> str:
    """The indicator words of `pre`: leading years, 力争/确保/其中… and separators off, trailing 分别/均… off.

    Works on a start and an end index rather than on copies, so a long run of fillers costs linear time.
    """
    i, j = 0, len(text)
    changed = True
    while changed:
        changed = False
        while i < j and text[i] in FILLER_STRIP:  # text[i:j].strip(FILLER_STRIP)
            i += 1
        while j > i and text[j - 1] in FILLER_STRIP:
            j -= 1
        m = YEAR_PREFIX_AT.match(text, i, j)
        if m and m.end() > i and YEAR_LEAD.match(text, i, j):
            i = m.end()
            changed = True
        if text.startswith(FILLERS, i, j):
            for word in FILLERS:
                if text.startswith(word, i, j):
                    i += len(word)
                    changed = True
    text = text[i:j]
    if text.endswith(FILLER_ENDS):
        for word in FILLER_ENDS:
            if text.endswith(word) and len(text) > len(word):
                text = text[: -len(word)]
    return text.strip(FILLER_STRIP)


def _ends_with_rate(text: str) -> bool:
    return text.endswith(RATE_ENDINGS)


def _starts_with_commit(text: str) -> str:
    if not text.startswith(COMMIT_VERBS):
        return ""
    for verb in COMMIT_VERBS:
        if text.startswith(verb):
            return verb
    return ""  # pragma: no cover - startswith said one of them does


class ClauseReader:
    """Finds targets in one text (a paragraph or a table cell)."""

    __slots__ = ("carried", "found", "goal", "norm", "past_before", "text", "year")

    def __init__(
        self, text: str, norm: str, *, goal: bool, year: int | None, past_before: int | None
    ) -> None:
        self.text, self.norm = text, norm
        self.goal, self.year, self.past_before = goal, year, past_before
        self.found: list[Found] = []
        # The subject of a past figure earlier in the sentence, for a goal clause that names none:
        # "2022年全市食品抽检合格率为97.2%,到2025年提高到98.5%以上".
        self.carried: str | None = None

    def run(self) -> list[Found]:
        norm = self.norm
        if not self.goal and not MAYBE_AMOUNT.search(norm):
            return self.found  # most paragraphs hold no number at all
        past = False
        spans = clauses(norm)
        for start, end in spans:
            if start == 0 or norm[start - 1] in "。\n":
                self.carried = None
            if not MAYBE_AMOUNT.search(norm, start, end):
                # no amount here, and no year either (a year is digits): only a sentence end matters
                if start == 0 or norm[start - 1] in "。\n":
                    past = False
                continue
            head = norm[start:end]
            year_match = YEAR_PREFIX.match(head)
            if year_match:
                year = int(year_match.group(2))
                scoped = bool(year_match.group(1)) or self.goal or year >= (self.past_before or 0)
                word = year_match.group(1)
                past = word in ("截至", "截止") or (
                    not word and self.past_before is not None and year < self.past_before
                )
                if scoped and not past:
                    self.year = year
            elif start == 0 or norm[start - 1] in "。\n":
                past = False  # a past-year scope lasts to the end of its sentence
            if past or PAST.search(head):
                self.carried = self._subject(start, end) or self.carried
                continue
            self._clause(start, end)
        if self.goal:
            self._qualitative(spans)
        return self.found

    def _clause(self, start: int, end: int) -> None:
        norm = self.norm
        amounts = find_amounts(norm[start:end])
        for a in amounts:
            a.start += start
            a.end += start
            a.num_end += start
        if not amounts:
            return
        items = split_items(norm, start, end)
        groups: list[tuple[int, int, list[Amount]]] = []
        pending_start: int | None = None
        next_amount = 0
        for s, e in items:
            first = next_amount
            while next_amount < len(amounts) and amounts[next_amount].start < e:
                next_amount += 1
            inside = [a for a in amounts[first:next_amount] if s <= a.start]
            if not inside:
                pending_start = s if pending_start is None else pending_start
                continue
            groups.append((pending_start if pending_start is not None else s, e, inside))
            pending_start = None
        accepted_verb: str | None = None
        k = 0
        while k < len(groups):
            s, e, inside = groups[k]
            # "A、B分别达到X、Y": later groups that are a bare amount belong to the first one
            follow: list[tuple[int, int, list[Amount]]] = []
            while k + 1 + len(follow) < len(groups) and self._bare(groups[k + 1 + len(follow)]):
                follow.append(groups[k + 1 + len(follow)])
            if follow and len(inside) == 1:
                self._distributed(s, follow[-1][1], [inside[0]] + [g[2][0] for g in follow])
                k += 1 + len(follow)
                continue
            for amount in inside:
                verb = self._single(s, e, amount, accepted_verb)
                if verb is not None:
                    accepted_verb = verb
                s = amount.end
            k += 1

    def _subject(self, start: int, end: int) -> str | None:
        """What a past figure measures: the words before its first amount, without the year and '为'."""
        amounts = find_amounts(self.norm[start:end])
        if not amounts:
            return None
        at = start + amounts[0].start
        _, cue_start = _pre_cue(self.norm, start, at)
        year = YEAR_PREFIX_AT.match(self.norm, start, cue_start)
        core = _strip_fillers(self.norm[year.end() if year else start : cue_start]).removesuffix("为")
        core = core.removesuffix("是").strip(" ,")
        return core if 2 <= len(core) <= INDICATOR_MAX and not find_amounts(core) else None

    def _bare(self, group: tuple[int, int, list[Amount]]) -> bool:
        s, e, inside = group
        if len(inside) != 1:
            return False
        a = inside[0]
        return not self.norm[s : a.start].strip(" 和及") and not self.norm[a.end : e].strip()

    def _context(self, s: int, amount: Amount) -> tuple[str, str, int, str]:
        """(cue, op, cue start, text before) for an amount whose item starts at s."""
        cue, cue_start = _pre_cue(self.norm, s, amount.start)
        op = PRE_CUES.get(cue, "")
        return cue, op, cue_start, self.norm[s:cue_start]

    def _op(self, cue_op: str, amount: Amount) -> str:
        if amount.range:
            return "range"
        if cue_op in ("increase", "decrease"):
            return cue_op
        if amount.op == "=":
            return "="
        if amount.op == "<=":
            return "<="
        if amount.op == ">=" and cue_op in ("", ">="):
            return ">="
        return cue_op or amount.op or ">="

    def _admit(self, cue: str, amount: Amount, pre: str, post: str, core: str) -> bool:
        """Whether the clause commits to the amount; `core` is `_strip_fillers(pre)`."""
        raw_pre = pre
        if raw_pre.rstrip().endswith("等") or AWARD.search(raw_pre):
            return False
        if not amount.unit and not cue and not amount.op:
            return False  # a bare number: a code, a hotline, a name
        if self.goal:
            return True
        if (cue and cue not in WEAK_CUES) or amount.op:
            return True
        if amount.unit in ("%", "‰") and _ends_with_rate(core):
            return True
        if _starts_with_commit(core) or core.endswith(COMMIT_VERBS):
            return True
        if not core and ACHIEVE.search(post):
            return True
        return cue in ("达", "覆盖") and bool(core)

    def _single(self, s: int, e: int, amount: Amount, accepted_verb: str | None) -> str | None:
        cue, cue_op, _cue_start, pre = self._context(s, amount)
        post = self.norm[amount.end : e]
        continuing = accepted_verb is not None
        core = _strip_fillers(pre)
        if not continuing and not self._admit(cue, amount, pre, post, core):
            return None
        post_core = post.strip(" ,,")
        if post_core.startswith(("的", "以")):
            post_core = ""
        joined = core and post_core and (not cue or core in COMMIT_VERB_SET)
        indicator = core + post_core if joined else core or post_core
        if cue_op in ("increase", "decrease") and core and not post_core:
            indicator = core + cue  # 年均增长, 下降: the change is what is measured
        if continuing and accepted_verb and not core:
            indicator = accepted_verb + post_core
        if not indicator and self.carried:
            indicator = self.carried
        verb = _starts_with_commit(core) or accepted_verb or ""
        op = self._op(cue_op, amount)
        names = self._split_rates(indicator, pre)
        cursor = s
        for name in names:
            cursor = self._add(s, amount.end if not post_core else e, name, op, amount, cursor)
        return verb

    def _split_rates(self, indicator: str, pre: str) -> list[str]:
        """'A合格率、B合格率达到98%' or 'A和B合格率均达到' → one target per rate."""
        parts = [p for p in split_on(indicator, "、") if p]
        if len(parts) > 1 and all(_ends_with_rate(p) for p in parts):
            return share_affixes(parts)
        if "均" in pre[-4:] or "都" in pre[-3:]:
            for sep in ("、", "和", "及"):
                parts = [p for p in split_on(indicator, sep) if p]
                if len(parts) > 1:
                    return share_affixes(parts)
        return [indicator]

    def _distributed(self, s: int, e: int, amounts: list[Amount]) -> None:
        first = amounts[0]
        cue, cue_op, _cue_start, pre = self._context(s, first)
        core = _strip_fillers(pre)
        if not self._admit(cue or "分别", first, pre, "", core):
            return
        names: list[str] = []
        for sep in ("、", "和", "及", "与"):
            parts = [p for p in split_on(core, sep) if p]
            if len(parts) == len(amounts):
                names = share_affixes(parts)
                break
        if not names:
            names = [core] * len(amounts)
        cursor = s
        for name, amount in zip(names, amounts, strict=True):
            cursor = self._add(s, e, name, self._op(cue_op, amount), amount, cursor)

    def _add(self, s: int, e: int, indicator: str, op: str, amount: Amount, cursor: int) -> int:
        """Record a target for clause text [s, e); the indicator is looked for from `cursor` on.

        Parallel names ("A合格率、B合格率") come in the order written, so each search starts where the
        previous name ended and looks only a short way ahead: linear however long the list.
        """
        if not indicator or len(indicator) > INDICATOR_MAX:
            return cursor
        indicator, cursor = _as_written(self.text, self.norm, indicator, cursor)
        start = LEADING_SEPARATORS.match(self.text, s)
        self.found.append(
            Found(start.end() if start else s, e, indicator, op, amount.value, amount.unit, self.year)
        )
        return cursor

    def _qualitative(self, spans: list[tuple[int, int]]) -> None:
        for start, end in spans:
            head = self.norm[start:end]
            match = QUAL_CUES.search(head)
            if not match or find_amounts(head):
                continue
            indicator = _strip_fillers(head[: match.start()])
            if 2 <= len(indicator) <= 40:
                written, _ = _as_written(self.text, self.norm, indicator, start)
                self.found.append(Found(start, end, written, "qualitative", None, "", self.year, True))


def split_on(text: str, sep: str) -> list[str]:
    """Split at `sep` outside brackets; parts stripped."""
    if sep not in text:
        return [text.strip()]
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "(“《":
            depth += 1
        elif ch in ")”》":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def share_affixes(parts: list[str]) -> list[str]:
    """Parallel names share words: 'X合格率、优良率' → X合格率, X优良率; 'A、B产值比重' → A…比重, B产值比重."""
    first, last = parts[0], parts[-1]
    out = list(parts)
    ending = next((r for r in RATE_ENDINGS_LONGEST_FIRST if last.endswith(r)), "")
    for i, part in enumerate(parts[:-1]):
        if ending and not _ends_with_rate(part):
            out[i] = part + ending
    for i, part in enumerate(parts[1:], start=1):
        if len(part) <= 4 and len(first) > len(part) + 2 and _ends_with_rate(part):
            out[i] = first[: len(first) - len(part)] + part
    return out


def _as_written(text: str, norm: str, indicator_norm: str, lo: int) -> tuple[str, int]:
    """The indicator in the document's own characters when it is a contiguous piece of the text near `lo`
    (within the words that may precede it: a year, 力争, a separator), and where that piece ends."""
    pos = norm.find(indicator_norm, lo, lo + len(indicator_norm) + INDICATOR_LOOKAHEAD)
    if pos < 0:
        return indicator_norm, lo
    end = pos + len(indicator_norm)
    return text[pos:end], end


def find_targets(
    text: str, norm: str, *, goal: bool, year: int | None, past_before: int | None = None
) -> list[Found]:
    return ClauseReader(text, norm, goal=goal, year=year, past_before=past_before).run()


def years_in(norm: str) -> list[int]:
    """Years a text looks forward to (到2025年)."""
    return [int(m.group(2)) for m in YEAR_ANY.finditer(norm)]
