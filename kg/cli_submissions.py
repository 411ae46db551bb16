"""`kg` commands for partners' data: validate, submit, withdraw, history, diff, rollback."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.cli_context import LocalPath, content, handled, open_store, settings
from kg.errors import KGError

CONFIRM = click.option(
    "--confirm",
    is_flag=True,
    help="Carry out a change that withdraws capabilities (without it, the "
    "command only lists them and changes nothing).",
)
USER = click.option("--user", default="cli", show_default=True, help="Who acts (recorded).")


def _audit(action: str, user: str, result: str, partner: str, version, detail: str) -> None:
    from kg.audit import Event, record

    graph = f"https://w3id.org/csig/graph/partner/{partner}"
    record(settings().path("audit_log"), Event(action, user, result, graph, version, detail))


def _context():
    from kg.submissions.validate import shared_context

    return shared_context(str(content().root))


def _report(partner: str, outcome, verb: str) -> None:
    """Print what a submission, withdrawal or rollback did, or why it did nothing."""
    from kg.submissions.history import diff_text

    if outcome.pending:
        click.echo(
            f"{partner}: this {verb} would withdraw {len(outcome.withdrawals)} "
            "capabilit" + ("y:" if len(outcome.withdrawals) == 1 else "ies:")
        )
        for w in outcome.withdrawals:
            click.echo(f"  {w.identifier:32} {w.label}")
        click.echo(
            "nothing was changed; add --confirm to withdraw them"
            + (
                ", or use --mode merge to add or update only the capabilities in the file"
                if verb == "replace"
                else ""
            )
        )
        sys.exit(1)
    if outcome.acceptance is None:
        click.echo(outcome.report.to_text())
        click.echo("rejected: nothing was changed")
        sys.exit(1)
    if outcome.report.findings:
        click.echo(outcome.report.to_text())
    click.echo(f"accepted {partner} version {outcome.acceptance.version}")
    click.echo(diff_text(list(outcome.changes)))


@click.command()
@click.argument("file", type=LocalPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--partner", help="Check the capabilities are this partner's own.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    help="text for people, json for programs, turtle for the SHACL report.",
)
@handled
def validate(file: Path, partner: str | None, fmt: str) -> None:
    """Validate FILE (Turtle, JSON-LD, CSV or XLSX); change nothing; exit 1 on violations."""
    from kg.submissions import check, read

    context = _context()
    report = check(read(file, context), context, partner)
    output = {
        "text": report.to_text,
        "json": report.to_json,
        "turtle": lambda: report.shacl_turtle,
    }[fmt]()
    click.echo(output)
    sys.exit(0 if report.conforms else 1)


@click.command()
@click.argument("file", type=LocalPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--partner", required=True, help="The partner whose data FILE is.")
@click.option(
    "--mode",
    type=click.Choice(["replace", "merge"]),
    default="replace",
    show_default=True,
    help="replace: FILE becomes the partner's whole set; merge: "
    "add or update only the capabilities in FILE.",
)
@CONFIRM
@USER
@handled
def submit(file: Path, partner: str, mode: str, confirm: bool, user: str) -> None:
    """Validate FILE and, if it has no violations, make it PARTNER's new version."""
    from kg.access import full_dataset
    from kg.submissions import read
    from kg.submissions import submit as run

    context, store, partner = _context(), open_store(), partner.upper()
    outcome = run(
        store,
        read(file, context),
        context,
        partner,
        user,
        mode,
        confirm,
        lambda: full_dataset(store),
    )
    accepted = outcome.acceptance
    _audit(
        "submit",
        user,
        "accepted" if accepted else "pending" if outcome.pending else "rejected",
        partner,
        accepted.version if accepted else None,
        f"{mode} {file}",
    )
    _report(partner, outcome, mode)


@click.command()
@click.argument("partner")
@click.argument("capabilities", nargs=-1, required=True)
@USER
@handled
def withdraw(partner: str, capabilities: tuple[str, ...], user: str) -> None:
    """Withdraw the named CAPABILITIES (identifiers or IRIs) of PARTNER, as a new version."""
    from kg.submissions import withdraw as run

    partner = partner.upper()
    outcome = run(open_store(), _context(), partner, user, capabilities)
    _audit(
        "withdraw",
        user,
        "accepted",
        partner,
        outcome.acceptance.version,
        ", ".join(w.identifier for w in outcome.withdrawals),
    )
    _report(partner, outcome, "withdrawal")


@click.command()
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
        click.echo(
            f"v{v.version}  {v.time}  by {v.user}  {v.mode:8} {v.capabilities} "
            f"capabilities  {v.triples} statements  {v.warnings} warnings  "
            f"sha256 {v.sha256[:12] or '-'}  {v.source}{note}"
        )


@click.command()
@click.argument("partner")
@click.argument("versions", nargs=-1, type=int)
@handled
def diff(partner: str, versions: tuple[int, ...]) -> None:
    """Show per-capability changes between two versions (default: the last two)."""
    from kg.submissions.history import compare_versions, diff_text

    if len(versions) not in (0, 2):
        raise KGError("give no versions (the last two) or two: kg diff P V1 V2")
    partner = partner.upper()
    old, new, changes = compare_versions(open_store(), partner, *versions, labels=_context().labels)
    click.echo(f"{partner}: version {old} -> {new}")
    click.echo(diff_text(changes))


@click.command()
@click.argument("partner")
@click.argument("version", type=int)
@CONFIRM
@USER
@handled
def rollback(partner: str, version: int, confirm: bool, user: str) -> None:
    """Make VERSION of PARTNER's data current again, as a new version."""
    from kg.submissions import rollback as run

    partner = partner.upper()
    outcome = run(open_store(), _context(), partner, version, user, confirm)
    if outcome.acceptance:
        _audit(
            "rollback",
            user,
            "accepted",
            partner,
            outcome.acceptance.version,
            f"to version {version}",
        )
        click.echo(
            f"rolled back {partner} to version {version} as version {outcome.acceptance.version}"
        )
    _report(partner, outcome, "rollback")


@click.command()
@click.argument("file", type=LocalPath(dir_okay=False, path_type=Path))
@handled
def template(file: Path) -> None:
    """Write a blank submission template: FILE.csv (documented header) or FILE.xlsx.

    The workbook's drop-down lists hold the codes of the store's vocabularies (the bundled
    files' when the store is not built yet), as the Submit page's download does.
    """
    from kg.access import viewer_dataset
    from kg.submissions.template import write_template
    from kg.submissions.vocabularies import content_lists, store_lists

    root = content().root
    lists = None
    if file.suffix == ".xlsx":
        store = open_store()
        lists = store_lists(store, viewer_dataset(store)) or content_lists(root)
    levels = root / "ontology" / "vocab" / "classification.ttl"
    click.echo(f"wrote {write_template(file, levels, lists)}")


COMMANDS = (validate, submit, withdraw, history, diff, rollback, template)
