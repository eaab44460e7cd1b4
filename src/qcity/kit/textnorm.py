"""Text normalisation for matching Chinese government documents.

Every function here keeps the text's length, character for character, so an offset found in the
normalised text is the same offset in the text as written. That is what lets the plan reader match
on simplified, half-width text while it reports spans and copies clauses from the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

# Punctuation that documents mix freely in both widths; all map to one character each.
_EXTRA = {
    "\u3000": " ",  # ideographic space
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u200b": " ",  # zero-width space: keep the length, drop the meaning
    "\ufeff": " ",
    "\u2014": "—",
    "\u2015": "—",
    "\u2500": "—",
    "\uff5e": "~",
    "\u301c": "~",
    "\u2013": "-",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u00b7": "·",
    "\u30fb": "·",
    "\u2027": "·",
    "\u3014": "〔",
    "\u3015": "〕",
    "\u3010": "[",
    "\u3011": "]",
}


# Full-width ASCII (U+FF01..U+FF5E) is ASCII shifted by 0xFEE0.
_HALF_TABLE: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_HALF_TABLE.update({ord(ch): out for ch, out in _EXTRA.items() if out != ch})


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII; odd spaces to a plain space. Length-preserving."""
    return text.translate(_HALF_TABLE)


# Blocks where traditional characters live: CJK extension A, the unified block, compatibility ideographs.
_BMP_HAN = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@lru_cache(maxsize=1)
def _t2s_converter() -> Any:
    try:
        import opencc
    except ImportError:  # opencc is a hard dependency, but matching still works on simplified text without it
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    converter = _t2s_converter()
    if converter is None:
        return ch
    out = str(converter.convert(ch))
    # Phrase-level conversions can change length; per character they must not, or spans would drift.
    return out if len(out) == 1 else ch


@lru_cache(maxsize=1)
def _bmp_t2s_table() -> dict[int, str]:
    """Traditional → simplified for every BMP Han character, built once with a single OpenCC call.

    Characters are converted one per line, so no phrase rule can join two of them; a character whose
    conversion is not exactly one character is left as written (spans must not drift).
    """
    converter = _t2s_converter()
    if converter is None:
        return {}
    chars = [chr(c) for low, high in _BMP_HAN for c in range(low, high)]
    converted = str(converter.convert("\n".join(chars))).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - a converter that eats lines: go one by one
        converted = [_t2s_char(ch) for ch in chars]
    return {ord(a): b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


@lru_cache(maxsize=1)
def _normalize_table() -> tuple[dict[int, str], re.Pattern[str], Callable[[re.Match[str]], str]]:
    """The combined half-width + simplified table, a pattern for runs of characters that change, and the
    function that rewrites one run.

    Most characters of a plan are already simplified and half-width: translating only the runs that
    change is several times faster than translating every character. The pattern opens with a single
    class, which lets the regex engine skip fast over the text between runs; a character outside the BMP
    may only open a run (it is converted on its own, see `_astral_simplified`).
    """
    table: dict[int, str] = dict(_HALF_TABLE)
    for code, out in _bmp_t2s_table().items():
        # a few rare characters simplify to one outside the BMP, which is then converted too (as to_simplified)
        table[code] = _astral_simplified(out) if out > "\uffff" else out
    bmp = "".join(re.escape(chr(code)) for code in sorted(table))
    changing = re.compile(f"[{bmp}\U00010000-\U0010ffff][{bmp}]*")
    single = {chr(code): out for code, out in table.items()}  # most runs are one full-width comma or bracket
    return table, changing, partial(_normalize_run, table, single)


def _normalize_run(table: dict[int, str], single: dict[str, str], match: re.Match[str]) -> str:
    run = match.group()
    out = single.get(run)
    if out is None:
        if run[0] > "\uffff":
            return _astral_simplified(run[0]) + run[1:].translate(table)
        out = run.translate(table)
    return out


_ASTRAL_T2S: dict[int, str] = {}  # the ones that change (OpenCC knows under a thousand)
_ASTRAL_SAME: set[int] = set()  # the ones seen that do not, up to a bound (past it, ask again)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral_simplified(text: str) -> str:
    """Characters outside the BMP (CJK extension B and beyond), converted one by one as they turn up."""
    for ch in set(text):
        code = ord(ch)
        if code > 0xFFFF and code not in _ASTRAL_T2S and code not in _ASTRAL_SAME:
            out = _t2s_char(ch)
            if out != ch:
                _ASTRAL_T2S[code] = out
            elif len(_ASTRAL_SAME) < 100_000:
                _ASTRAL_SAME.add(code)
    return text.translate(_ASTRAL_T2S)


def to_simplified(text: str) -> str:
    """Traditional to simplified character by character (for matching only). Length-preserving."""
    if text.isascii():
        return text
    text = text.translate(_bmp_t2s_table())
    return _astral_simplified(text) if _ASTRAL.search(text) else text


def normalize(text: str) -> str:
    """The form the extractor matches on: half-width, simplified. Same length as `text`."""
    if text.isascii():
        return text
    _, changing, rewrite = _normalize_table()
    return changing.sub(rewrite, text)


def squeeze_spaces(text: str) -> str:
    """Remove spaces between Chinese characters and around punctuation (for output fields, not spans)."""
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in " \t\u3000":
            prev = text[i - 1] if i > 0 else ""
            nxt = text[i + 1] if i + 1 < n else ""
            if not (prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum()):
                continue
        out.append(ch)
    return "".join(out)
