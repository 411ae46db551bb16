"""The `kg` command line."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from kg.content import Content
from kg.errors import KGError
from kg.settings import SETTINGS, Settings, load_settings
from kg.store import Store

log = logging.getLogger("kg")


def _settings_options(func):
    """Add one global option per setting of the settings table."""
    for setting in reversed(SETTINGS):
        func = click.option(f"--{setting.name.replace('_', '-')}", setting.name, default=None,
                            help=f"{setting.help} [env {setting.env}; default {setting.default}]",
                            show_default=False)(func)
    return func


@click.group()
@_settings_options
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int, **overrides) -> None:
    """Coalition space interoperability graph: vocabulary, submissions, gaps, explorer."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = load_settings(overrides)


def handled(func):
    """Turn a `KGError` into a clear message and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KGError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)

    return wrapper


def settings() -> Settings:
    """Return the settings of the running command."""
    return click.get_current_context().find_root().obj


def query_runner():
    """Return how the CLI runs a SPARQL query: in the server's isolated, time-limited worker.

    A remote store needs the network to reach its server, so its queries run in-process
    (after the same parsed guard). A kernel that cannot isolate the worker is named on stderr.
    """
    from kg.sparql import run_query
    from kg.worker import isolation_warning, run_limited

    if settings()["store"].startswith("sparql+"):
        return run_query
    warning = isolation_warning()
    if warning:
        click.echo(warning, err=True)
    return functools.partial(run_limited, timeout=settings().number("query_timeout"))


def content() -> Content:
    """Return the content folders named by the settings."""
    return Content(settings().path("content"))


def open_store() -> Store:
    """Open the store named by the settings."""
    from kg.store import open_configured

    return open_configured(settings())


def progress(message: str) -> None:
    """Show progress of long work on stderr."""
    click.echo(f"  {message}", err=True)


@main.command()
@handled
def init() -> None:
    """Build or refresh the store from ontology/ and data/ (partners via submissions)."""
    from kg.build import build

    store = open_store()
    result = build(store, content(), progress)
    click.echo(f"store: {store.path or 'remote'}")
    click.echo(f"public graphs: {len(result.graphs)}, "
               f"{sum(result.graphs.values())} statements")
    click.echo(f"partners accepted: {len(result.accepted)}, unchanged: {len(result.unchanged)}, "
               f"warnings: {result.warnings}")


@main.command()
@handled
def check() -> None:
    """Check the ontology (shapes, SKOS, version, terms) and all data; exit 1 on violations."""
    from kg.check import run_checks

    problems = run_checks(content(), progress) + store_problems()
    violations = [p for p in problems if p.severity == "violation"]
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(violations)} violation(s), {len(problems) - len(violations)} warning(s)")
    sys.exit(1 if violations else 0)


def store_problems() -> list:
    """Check the store's integrity when there is a store; a store in use is only noted."""
    from kg.check import Problem
    from kg.integrity import verify

    where = settings()["store"]
    if not where.startswith("sparql+") and not (settings().path("store") / "CURRENT").exists():
        return []
    try:
        store = open_store()
    except KGError as err:
        return [Problem(where, "", f"store not checked: {err}", "warning")]
    found = verify(store)
    progress(f"store: {len(found)} integrity problem(s)")
    return [Problem(where, "", text, "warning" if "staging" in text else "violation")
            for text in found]


@main.command()
@handled
def reason() -> None:
    """Run HermiT: consistency, unsatisfiable classes, inferred subclasses; 1 if inconsistent."""
    from kg.reason import reason as run

    result = run(content(), settings()["java"])
    click.echo(f"classes: {result.classes}")
    click.echo(f"consistent: {'yes' if result.consistent else 'NO'}")
    if result.error:
        click.echo(result.error)
    click.echo(f"unsatisfiable classes: {len(result.unsatisfiable)}")
    for iri in result.unsatisfiable:
        click.echo(f"  {iri}")
    click.echo(f"inferred subclass relations: {len(result.inferred)}")
    for child, parent in result.inferred:
        click.echo(f"  {child} ⊑ {parent}")
    sys.exit(0 if result.consistent and not result.unsatisfiable else 1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handled
def stats(as_json: bool) -> None:
    """Print counts: graphs, statements, and the main kinds of things."""
    from kg.stats import stats as compute

    result = compute(open_store(), None)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        click.echo(f"{key:28} {value}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@handled
def dump(file: Path) -> None:
    """Write the whole store to FILE (.nq or .trig)."""
    count = open_store().dump(file)
    click.echo(f"wrote {count} quads to {file}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handled
def restore(file: Path) -> None:
    """Replace the whole store with the content of FILE (.nq or .trig), in one transaction."""
    count = open_store().restore(file)
    click.echo(f"restored {count} quads from {file}")


from kg import cli_analysis, cli_data  # noqa: E402,F401  (registers their commands)
