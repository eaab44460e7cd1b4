"""Lights and the roll-up rule, as pure functions."""

from __future__ import annotations

from datetime import date

from qcity.tasks.lights import light, roll_up, weights

TODAY = date(2025, 3, 10)


def test_light_bands() -> None:
    assert light(date(2025, 3, 20), False, TODAY, 3) == "green"
    assert light(date(2025, 3, 13), False, TODAY, 3) == "yellow"  # 3 days left
    assert light(date(2025, 3, 10), False, TODAY, 3) == "yellow"  # due today
    assert light(date(2025, 3, 9), False, TODAY, 3) == "red"
    assert light(date(2025, 3, 9), True, TODAY, 3) == "done"
    assert light(None, False, TODAY, 3) == "green"


def test_weights_default_rule() -> None:
    assert weights(["lead", "participant", "participant"], 60) == [0.6, 0.2, 0.2]
    assert weights(["lead", "lead", "participant"], 60) == [0.3, 0.3, 0.4]
    assert weights(["lead", "lead"], 60) == [0.5, 0.5]
    assert weights(["participant"], 60) == [1.0]


def test_rollup_unknown_is_not_zero() -> None:
    r = roll_up([("A", "lead", None), ("B", "participant", None)], 60)
    assert r.percent is None and r.coverage == 0 and r.missing == ["A", "B"]
    r = roll_up([("A", "lead", 50), ("B", "participant", None)], 60)
    assert r.percent == 50.0 and r.coverage == 0.6 and r.missing == ["B"]
    r = roll_up([("A", "lead", 50), ("B", "participant", 100)], 60)
    assert r.percent == 70.0  # 0.6×50 + 0.4×100
