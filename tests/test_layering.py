"""Imports flow one way: web/cli → features → models/db/kit/readers/extract. Pure libraries import no app code."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "qcity"
PURE = {"kit", "readers", "extract"}
FEATURES = {"accounts", "org", "plans", "tasks", "indicators", "assessment", "audit", "reports", "demo"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return [n for n in names if n.startswith("qcity.")]


def _package(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def test_pure_libraries_import_no_app_code() -> None:
    for path in SRC.rglob("*.py"):
        pkg = _package(path)
        if pkg not in PURE:
            continue
        for name in _imports(path):
            assert name.split(".")[1] in PURE, f"{path.relative_to(SRC)} imports {name}"


def test_features_never_import_pages_or_api_of_others() -> None:
    for path in SRC.rglob("*.py"):
        pkg = _package(path)
        if pkg not in FEATURES:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if len(parts) >= 3 and parts[1] in FEATURES and parts[1] != pkg:
                assert parts[2] not in ("pages", "api"), f"{path.relative_to(SRC)} imports {name}"
            assert parts[1] not in ("web", "cli") or name in ("qcity.web.deps", "qcity.web.templating"), (
                f"{path.relative_to(SRC)} imports {name}"
            )


def test_no_engine_at_import_time() -> None:
    for path in SRC.rglob("*.py"):
        if path.name == "asgi.py":
            continue  # the ASGI entry point builds the app for uvicorn, by design
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = getattr(func, "id", getattr(func, "attr", ""))
                assert name not in ("create_engine", "make_engine", "create_app"), (
                    f"{path} builds {name} at import"
                )
