from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "plans"))

from variants import build_all  # noqa: E402

from support import soffice_available  # noqa: E402


@pytest.fixture(scope="session")
def plan_variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every plan as .txt, GB18030 .txt, .html, .docx and (with LibreOffice) .pdf, built once per session."""
    return build_all(tmp_path_factory.mktemp("plans"), pdf=soffice_available())
