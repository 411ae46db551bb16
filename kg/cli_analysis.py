"""`kg` commands for analysis: queries, query, gaps, network, matrix."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict

import click

from kg.cli_context import handled, open_store, query_runner, settings
from kg.errors import KGError

AS_OPTION = click.option(
    "--as",
    "viewer",
    default="public",
    show_default=True,
    help="Run as this viewer: public, all, or a user of the users file.",
)
CONFIRMED_OPTION = click.option(
    "--confirmed-only",
    "confirmed_only",
    is_flag=True,
    help="Leave out findings whose confirmed column is false (they rest on assumed interfaces).",
)
PARAM_OPTION = click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter, e.g. -p partner=GBR (repeatable).",
)


@click.command()
@handled
def queries() -> None:
    """List the named queries of the catalogue with their parameters."""
    from kg.catalogue import load_catalogue

    for query in load_catalogue().values():
        click.echo(f"{query.name}  [{query.severity}]  {query.summary}")
        for param in query.params.values():
            default = "" if param.default is None else f" (default {param.default})"
            click.echo(f"    -p {param.name}=<{param.type}>{default}  {param.description}")


@click.command()
@click.argument("name")
@PARAM_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "md"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@AS_OPTION
@CONFIRMED_OPTION
@handled
def query(name: str, params: tuple[str, ...], fmt: str, viewer: str, confirmed_only: bool) -> None:
    """Run the named query NAME on the viewer's dataset, parameters bound as RDF terms."""
    from kg.catalogue import get, parse_params, run
    from kg.gaps import keep_confirmed
    from kg.results import render
    from kg.users import dataset_for

    store = open_store()
    result = run(
        store,
        get(name),
        dataset_for(store, settings(), viewer),
        parse_params(params),
        int(settings().number("row_cap")),
        query_runner(),
    )
    click.echo(render(keep_confirmed(result) if confirmed_only else result, fmt))


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html"]),
    default="md",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE",
    help="Run on the data as it stood on DATE (YYYY-MM-DD), from submission history.",
)
@click.option("--top", default=5, show_default=True, help="How many adoptions to recommend.")
@PARAM_OPTION
@AS_OPTION
@CONFIRMED_OPTION
@handled
def gaps(
    fmt: str,
    as_of: str | None,
    top: int,
    params: tuple[str, ...],
    viewer: str,
    confirmed_only: bool,
) -> None:
    """Print every gap report and the network findings; exit 1 on any violation."""
    from kg.catalogue import parse_params
    from kg.gaps import render, report, store_as_of
    from kg.users import dataset_for

    store = open_store()
    if as_of:
        try:
            store = store_as_of(store, dt.date.fromisoformat(as_of))
        except ValueError:
            raise KGError(f"--as-of {as_of!r}: write a date as YYYY-MM-DD") from None
    dataset = dataset_for(store, settings(), viewer)
    rep = report(store, dataset, parse_params(params), top, as_of, confirmed_only)
    click.echo(render(rep, fmt))
    sys.exit(1 if rep.counts()["violation"] else 0)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--data-type", "data_type", default=None, help="Only this data type (DT.TRK).")
@AS_OPTION
@handled
def network(fmt: str, data_type: str | None, viewer: str) -> None:
    """Analyse the partner interoperability network: islands, bridges, central standards."""
    from kg.analysis import analyse, load_model
    from kg.catalogue import Param, term
    from kg.users import dataset_for

    store = open_store()
    dtype = term(Param("data_type", "data-type"), data_type).value if data_type else None
    found = analyse(load_model(store, dataset_for(store, settings(), viewer)), dtype)
    if fmt == "json":
        click.echo(json.dumps(asdict(found), indent=2))
        return
    click.echo(f"partners: {found.partners}, links: {found.links}")
    for i, island in enumerate(found.islands, 1):
        click.echo(f"island {i}: {', '.join(island)}")
    click.echo(f"bridges: {', '.join(f'{a}-{b}' for a, b in found.bridges) or 'none'}")
    click.echo(f"articulation points: {', '.join(found.articulation_points) or 'none'}")
    for row in found.standards[:10]:
        click.echo(
            f"  {row['standard']:24} partners {row['partners']:3}  betweenness {row['betweenness']}"
        )


@click.command()
@click.argument("kind", type=click.Choice(["coverage", "exchange"]))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "md"]),
    default="md",
    show_default=True,
    help="Output format.",
)
@AS_OPTION
@handled
def matrix(kind: str, fmt: str, viewer: str) -> None:
    """Print the coverage (partner x mission area) or exchange matrix."""
    from kg.analysis import load_model
    from kg.matrices import coverage, exchange, render
    from kg.users import dataset_for

    store = open_store()
    dataset = dataset_for(store, settings(), viewer)
    table = coverage(store, dataset) if kind == "coverage" else exchange(load_model(store, dataset))
    click.echo(render(table, fmt), nl=False)


COMMANDS = (queries, query, gaps, network, matrix)
