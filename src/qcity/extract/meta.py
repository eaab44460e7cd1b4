"""Plan metadata: title, issuer, region, level, date and horizon years."""

from __future__ import annotations

import datetime as dt
import re

from qcity.kit.cnnum import cn_to_number
from qcity.kit.textnorm import normalize

from .outline import Para

TITLE_WORDS = re.compile(r"(方案|意见|规划|纲要|计划|办法|措施|要点|通知|决定|细则|举措)(\(.{0,20}\))?$")
NOTICE = re.compile(r"关于印发|的通知$|^通知$|转发")
YEAR_RANGE_LINE = re.compile(r"^\(\s*(19|20)\d\d\s*[-—~至]\s*(19|20)\d\d\s*年?\s*\)$")
DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Signature dates are often in Chinese numerals: 二〇二三年九月十五日 (〇, ○ and 零 all occur as zero).
CN_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,4})\s*日"
)
CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
ISO_DATE = re.compile(
    r"(成文日期|发文日期|印发日期|发布日期|发布时间|日期)[^0-9]{0,6}((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})"
)
ORG_END = re.compile(
    r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|领导小组|工作小组|指挥部|局|厅|委|党委|管委会)$"
)
REGION_PART = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:省|自治区|特别行政区|市|自治州|州|盟|地区|自治县|县|自治旗|旗|新区|区|镇|乡|街道)"
)
REGION = re.compile(rf"^((?:{REGION_PART.pattern}){{1,3}})")
# Words no place name holds: "青溪县质量强县", "银川市推进质量强市", "中共河南省委河南省" are one place each.
NOT_IN_PLACE = re.compile(r"质量|强|推进|建设|关于|印发|实施|标题|发展|行动|委|加快|全面|深入")
NOT_PLACE = (
    "市场",
    "市政",
    "区域",
    "县域",
    "市民",
    "区块",
    "地区",
    "市级",
    "县级",
    "区级",
    "省级",
    "市直",
    "区直",
    "县直",
)


def find_title(paras: list[Para]) -> str | None:
    """The plan's own title: a short unpunctuated line ending in 方案/意见/规划…, preferring it over the notice."""
    candidates: list[str] = []
    for i, para in enumerate(paras[:80]):
        line = para.norm.strip()
        if (
            not (4 <= len(line) <= 70)
            or para.style is not None
            or "。" in line
            or ":" in line[:-1]
            or ">" in line
        ):
            continue
        text = para.text.strip()
        if i + 1 < len(paras) and YEAR_RANGE_LINE.match(paras[i + 1].norm.strip()):
            text += paras[i + 1].text.strip()
            line += paras[i + 1].norm.strip()
        if TITLE_WORDS.search(line.replace(" ", "")):
            candidates.append(" ".join(text.split()))
    own = [c for c in candidates if not NOTICE.search(normalize(c))]
    if own:
        return own[0]
    if candidates:
        inner = re.search(r"关于印发(.+?)的通知", candidates[0])
        return inner.group(1).strip("《》 ") if inner else candidates[0]
    return None


def find_date_and_issuer(paras: list[Para]) -> tuple[str | None, str | None]:
    """Signature date (the last full date line near the end, or the first one after the title) and its issuer."""
    date_at = None
    for i in range(len(paras) - 1, -1, -1):
        line = paras[i].norm.strip()
        match = DATE.search(line) or CN_DATE.search(line)
        if (
            match
            and len(line) <= 60
            and (line.endswith(("日", "印发", "发布", ")")) or match.end() >= len(line) - 4)
        ):
            date_at = (i, match)
            break
    issuer = None
    date = None
    if date_at:
        i, match = date_at
        date = _date_of(match)
        before = paras[i].text[: match.start()].strip()
        issuer = _issuer_from(before) or (_issuer_from(paras[i - 1].text) if i > 0 else None)
    else:
        for para in paras[:30]:
            iso = ISO_DATE.search(para.norm)
            if iso:
                date = f"{iso.group(2)}-{int(iso.group(3)):02d}-{int(iso.group(4)):02d}"
                break
    return date, issuer


def _date_of(match: re.Match[str]) -> str | None:
    year, month, day = match.groups()
    if not year.isdigit():
        year = "".join(CN_DIGITS[c] for c in year)
        month, day = str(cn_to_number(month)), str(cn_to_number(day))
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None  # 2月30日 is a typo, not a date


def _issuer_from(text: str) -> str | None:
    text = " ".join(text.split())
    if not text:
        return None
    piece = re.split(r"[。;;,,\s]", text)
    for candidate in reversed(piece):
        candidate = candidate.strip()
        if 3 <= len(candidate) <= 30 and ORG_END.search(normalize(candidate)):
            return candidate
    return None


def find_region(issuer: str | None, title: str | None, paras: list[Para]) -> str | None:
    for source in (issuer, title, *(p.text for p in paras[:10])):
        if not source:
            continue
        flat = normalize(source).replace(" ", "")
        match = REGION.match(flat[2:] if flat.startswith("中共") else flat)
        if match:
            region = _place_only(match.group(1))
            if not region.startswith(NOT_PLACE) and len(region) >= 2 and region not in ("关于",):
                start = flat.find(region)
                return source.replace(" ", "")[start : start + len(region)]
    return None


def _place_only(match: str) -> str:
    """The leading parts of a REGION match that are place names ('青溪县质量强县' → '青溪县')."""
    parts: list[str] = []
    for part in REGION_PART.finditer(match):
        if NOT_IN_PLACE.search(part.group()):
            break
        parts.append(part.group())
    return "".join(parts)


def level_of(region: str | None, text: str) -> str | None:
    if not region:
        return None
    region = normalize(region)  # 縣, 區 as written in traditional characters
    last = region[-2:] if region.endswith("街道") else region[-1]
    if last in ("省",) or region.endswith(("自治区", "特别行政区")):
        return "province"
    if last in ("区",):
        return "district"
    if last in ("县", "旗"):
        return "county"
    if last in ("镇", "乡", "街道"):
        return "town"
    if last in ("市", "州", "盟") or region.endswith("地区"):
        # a county-level city addresses 乡镇 and has no 县市区 below it
        addressed_counties = re.search(r"各县|县\(市、区\)|县市区|各区县|区县", text[:3000])
        addressed_towns = re.search(r"各乡镇|乡镇人民政府|各镇", text[:3000])
        if addressed_towns and not addressed_counties:
            return "county"
        return "city"
    return None
