"""`kg` commands for the running system: sparql, serve, audit."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from kg.cli_context import LocalPath, handled, open_store, query_runner, settings


@click.command()
@click.argument("file", type=LocalPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--as", "viewer", default=None, help="Run as this user (default: everything).")
@handled
def sparql(file: Path, fmt: str, viewer: str | None) -> None:
    """Run the SPARQL query in FILE and print its results."""
    from kg.results import render
    from kg.users import dataset_for

    store = open_store()
    result = query_runner()(
        store, file.read_text(encoding="utf-8"), dataset_for(store, settings(), viewer)
    )
    click.echo(render(result, fmt))


@click.command()
@click.option("--debug", is_flag=True, help="Reload on change, show tracebacks.")
@handled
def serve(debug: bool) -> None:
    """Serve the explorer and the SPARQL endpoint; other `kg` commands are then run by it."""
    from kg import kept
    from kg.cli_served import open_channel
    from kg.renewal import Renewal
    from kg.web import create_app
    from kg.web.serving import serve as serve_app
    from kg.worker import isolation, isolation_warning

    app = create_app(settings())
    group = click.get_current_context().find_root().command  # the `kg` group
    channel = open_channel(app.extensions["kg"].store, settings(), group)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so the channel is closed
    if not settings()["store"].startswith("sparql+"):
        click.echo(
            isolation_warning() or f"query workers run without network ({isolation()})", err=True
        )
    click.echo(
        f"serving on http://{settings()['host']}:{settings()['port']}/; "
        f"kg commands for this store are carried out here (channel {channel.path})",
        err=True,
    )
    renewal = Renewal(app.extensions["kg"].store)
    if kept.folder(renewal.store):  # gap reports people read are computed again after changes
        renewal.start()
    try:
        serve_app(app, settings()["host"], int(settings()["port"]), debug)
    finally:
        renewal.stop()
        channel.close()


@click.command()
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
            click.echo(
                f"{event.time}  {event.action:9} {event.who:14} {event.result:9} "
                f"{event.graph}{version}  {event.detail}"
            )


COMMANDS = (sparql, serve, audit)
