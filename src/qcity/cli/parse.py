"""`qcity parse`: read plans (Word, PDF, HTML, text, Excel) and print their targets and tasks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

FORMATS = ("json", "xlsx", "docx", "md")
SUFFIX = {"json": ".json", "xlsx": ".xlsx", "docx": ".docx", "md": ".md"}


def parse(
    files: list[Path] = typer.Argument(
        ..., help="Plan files (.txt .html .docx .pdf .xlsx .doc .wps); '-' reads standard input."
    ),
    format: str = typer.Option("json", "--format", "-f", help="json | xlsx | docx | md"),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Where to write. One file: a file path (or a folder). Several files: a folder, one output per input "
        "named <stem><suffix>. Without --out, json and md go to standard output (several json files as one JSON "
        "array); xlsx and docx need --out.",
    ),
) -> None:
    """Extract a quality-strong plan's metadata, targets, tasks and responsible units.

    Exit 0 on success (a document without tasks or targets gets a warning on stderr). Exit 2 with a one-line
    reason when a file cannot be read.
    """
    from qcity.extract import extract_plan
    from qcity.extract.export import export
    from qcity.readers import PlanReadError, read_document

    if format not in FORMATS:
        _fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if format in ("xlsx", "docx") and out is None:
        _fail(f"--format {format} writes a binary file: give --out PATH")
    results: list[tuple[str, object]] = []
    for file in files:
        name = str(file)
        try:
            if name == "-":
                doc = read_document(sys.stdin.buffer.read(), filename="stdin")
            else:
                doc = read_document(file)
        except PlanReadError as exc:
            _fail(f"{name}: {exc}")
        plan = extract_plan(doc)
        for warning in plan.warnings:
            typer.echo(f"警告 warning: {name}: {warning}", err=True)
        results.append((name, plan))
    _write(results, format, out, export)


def _write(results: list[tuple[str, object]], format: str, out: Path | None, export) -> None:
    if out is None:
        if format == "json" and len(results) > 1:
            payload = [plan.to_json() for _, plan in results]  # type: ignore[attr-defined]
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        else:
            for _, plan in results:
                sys.stdout.write(export(plan, format).decode("utf-8"))
                if format == "json":
                    sys.stdout.write("\n")
        return
    if len(results) > 1 or out.is_dir():
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"cannot create folder {out}: {exc.strerror}")
        for name, plan in results:
            stem = "stdin" if name == "-" else Path(name).name.split(".")[0]
            _save(out / f"{stem}{SUFFIX[format]}", export(plan, format))
        return
    _save(out, export(results[0][1], format))


def _save(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror}")


def _fail(message: str) -> None:
    typer.echo(f"错误 error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)
