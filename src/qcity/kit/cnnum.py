"""Chinese numerals: 九十五, 一千一百, 两万, 百分之九十五, 三成, 1.2万.

Hand-written rather than cn2an so that malformed input returns None instead of raising, and so that
the grammar is the small one government documents use.
"""

from __future__ import annotations

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = frozenset(DIGITS) | frozenset(SMALL_UNITS) | frozenset(BIG_UNITS) | {"点"}


def _small(text: str) -> int | None:
    """A number below 万: 九千九百九十九, 十五, 一百零五."""
    if not text:
        return None
    total, digit, seen_digit = 0, None, False
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
            seen_digit = True
        elif ch in SMALL_UNITS:
            total += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    return total if (seen_digit or total) else None


def cn_to_number(text: str) -> int | float | None:
    """Value of a Chinese numeral, or None if `text` is not one. Digit strings like 二〇二五 read positionally."""
    text = text.strip()
    if not text or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    if "点" in text:
        whole, _, frac = text.partition("点")
        whole_value = cn_to_number(whole) if whole else 0
        if whole_value is None or not frac or any(ch not in DIGITS for ch in frac):
            return None
        return float(f"{int(whole_value)}.{''.join(str(DIGITS[c]) for c in frac)}")
    if len(text) > 1 and all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[c]) for c in text))
    total, section = 0, ""
    for ch in text:
        if ch in BIG_UNITS:
            value = _small(section) if section else 1
            if value is None:
                return None
            total = (total + value) * BIG_UNITS[ch] if ch == "亿" else total + value * BIG_UNITS[ch]
            section = ""
        else:
            section += ch
    if section:
        value = _small(section)
        if value is None:
            return None
        total += value
    return total


def parse_amount(text: str) -> tuple[float | int, str] | None:
    """A written amount as (value, unit): '百分之九十五' → (95, '%'), '三成' → (30, '%'), '1.2万' → (1.2, '万').

    The magnitude of a mixed amount stays in the unit, as plans write it (6万件 is 6 of 万件).
    """
    text = text.strip()
    if text.startswith("百分之"):
        value = cn_to_number(text[3:])
        return (value, "%") if value is not None else None
    if text.endswith("成") and len(text) > 1:
        value = cn_to_number(text[:-1])
        return (_tidy(value * 10), "%") if value is not None else None
    number = ""
    for ch in text:
        if ch.isdigit() or ch == ".":
            number += ch
        else:
            break
    if number:
        try:
            value = float(number)
        except ValueError:
            return None
        return _tidy(value), text[len(number) :]
    value = cn_to_number(text)
    return (value, "") if value is not None else None


def _tidy(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 6)
