"""`kg package`: release packages across an air gap: key, export, verify, import."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kg.cli_context import LocalPath, handled, open_store, settings
from kg.errors import KGError

TRUST = click.option(
    "--trust",
    "trusted",
    multiple=True,
    metavar="PUBLIC_KEY",
    help="The sending store's public key, as `kg package key` prints it there (repeatable).",
)


@click.group()
def package() -> None:
    """Release packages: the graphs one viewer may see, signed, labelled, re-imported whole."""


def _audit(action: str, result: str, viewer: str, detail: str, user: str = "cli") -> None:
    from kg.audit import Event, record

    record(settings().path("audit_log"), Event(action, user, result, viewer, None, detail))


def _key():
    from kg.package.keys import key_path, signing_key

    return signing_key(key_path(settings()))


@package.command()
@handled
def key() -> None:
    """Print this store's public key (the signing key is made on first use)."""
    from kg.package.keys import public_text

    click.echo(public_text(_key()))


@package.command("export")
@click.option(
    "--for",
    "viewer",
    required=True,
    metavar="VIEWER",
    help="Who the package is for: CODE@CLEARANCE (FRA@FRA-S, NATO@NATO-NS) or public.",
)
@click.option(
    "--since",
    type=LocalPath(exists=True, dir_okay=False, path_type=Path),
    help="An earlier package of this store for the same viewer: write only what changed since.",
)
@click.argument("out", type=LocalPath(dir_okay=False, path_type=Path))
@handled
def export_command(viewer: str, since: Path | None, out: Path) -> None:
    """Write the release package for VIEWER to OUT (a .zip file)."""
    from kg.package.export import export

    store, key = open_store(), _key()
    earlier = since.read_bytes() if since else None
    part = out.with_name(out.name + ".part")
    try:
        with part.open("wb") as stream:
            done = export(store, viewer, stream, key, earlier, str(since))
        os.replace(part, out)
    except OSError as err:
        raise KGError(f"{out}: cannot write the package: {err}") from err
    finally:
        part.unlink(missing_ok=True)
    manifest = done.manifest
    _audit("package", "exported", viewer, f"{out} {manifest.id} {manifest.kind}")
    click.echo(
        f"wrote {out}: {manifest.kind} package {manifest.id} for {viewer}, "
        f"{len(manifest.graphs)} graph(s), {done.size:,} bytes"
    )
    _show(manifest)


def _show(manifest) -> None:
    """List a manifest's graphs with their portion marks, and what it removes."""
    for entry in manifest.graphs:
        version = f" v{entry.version}" if entry.version else ""
        click.echo(f"  {entry.portion:28} {entry.name}{version}  {entry.statements} statements")
    for graph in manifest.removed:
        click.echo(f"  {'(removed)':28} {graph}")


def _verified(path: Path, trusted: tuple[str, ...], store):
    from kg.package.verify import verify

    return verify(path.read_bytes(), str(path), list(trusted), store)


@package.command("verify")
@TRUST
@click.argument(
    "package_file", metavar="PACKAGE", type=LocalPath(exists=True, dir_okay=False, path_type=Path)
)
@handled
def verify_command(trusted: tuple[str, ...], package_file: Path) -> None:
    """Check PACKAGE (signature, hashes, labels, markings, audience) without importing it."""
    from kg.package.keys import fingerprint

    done, refusal = _attempt(lambda: _verified(package_file, trusted, open_store()))
    if refusal:
        click.echo(f"refused: {refusal}")
        sys.exit(1)
    manifest = done.manifest
    trust = (
        "a trusted key"
        if done.trusted
        else "the key it names (no --trust given: not checked against a key you trust)"
    )
    click.echo(
        f"{package_file}: verified. {manifest.kind} package {manifest.id} for "
        f"{manifest.viewer}, made {manifest.created} by store {manifest.store}, signed by "
        f"{trust} ({fingerprint(manifest.signer)})"
    )
    _show(manifest)


@package.command("import")
@TRUST
@click.option(
    "--keep-local",
    multiple=True,
    metavar="PARTNER",
    help="Keep PARTNER's data of this store; its graphs in the package are not loaded.",
)
@click.option(
    "--replace-local",
    multiple=True,
    metavar="PARTNER",
    help="Make the package's data PARTNER's new version although PARTNER's current "
    "data here was not imported from this sender (needs --confirm).",
)
@click.option(
    "--confirm",
    is_flag=True,
    help="Carry out --replace-local (without it, only list what would be replaced).",
)
@click.option("--user", default="cli", show_default=True, help="Who imports (recorded).")
@click.argument(
    "package_file", metavar="PACKAGE", type=LocalPath(exists=True, dir_okay=False, path_type=Path)
)
@handled
def import_command(trusted, keep_local, replace_local, confirm, user, package_file) -> None:
    """Verify PACKAGE and import it whole, as one transaction, or refuse it with the reason."""
    from kg.package.importing import import_package

    if not trusted:
        raise KGError("name the sending store's public key: --trust PUBLIC_KEY")
    store = open_store()
    codes = _codes(keep_local), _codes(replace_local)
    verified, refusal = _attempt(lambda: _verified(package_file, trusted, store))
    if not refusal:
        outcome, refusal = _attempt(
            lambda: import_package(store, verified, user, *codes, confirm=confirm)
        )
    if refusal:
        _audit("package", "refused", "", f"{package_file}: {refusal}", user)
        click.echo(f"refused, nothing was imported: {refusal}")
        sys.exit(1)
    viewer = verified.manifest.viewer
    if outcome.pending:
        _audit("package", "pending", viewer, f"{package_file} {outcome.package}", user)
        _pending(outcome)
        sys.exit(1)
    _audit("package", "imported", viewer, f"{package_file} {outcome.package}", user)
    _imported(package_file, verified.manifest, outcome)


def _attempt(work):
    """Return (result, None), or (None, the refusal) when `work` raises a KGError.

    The refusal is kept as text: an exception kept alive would keep the store open.
    """
    try:
        return work(), None
    except KGError as err:
        return None, str(err)


def _codes(values: tuple[str, ...]) -> list[str]:
    """Return partner codes given as repeated options or comma-separated lists."""
    return [c.strip().upper() for value in values for c in value.split(",") if c.strip()]


def _pending(outcome) -> None:
    for local in outcome.pending:
        click.echo(
            f"{local.partner}: version {local.version} ({local.mode} by {local.user}) "
            f"would be replaced; {len(local.withdrawals)} capabilities would be withdrawn"
        )
        for gone in local.withdrawals:
            click.echo(f"  {gone.identifier:32} {gone.label}")
    click.echo(
        "nothing was changed; add --confirm to replace it (every version stays in the history)"
    )


def _imported(path: Path, manifest, outcome) -> None:
    click.echo(
        f"imported {path}: {manifest.kind} package {outcome.package} for "
        f"{manifest.viewer}, made {manifest.created}"
    )
    for partner, version in sorted(outcome.versions.items()):
        click.echo(f"  {partner}: version {version}")
    for graph in outcome.written:
        click.echo(f"  written {graph}")
    for graph in outcome.dropped:
        click.echo(f"  dropped {graph}")
    for partner in outcome.kept:
        click.echo(f"  {partner}: kept as it is here (--keep-local)")


COMMANDS = (package,)
