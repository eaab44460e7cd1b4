"""The reader is written for the genre, not for the five development plans: its code names none of their places."""

from pathlib import Path

import qcity

DEVELOPMENT_PLACES = ("宜昌", "湛江", "同江", "大渡口", "霍山", "佳木斯", "六安")
READER_CODE = ("readers", "extract", "kit", "cli/parse.py")


def test_reader_code_names_no_place_of_the_development_plans() -> None:
    root = Path(qcity.__file__).parent
    hits = [
        f"{path.relative_to(root)}: {place}"
        for part in READER_CODE
        for path in ([root / part] if part.endswith(".py") else (root / part).rglob("*.py"))
        for place in DEVELOPMENT_PLACES
        if place in path.read_text(encoding="utf-8")
    ]
    assert not hits, hits
