"""`kg import satcat|ucs FILE`: turn a public catalogue file into a partner's submission file."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from kg.cli_context import LocalPath, content, handled, open_store
from kg.errors import KGError


@click.group("import")
def import_group() -> None:
    """Import space objects from a catalogue file you have (nothing is fetched)."""


def _options(func):
    """Add the options common to every catalogue format."""
    for option in reversed(
        (
            click.argument("file", type=LocalPath(exists=True, dir_okay=False, path_type=Path)),
            click.option("--partner", required=True, help="Partner whose submission this becomes."),
            click.option(
                "--out",
                type=LocalPath(dir_okay=False, path_type=Path),
                required=True,
                help="Result file: .csv or .xlsx (the template), or .ttl.",
            ),
            click.option(
                "--current",
                type=LocalPath(exists=True, dir_okay=False, path_type=Path),
                help="The partner's current submission file (default: its accepted "
                "data in the store).",
            ),
            click.option("--owner", multiple=True, help="Only rows of this owner (repeatable)."),
            click.option(
                "--name",
                "names",
                multiple=True,
                help="Only rows whose name contains this text (repeatable).",
            ),
            click.option(
                "--member-of",
                default="",
                help="Identifier of the constellation the new satellites belong to.",
            ),
            click.option(
                "--mission-area",
                "areas",
                multiple=True,
                help="Mission area of the new rows (default: from the row's purpose, or "
                "the constellation's).",
            ),
            click.option(
                "--as-of",
                default=None,
                help="Date the catalogue confirmed the rows "
                "(YYYY-MM-DD; default: the file's date).",
            ),
            click.option("--source", default=None, help="Source web address of the new rows."),
            click.option(
                "--changes-only",
                is_flag=True,
                help="Write only the new and the matched capabilities, to submit with "
                "--mode merge (default: the partner's whole set, for a replace).",
            ),
        )
    ):
        func = option(func)
    return func


@import_group.command("satcat")
@_options
@handled
def satcat(**kwargs) -> None:
    """Import rows of a CelesTrak SATCAT CSV file (select with --owner or --name)."""
    _run("satcat", kwargs)


@import_group.command("ucs")
@_options
@click.option(
    "--purpose",
    "purposes",
    multiple=True,
    help="Only rows whose purpose contains this text (repeatable).",
)
@click.option(
    "--users",
    multiple=True,
    help="Only rows whose users contain this text, such as Military (repeatable).",
)
@handled
def ucs(**kwargs) -> None:
    """Import rows of a UCS Satellite Database text file (select by owner, purpose or users)."""
    _run("ucs", kwargs)


def _run(catalogue: str, args: dict) -> None:
    from kg.importers import SOURCES, Options, Selection, run_import
    from kg.submissions import Context, check, read

    context = Context(content())
    partner = args["partner"].upper()
    if partner not in context.catalogue.partners:
        raise KGError(
            f"unknown partner {args['partner']!r}; use an ISO 3166 alpha-3 code or "
            "a registered organisation code"
        )
    options = Options(
        partner=partner,
        as_of=_as_of(args["as_of"], args["file"]),
        source=args["source"] or SOURCES[catalogue],
        member_of=args["member_of"],
        mission_areas=tuple(args["areas"]),
        selection=Selection(
            tuple(args["owner"]),
            tuple(args.get("purposes", ())),
            tuple(args.get("users", ())),
            tuple(args["names"]),
        ),
    )
    current = _current(args["current"], partner, context)
    summary = run_import(
        catalogue, args["file"], current, options, context, args["out"], args["changes_only"]
    )
    for line in summary.lines():
        click.echo(line)
    report = check(read(summary.written, context), context, partner)
    counts = report.counts()
    click.echo(
        f"wrote {summary.written}: {'conforms' if report.conforms else 'does NOT conform'}"
        f" ({counts['violation']} violation(s), {counts['warning']} warning(s)); review "
        f"it, then `kg submit {summary.written} --partner {partner}"
        + (" --mode merge`" if args["changes_only"] else "`")
    )
    if not report.conforms:
        click.echo(report.to_text())
        sys.exit(1)


def _as_of(value: str | None, path: Path) -> str:
    """Return the as-of date: the option, else the day the catalogue file was saved."""
    if value is None:
        return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise KGError(f"--as-of {value!r}: write a date as YYYY-MM-DD") from None


def _current(path: Path | None, partner: str, context):
    from kg.importers.current import from_file, from_store

    if path is not None:
        return from_file(path, partner, context)
    return from_store(open_store(), partner, context.catalogue.partners[partner])


COMMANDS = (import_group,)
