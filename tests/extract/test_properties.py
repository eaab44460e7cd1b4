"""Arbitrary and adversarial input: only PlanReadError escapes, and nothing hangs (no catastrophic regex)."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcity.extract import extract_plan, parse_text
from qcity.readers import PlanReadError, read_document

GENRE = list(
    "一二三四五六七八九十、()()1234567890.%。,,;;:: \n—“”《》年月日达到以上以内不低于超过左右分别负责牵头配合单位局委市县区"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=4096), st.sampled_from(["a.txt", "a.html", "a.docx", "a.pdf", "a.xlsx", "a", "a.doc"])
)
def test_any_bytes_either_read_or_raise_plan_read_error(data: bytes, name: str) -> None:
    if name.endswith(".doc"):
        name = "a.txt"  # .doc would start LibreOffice for every example
    try:
        doc = read_document(data, filename=name)
    except PlanReadError as exc:
        assert "\n" not in str(exc)
        return
    extract_plan(doc)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(GENRE), max_size=2000))
def test_genre_shaped_noise_extracts_without_error(text: str) -> None:
    plan = parse_text(text)
    for target in plan.targets:
        assert target.source.start <= target.source.end


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=3000))
def test_any_unicode_text(text: str) -> None:
    parse_text(text)


def test_five_megabytes_of_adversarial_text_finish_quickly() -> None:
    pieces = [
        "(" * 50_000,
        "1" * 200_000,
        "、" * 200_000,
        "达到" * 100_000,
        "(责任单位:" + "市市场监管局、" * 50_000,
        "一、" * 100_000,
        "到2025年," * 50_000,
        "9.9.9.9%" * 50_000,
    ]
    text = "\n".join(pieces)
    text = (text * (5_000_000 // len(text) + 1))[:5_000_000]
    start = time.perf_counter()
    parse_text(text)
    assert time.perf_counter() - start < 120


def test_a_long_single_line_of_pathological_parentheses() -> None:
    start = time.perf_counter()
    parse_text("1.任务。" + "(" * 100_000 + ")" * 100_000)
    assert time.perf_counter() - start < 20


def test_a_long_run_of_closing_brackets() -> None:
    start = time.perf_counter()
    parse_text("1.任务(" + ")" * 200_000)
    assert time.perf_counter() - start < 20


def test_a_task_table_of_thousands_of_rows_is_read_in_linear_time() -> None:
    rows = ["序号\t工作任务\t主要内容\t牵头单位\t配合单位"] + [
        f"{i}\t任务{i}\t到2025年产量达到{i}个\t市局{i % 7}局\t县委办" for i in range(1, 12_001)
    ]
    start = time.perf_counter()
    plan = parse_text("方案\n" + "\n".join(rows))
    assert time.perf_counter() - start < 10  # adding up the rows above each cell again took half a minute
    assert len(plan.tasks) == 12_000 and len(plan.targets) == 12_000
    last = plan.targets[-1]
    assert last.value == 12_000 and last.text == "到2025年产量达到12000个"


def test_a_long_run_of_filler_words_before_an_amount() -> None:
    start = time.perf_counter()
    plan = parse_text("一、主要目标\n到2025年," + "力争" * 600_000 + "产量达到5个")
    assert time.perf_counter() - start < 20  # copying the rest once per filler word took 25 s
    assert [(t.indicator, t.value) for t in plan.targets] == [("产量", 5)]
