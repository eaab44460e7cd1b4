"""The plan as extracted: metadata, section tree, targets, tasks and unit names, each with its source span."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OPS = (">=", "<=", ">", "<", "=", "increase", "decrease", "range", "qualitative")


@dataclass(frozen=True)
class Span:
    """Where something came from: characters [start, end) of block `block`'s text."""

    block: int
    start: int
    end: int

    def to_json(self) -> dict[str, int]:
        return {"block": self.block, "start": self.start, "end": self.end}


@dataclass
class Section:
    no: str  # as printed: "一", "(一)", "1", "(1)"
    title: str
    level: int  # 1 = outermost outline level found in this document
    block: int
    path: str = ""  # ordinals from the top: "3.1.2"
    children: list[Section] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "title": self.title,
            "level": self.level,
            "path": self.path,
            "block": self.block,
            "children": [c.to_json() for c in self.children],
        }


@dataclass
class Target:
    text: str  # the clause as written
    indicator: str
    op: str
    value: float | int | list[float | int] | None
    unit: str
    year: int | None
    qualitative: bool
    source: Span

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "indicator": self.indicator,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "year": self.year,
            "qualitative": self.qualitative,
            "source": self.source.to_json(),
        }


@dataclass
class Task:
    no: str
    title: str
    content: str
    units: list[str]
    lead: list[str]
    participants: list[str]
    deadline: str | None
    section: str | None
    source: Span
    from_table: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "title": self.title,
            "content": self.content,
            "units": list(self.units),
            "lead": list(self.lead),
            "participants": list(self.participants),
            "deadline": self.deadline,
            "section": self.section,
            "from_table": self.from_table,
            "source": self.source.to_json(),
        }


@dataclass
class UnitName:
    name: str  # as written
    canonical: str
    is_group: bool

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "canonical": self.canonical, "is_group": self.is_group}


@dataclass
class Plan:
    title: str | None = None
    issuer: str | None = None
    region: str | None = None
    level: str | None = None
    date: str | None = None
    horizon: list[int] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    units: list[UnitName] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source_name: str = ""
    format: str = ""

    def to_json(self) -> dict[str, Any]:
        """The gold schema of shared/plans/README.md, plus extras.

        Qualitative targets (不断提高, 位居前列) have no value to check, so the schema's `targets` holds only the
        quantitative ones; the qualitative ones are listed under `qualitative_targets`.
        """
        return {
            "stem": _stem(self.source_name),
            "source": self.source_name,
            "format": self.format,
            "title": self.title,
            "issuer": self.issuer,
            "region": self.region,
            "level": self.level,
            "date": self.date,
            "horizon": list(self.horizon),
            "targets": [t.to_json() for t in self.targets if not t.qualitative],
            "qualitative_targets": [t.to_json() for t in self.targets if t.qualitative],
            "tasks": [t.to_json() for t in self.tasks],
            "units": [u.to_json() for u in self.units],
            "sections": [s.to_json() for s in self.sections],
            "warnings": list(self.warnings),
        }


def _stem(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base
