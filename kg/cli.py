"""The `kg` command line: the command group, its own commands, and the others' registered."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from kg import cli_analysis, cli_data, cli_import, cli_package, cli_submissions
from kg.cli_context import (
    ARGV,
    SERVED,
    Group,
    LocalPath,
    content,
    handled,
    open_store,
    progress,
    settings,
    settings_options,
)
from kg.errors import KGError
from kg.settings import load_settings


@click.group(cls=Group)
@settings_options
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress bar or progress lines on stderr (a bar shows only on a terminal).",
)
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool, **overrides) -> None:
    """Coalition space interoperability graph: vocabulary, submissions, gaps, explorer.

    While `kg serve` runs on the same store, every command is carried out by that server.
    """
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    served = SERVED.get()
    ctx.obj = served.settings if served else load_settings(overrides)
    ctx.meta["quiet"] = quiet
    if not ctx.resilient_parsing:  # long work draws a bar on a terminal's stderr
        from kg.cli_progress import display_for
        from kg.progress import showing

        ctx.with_resource(showing(display_for(quiet)))
    if served is None and ctx.invoked_subcommand and not ctx.resilient_parsing:
        from kg.cli_served import hand_over

        hand_over(ctx, ARGV.get() or [])


@main.command()
@click.option(
    "--reset",
    is_flag=True,
    help="Start over: keep a dump, empty the store, and build it from the files.",
)
@click.option(
    "--confirm",
    is_flag=True,
    help="Carry out --reset (without it, only show what a reset would discard).",
)
@handled
def init(reset: bool, confirm: bool) -> None:
    """Build the store, or refresh its ontology and reference graphs; partners' data is kept.

    A bundled partner file is loaded only for a partner that has never had a version.
    """
    from kg.build import backup_path, build, partners_with_data
    from kg.build import reset as start_over

    store, served = open_store(), SERVED.get() is not None
    if reset:
        kept = partners_with_data(store)
        if kept and not confirm:
            click.echo(
                "kg init --reset would discard every accepted version of: "
                + ", ".join(
                    f"{p} ({n} version{'s' if n > 1 else ''})" for p, n in sorted(kept.items())
                )
            )
            click.echo(
                "nothing was changed; add --confirm to start over (a dump of the whole "
                "store is kept first)"
            )
            sys.exit(1)
        result = start_over(store, content(), backup_path(store), progress, served)
    else:
        result = build(store, content(), progress, readers=served)
    click.echo(f"store: {store.path or 'remote'}")
    click.echo(
        f"public graphs: {len(result.graphs)} ({len(result.refreshed)} refreshed), "
        f"{sum(result.graphs.values())} statements"
    )
    click.echo(
        f"partners seeded from data/partners: {len(result.accepted)}; "
        f"kept as accepted: {len(result.kept)}; warnings: {result.warnings}"
    )


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
    return [
        Problem(where, "", text, "warning" if "staging" in text else "violation") for text in found
    ]


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
@click.option(
    "--as",
    "viewer",
    default="all",
    show_default=True,
    help="Count what this viewer sees: public, all, or a user of the users file.",
)
@handled
def stats(as_json: bool, viewer: str) -> None:
    """Print counts: graphs, statements, and the main kinds of things."""
    from kg.stats import stats as compute
    from kg.users import load_users, resolve_viewer

    store = open_store()
    result = compute(store, resolve_viewer(store, load_users(settings().path("users")), viewer))
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        click.echo(f"{key:28} {value}")


@main.command()
@click.argument("file", type=LocalPath(dir_okay=False, path_type=Path))
@handled
def dump(file: Path) -> None:
    """Write the whole store to FILE (.nq or .trig)."""
    count = open_store().dump(file)
    click.echo(f"wrote {count} quads to {file}")


@main.command()
@click.argument("file", type=LocalPath(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--confirm",
    is_flag=True,
    help="Carry out the restore (without it, only show which partners' data it would replace).",
)
@handled
def restore(file: Path, confirm: bool) -> None:
    """Replace the whole store with the content of FILE (.nq or .trig), in one transaction."""
    from kg.build import partners_with_data

    store = open_store()
    kept = partners_with_data(store)
    if kept and not confirm:
        click.echo(
            f"restoring {file} replaces the whole store, with the data of: "
            + ", ".join(f"{p} ({n} version{'s' if n > 1 else ''})" for p, n in sorted(kept.items()))
        )
        click.echo(
            "nothing was changed; add --confirm to restore (make a dump first with `kg dump`)"
        )
        sys.exit(1)
    count = store.restore(file)
    click.echo(f"restored {count} quads from {file}")


for command in (
    *cli_analysis.COMMANDS,
    *cli_data.COMMANDS,
    *cli_import.COMMANDS,
    *cli_package.COMMANDS,
    *cli_submissions.COMMANDS,
):
    main.add_command(command)
