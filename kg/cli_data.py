"""`kg` commands for submissions and queries: validate, submit, history, diff, rollback, sparql."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.cli import content, handled, main, open_store, query_runner, settings
from kg.errors import KGError


def _audit(action: str, user: str, result: str, graph: str, version, detail: str) -> None:
    from kg.audit import Event, record

    record(settings().path("audit_log"), Event(action, user, result, graph, version, detail))


def _context():
    from kg.submissions import Context

    return Context(content())


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partner", help="Check the capabilities are this partner's own.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              help="text for people, json for programs, turtle for the SHACL report.")
@handled
def validate(file: Path, partner: str | None, fmt: str) -> None:
    """Validate FILE (Turtle, JSON-LD, CSV or XLSX); change nothing; exit 1 on violations."""
    from kg.submissions import check, read

    context = _context()
    report = check(read(file, context), context, partner)
    output = {"text": report.to_text, "json": report.to_json,
              "turtle": lambda: report.shacl_turtle}[fmt]()
    click.echo(output)
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partner", required=True, help="The partner whose data FILE replaces.")
@click.option("--user", default="cli", show_default=True, help="Who submits (recorded).")
@handled
def submit(file: Path, partner: str, user: str) -> None:
    """Validate FILE and, if it has no violations, make it PARTNER's new version."""
    from kg.submissions import read
    from kg.submissions import submit as run
    from kg.submissions.history import diff_text

    context = _context()
    outcome = run(open_store(), read(file, context), context, partner.upper(), user)
    graph = f"https://w3id.org/csig/graph/partner/{partner.upper()}"
    if outcome.acceptance is None:
        _audit("submit", user, "rejected", graph, None, str(file))
        click.echo(outcome.report.to_text())
        click.echo("rejected: nothing was changed")
        sys.exit(1)
    _audit("submit", user, "accepted", graph, outcome.acceptance.version, str(file))
    if outcome.report.findings:
        click.echo(outcome.report.to_text())
    click.echo(f"accepted {partner.upper()} version {outcome.acceptance.version}")
    click.echo(diff_text(list(outcome.changes)))


@main.command()
@click.argument("partner")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handled
def history(partner: str, as_json: bool) -> None:
    """List every accepted version of PARTNER's data."""
    from dataclasses import asdict

    from kg.submissions.history import history as versions

    found = versions(open_store(), partner.upper())
    if as_json:
        click.echo(json.dumps([asdict(v) for v in found], indent=2))
        return
    if not found:
        click.echo(f"no versions for {partner.upper()}")
    for v in found:
        note = f"  ({v.note})" if v.note else ""
        click.echo(f"v{v.version}  {v.time}  by {v.user}  {v.capabilities} capabilities  "
                   f"{v.triples} statements  {v.warnings} warnings  sha256 {v.sha256[:12]}  "
                   f"{v.source}{note}")


@main.command()
@click.argument("partner")
@click.argument("versions", nargs=-1, type=int)
@handled
def diff(partner: str, versions: tuple[int, ...]) -> None:
    """Show per-capability changes between two versions (default: the last two)."""
    from kg.submissions.history import diff as compare
    from kg.submissions.history import diff_text, history, version_triples

    store = open_store()
    partner = partner.upper()
    known = [v.version for v in history(store, partner)]
    if len(versions) not in (0, 2):
        raise KGError("give no versions (the last two) or two: kg diff P V1 V2")
    old, new = versions or ((known[-2] if len(known) > 1 else 0), known[-1] if known else 0)
    before = version_triples(store, partner, old) if old else []
    after = version_triples(store, partner, new) if new else []
    click.echo(f"{partner}: version {old} -> {new}")
    click.echo(diff_text(compare(before, after)))


@main.command()
@click.argument("partner")
@click.argument("version", type=int)
@click.option("--user", default="cli", show_default=True)
@handled
def rollback(partner: str, version: int, user: str) -> None:
    """Make VERSION of PARTNER's data current again, as a new version."""
    from kg.submissions import rollback as run
    from kg.submissions.history import diff_text

    outcome = run(open_store(), _context(), partner.upper(), version, user)
    _audit("rollback", user, "accepted", f"https://w3id.org/csig/graph/partner/{partner.upper()}",
           outcome.acceptance.version, f"to version {version}")
    click.echo(f"rolled back {partner.upper()} to version {version} "
               f"as version {outcome.acceptance.version}")
    click.echo(diff_text(list(outcome.changes)))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@handled
def template(file: Path) -> None:
    """Write a blank submission template: FILE.csv (documented header) or FILE.xlsx."""
    from kg.submissions.template import write_template

    click.echo(f"wrote {write_template(file)}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--as", "viewer", default=None, help="Run as this user (default: everything).")
@handled
def sparql(file: Path, fmt: str, viewer: str | None) -> None:
    """Run the SPARQL query in FILE and print its results."""
    from kg.results import render
    from kg.users import dataset_for

    store = open_store()
    result = query_runner()(store, file.read_text(encoding="utf-8"),
                            dataset_for(store, settings(), viewer))
    click.echo(render(result, fmt))


@main.command()
@click.option("--debug", is_flag=True, help="Reload on change, show tracebacks.")
@handled
def serve(debug: bool) -> None:
    """Serve the explorer and the SPARQL endpoint."""
    from kg.web import create_app
    from kg.web.serving import serve as serve_app
    from kg.worker import isolation, isolation_warning

    app = create_app(settings())
    if not settings()["store"].startswith("sparql+"):
        click.echo(isolation_warning() or f"query workers run without network ({isolation()})",
                   err=True)
    click.echo(f"serving on http://{settings()['host']}:{settings()['port']}/", err=True)
    serve_app(app, settings()["host"], int(settings()["port"]), debug)


@main.command()
@click.option("--tail", type=int, default=0, help="Show only the last N events.")
@click.option("--action", default=None, help="Only events of this action (e.g. submit, deny).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@handled
def audit(tail: int, action: str | None, as_json: bool) -> None:
    """Read the audit log: every write and every refused access."""
    from dataclasses import asdict

    from kg.audit import read

    events = [e for e in read(settings().path("audit_log")) if not action or e.action == action]
    for event in events[-tail:] if tail else events:
        if as_json:
            click.echo(json.dumps(asdict(event)))
        else:
            version = f" v{event.version}" if event.version is not None else ""
            click.echo(f"{event.time}  {event.action:9} {event.who:14} {event.result:9} "
                       f"{event.graph}{version}  {event.detail}")
