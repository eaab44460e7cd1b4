"""Text normalisation: one table built once from OpenCC, the same answer as asking OpenCC character by character."""

from __future__ import annotations

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from qcity.kit.textnorm import normalize, to_halfwidth, to_simplified

T2S = opencc.OpenCC("t2s")


def _per_char(ch: str) -> str:
    out = T2S.convert(ch)
    return out if len(out) == 1 else ch  # a conversion that changes the length is not applied


def test_every_bmp_character_as_opencc_converts_it_alone() -> None:
    chars = "".join(chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c < 0xE000)
    expected = "".join(_per_char(ch) for ch in to_halfwidth(chars))
    got = normalize(chars)
    wrong = [(a, b, c) for a, b, c in zip(chars, got, expected, strict=True) if b != c]
    assert not wrong, wrong[:20]


def test_characters_outside_the_bmp_as_opencc_converts_them_alone() -> None:
    chars = "".join(chr(c) for c in range(0x20000, 0x32400))  # CJK extensions B to H
    expected = "".join(_per_char(ch) for ch in chars)
    assert normalize(chars) == expected
    assert normalize("中" + chars[:500] + ",") == "中" + expected[:500] + ","


def test_examples() -> None:
    assert normalize("到2025年，產品質量合格率達到９８％以上（責任單位：市場監管局）") == (
        "到2025年,产品质量合格率达到98%以上(责任单位:市场监管局)"
    )
    assert normalize("\u3000一、\u200b目標") == " 一、 目标"
    assert normalize("plain ascii") == "plain ascii"
    assert to_halfwidth("ＡＢ（１）") == "AB(1)"
    assert to_simplified("發展") == "发展"


UNICODE = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x2FFF),
        st.characters(min_codepoint=0x3000, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xF900, max_codepoint=0xFFEF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
        st.sampled_from("，。；：（）【】“”發展質量單位責任國際𠀀𡘙"),
    ),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(UNICODE, st.integers(0, 300), st.integers(0, 300))
def test_normalize_is_character_by_character(text: str, a: int, b: int) -> None:
    """Same length, the half-width then simplified form, and a slice normalised is the normalised slice:
    the extractor relies on this to pass normalised slices around instead of normalising again."""
    out = normalize(text)
    assert len(out) == len(text)
    assert out == to_simplified(to_halfwidth(text))
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    assert normalize(text[a:b]) == out[a:b]


def test_runs_of_every_length() -> None:
    text = "質" * 5000 + "，" * 3 + "a" + "𠀀質，" * 100
    assert normalize(text) == "".join(_per_char(ch) for ch in to_halfwidth(text))
