"""The `qcity` command: serve, demo, db, user, plan, audit, parse."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import select

from qcity.cli.common import engine, fail, unit_of_work
from qcity.cli.parse import parse

app = typer.Typer(help="qcity 质量强市建设管理平台", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
plan_app = typer.Typer(help="Plans.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
region_app = typer.Typer(help="Regions and units.", no_args_is_help=True)
indicators_app = typer.Typer(help="Indicators.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(plan_app, name="plan")
app.add_typer(audit_app, name="audit")
app.add_typer(region_app, name="region")
app.add_typer(indicators_app, name="indicators")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (default QCITY_HOST or 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default QCITY_PORT or 8000)."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Upgrade the database, then serve the web interface and the API."""
    import uvicorn

    from qcity.config import get_settings
    from qcity.db.migrate import upgrade

    settings = get_settings()
    upgrade(engine())
    uvicorn.run("qcity.web.asgi:app", host=host or settings.host, port=port or settings.port, workers=workers,
                log_level="info")  # fmt: skip


@app.command()
def demo(
    data_only: bool = typer.Option(False, "--data-only", help="Build the demo database without serving it."),
    seed: int = typer.Option(20240611, help="Random seed: the same seed builds the same demo."),
    reset: bool = typer.Option(False, "--reset", help="Rebuild even if today's demo database exists."),
    host: str | None = typer.Option(None, help="Bind address (default QCITY_HOST or 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default QCITY_PORT or 8000)."),
) -> None:
    """Build the demo (five real plans, accounts, a year of activity) in QCITY_DATA_DIR/demo and serve it."""
    from qcity.config import get_settings
    from qcity.demo.runner import run

    served = run(get_settings(), data_only=data_only, seed=seed, reset=reset, host=host, port=port)
    if served is not None:
        import uvicorn

        from qcity.web.app import create_app

        settings, _url = served
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    """Apply migrations up to REVISION (default: every head)."""
    from qcity.db.migrate import upgrade

    upgrade(engine(), revision)
    typer.echo("database is up to date")


@db_app.command("check")
def db_check() -> None:
    """Fail if the models and the migrations disagree."""
    from alembic.util.exc import CommandError

    from qcity.db.migrate import check

    try:
        check(engine())
    except CommandError as exc:
        raise fail(str(exc), 1) from None
    typer.echo("models and migrations agree")


@region_app.command("add")
def region_add(
    code: str = typer.Option(..., help="6-digit administrative code, e.g. 440800."),
    name: str = typer.Option(..., help="Region name, e.g. 湛江市."),
    level: str = typer.Option("city", help="province, city, county, district or town."),
    parent: str | None = typer.Option(None, help="Parent region code."),
) -> None:
    """Add a region."""
    from qcity.models import Region
    from qcity.org import service

    with unit_of_work() as s:
        parent_id = None
        if parent:
            parent_id = s.scalar(select(Region.id).where(Region.code == parent))
            if parent_id is None:
                raise fail(f"no region with code {parent}")
        region = service.create_region(s, None, code=code, name=name, level=level, parent_id=parent_id)
        typer.echo(f"region {region.code} {region.name} (id {region.id})")


@user_app.command("add")
def user_add(
    username: str,
    role: str = typer.Option(..., help="office_admin, liaison, leader, inspector or public."),
    region: str | None = typer.Option(None, help="Region code the user works in."),
    unit: list[str] = typer.Option([], help="Unit name (for a liaison); repeat for several."),
    display_name: str | None = typer.Option(None, help="Name shown in the interface."),
    password: str | None = typer.Option(
        None, help="Password; prompted for when omitted.", envvar="QCITY_NEW_PASSWORD"
    ),
) -> None:
    """Add a user."""
    from qcity.accounts import service
    from qcity.models import Region
    from qcity.org.service import find_unit

    if password is None:
        if not sys.stdin.isatty():
            raise fail("no password: pass --password or set QCITY_NEW_PASSWORD")
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with unit_of_work() as s:
        region_row = s.scalar(select(Region).where(Region.code == region)) if region else None
        if region and region_row is None:
            raise fail(f"no region with code {region}")
        unit_ids = []
        for name in unit:
            found = find_unit(s, region_row.id, name) if region_row else None
            if found is None:
                raise fail(f"no unit named {name!r} in region {region}")
            unit_ids.append(found.id)
        user = service.create_user(s, None, username=username, password=password, role=role,
                                   display_name=display_name, region_id=region_row.id if region_row else None,
                                   unit_ids=unit_ids)  # fmt: skip
        typer.echo(f"user {user.username} ({role}) created")


@plan_app.command("import")
def plan_import(
    file: Path = typer.Argument(..., help="A plan (.docx .pdf .html .txt .xlsx) or the reader's JSON."),
    region: str = typer.Option(..., "--region", help="Region code the plan belongs to."),
    create_units: bool = typer.Option(False, help="Create a unit for every name that resolves to none."),
    frequency: str = typer.Option("quarterly", help="monthly, quarterly, half_yearly or yearly reporting."),
    publish: bool = typer.Option(False, help="Publish the plan to the public pages."),
) -> None:
    """Import a plan into a region: tasks, targets and assignments. Unresolved unit names stop the import."""
    from qcity.accounts.actor import Actor
    from qcity.accounts.permissions import DEFAULT_GRANTS, OFFICE_ADMIN
    from qcity.models import Region
    from qcity.plans import service

    data = _load_plan(file)
    with unit_of_work() as s:
        region_row = s.scalar(select(Region).where(Region.code == region))
        if region_row is None:
            raise fail(f"no region with code {region}")
        system = Actor(user=None, role=OFFICE_ADMIN, permissions=frozenset(DEFAULT_GRANTS[OFFICE_ADMIN]),
                       region_id=region_row.id, region_path=region_row.path)  # fmt: skip
        preview = service.preview_import(s, system, region_row.id, data)
        mapping = {n.name: service.NEW for n in preview.unresolved} if create_units else {}
        if preview.unresolved and not create_units:
            names = ", ".join(n.name for n in preview.unresolved)
            raise fail(f"unit names that match no unit: {names} (add them, or pass --create-units)")
        opts = service.ImportOptions(reporting_frequency=frequency, publish=publish)
        plan = service.confirm_import(s, system, region_row.id, data, mapping, opts, source_name=file.name)
        typer.echo(f"plan {plan.id}: {plan.title} — {len(plan.tasks)} tasks, {len(plan.targets)} targets")


def _load_plan(file: Path) -> dict[str, Any]:
    if not file.exists():
        raise fail(f"{file}: no such file")
    if file.suffix.lower() == ".json":
        try:
            return json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise fail(f"{file}: not valid JSON ({exc})") from None
    from qcity.kit.errors import DomainError
    from qcity.plans.reading import parse_upload

    try:
        return parse_upload(file.read_bytes(), file.name).to_json()
    except DomainError as err:
        raise fail(f"{file}: {err.plain}") from None


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain; exit 1 if any event was edited, removed or inserted."""
    from qcity.audit.service import verify

    with unit_of_work() as s:
        result = verify(s)
    if not result.ok:
        typer.echo(f"audit chain BROKEN after {result.count} good events at event {result.first_bad_id}: "
                   f"{result.reason}", err=True)  # fmt: skip
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {result.count} events")


@audit_app.command("export")
def audit_export(
    out: Path | None = typer.Option(None, "--out", help="File to write (default: stdout)."),
) -> None:
    """Write the audit log as JSON Lines, oldest first, with each event's hashes."""
    from qcity.models import AuditEvent

    eng = engine()
    with eng.connect() as conn:
        rows = conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id))
        stream = out.open("w", encoding="utf-8") if out else sys.stdout
        try:
            for row in rows:
                stream.write(json.dumps(dict(row._mapping), ensure_ascii=False, default=str) + "\n")
        finally:
            if out:
                stream.close()


@indicators_app.command("sync")
def indicators_sync(
    plan: int | None = typer.Option(None, "--plan", help="Plan id (default: every plan)."),
    region: str | None = typer.Option(None, "--region", help="Only plans of this region code (and below)."),
) -> None:
    """Create or match an indicator for every plan target, and link the target to it."""
    from qcity.accounts.actor import Actor
    from qcity.accounts.permissions import DEFAULT_GRANTS, OFFICE_ADMIN
    from qcity.indicators import service
    from qcity.models import Region

    with unit_of_work() as s:
        region_row = s.scalar(select(Region).where(Region.code == region)) if region else None
        if region and region_row is None:
            raise fail(f"no region with code {region}")
        system = Actor(user=None, role=OFFICE_ADMIN, permissions=frozenset(DEFAULT_GRANTS[OFFICE_ADMIN]),
                       region_id=region_row.id if region_row else None,
                       region_path=region_row.path if region_row else None)  # fmt: skip
        result = service.sync_plan(s, system, plan) if plan else service.sync_all(s, system)
        typer.echo(f"{result.plans} plan(s): {result.targets_created} targets linked, "
                   f"{result.indicators_created} indicators created, {result.targets_updated} updated")  # fmt: skip


app.command("parse")(parse)
