"""A computed ScoreSheet as JSON and back, exactly: Decimals travel as strings, so a stored 评分表 renders and
exports to the same cents it was computed with. Pure: no database, no web."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from qcity.assessment.engine import AdjustmentLine, RankedRow, ScoreLine, ScoreSheet, VetoLine

_SHEET_DECIMALS = ("base_score", "bonus_total", "penalty_total", "final_score")
_LINE_DECIMALS = ("max_points", "points", "self_score", "verified_score")
_ADJ_DECIMALS = ("claimed", "cap", "points")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def sheet_to_dict(sheet: ScoreSheet) -> dict[str, Any]:
    result: dict[str, Any] = _plain(asdict(sheet))
    return result


def _dec(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    out = dict(data)
    for name in names:
        if out.get(name) is not None:
            out[name] = Decimal(out[name])
    return out


def sheet_from_dict(data: dict[str, Any]) -> ScoreSheet:
    fields = _dec(data, _SHEET_DECIMALS)
    fields["lines"] = tuple(
        ScoreLine(
            **(_dec(line, _LINE_DECIMALS) | {"path": tuple(line["path"]), "sources": tuple(line["sources"])})
        )
        for line in data["lines"]
    )
    for key in ("bonus_lines", "penalty_lines"):
        fields[key] = tuple(
            AdjustmentLine(**(_dec(line, _ADJ_DECIMALS) | {"sources": tuple(line["sources"])}))
            for line in data[key]
        )
    fields["vetoes"] = tuple(VetoLine(**v) for v in data["vetoes"])
    return ScoreSheet(**fields)


def ranked_row(rank: int, rectify: bool, sheet: ScoreSheet) -> RankedRow:
    return RankedRow(
        rank, sheet.unit_name, sheet.unit_code, sheet.final_score, sheet.grade, sheet.vetoed, rectify, sheet
    )
