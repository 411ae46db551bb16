"""Verify a release package without changing anything: signature, hashes, labels, markings.

Checks run from the outside in, and the first failure refuses the whole package with its
reason: the container must be the one kg writes; the manifest's signature must verify with a
trusted key (before its content is believed); every graph and label file must have the hash
the manifest binds it to; each graph must be in canonical form; each partner graph's data must
carry exactly the marking the manifest states, its STANAG 4774 label and banner must say the
same, and that marking must be releasable to the viewer the package names.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.access import GraphEntry, Viewer, may_see, viewer_coalitions
from kg.errors import KGError
from kg.namespaces import GRAPH, ONTOLOGY_GRAPH, partner_graph
from kg.package import container
from kg.package.audience import viewer_for
from kg.package.canonical import digest, parse_canonical
from kg.package.export import MANIFEST, SIGNATURE
from kg.package.keys import parse_public, verifies
from kg.package.labels import Label, Level, banner, label_for, levels, parse_label, portion
from kg.package.manifest import Entry, Manifest
from kg.store import Store
from kg.submissions.accept import marking_of
from kg.submissions.structure import Structure

BASE = (ONTOLOGY_GRAPH, GRAPH + "reference/")


@dataclass(frozen=True)
class Verified:
    """A package that passed every check: its manifest and its graphs, parsed."""

    name: str
    sha256: str
    manifest: Manifest
    manifest_sha256: str
    graphs: dict[str, list[ox.Triple]]
    viewer: Viewer
    trusted: bool
    ranks: dict[str, int]  # classification level -> rank, as the package's ontology has them


def verify(data: bytes, name: str, trusted: list[str], store) -> Verified:
    """Check a package against the trusted keys (none: its own key) and the receiving store."""
    members = container.read(data, name)
    body, signature = members.get(MANIFEST), members.get(SIGNATURE)
    if body is None or signature is None:
        raise KGError(f"{name}: holds no {MANIFEST} and {SIGNATURE}: not a release package")
    signer = _signer(body, signature, trusted, name)
    manifest = Manifest.from_bytes(body, f"{name}: {MANIFEST}")
    if manifest.signer != signer:
        raise KGError(
            f"{name}: the manifest names signer {manifest.signer}, but is signed by {signer}"
        )
    _check_members(members, manifest, name)
    _check_state(manifest, name)
    graphs, labels = {}, {}
    for entry in manifest.graphs:
        _check_name(entry, name)
        graphs[entry.name], labels[entry.name] = _read_entry(members, entry, name)
    checking = checking_store(manifest, graphs, store, name)
    viewer = viewer_for(checking, manifest.viewer)
    known, coalitions = levels(checking), viewer_coalitions(checking, viewer)
    for entry in manifest.graphs:
        if entry.kind == "partner":
            _check_partner(entry, graphs[entry.name], known, viewer, coalitions, name)
        _check_label(entry, labels[entry.name], manifest.created, known, name)
    ranks = {iri: level.rank for iri, level in known.items()}
    return Verified(
        name, digest(data), manifest, digest(body), graphs, viewer, bool(trusted), ranks
    )


def _signer(body: bytes, signature: bytes, trusted: list[str], name: str) -> str:
    """Return the key (text form) whose signature the manifest carries, or refuse."""
    keys = trusted or [Manifest.from_bytes(body, f"{name}: {MANIFEST}").signer]
    for text in keys:
        if verifies(
            parse_public(text, "--trust" if trusted else f"{name}: signer"), body, signature
        ):
            return text
    if not trusted:
        raise KGError(
            f"{name}: the signature does not verify with the key the manifest names: "
            "the package was changed after it was signed"
        )
    raise KGError(
        f"{name}: the signature does not verify with the trusted key"
        f"{'s' if len(trusted) > 1 else ''}: the package was changed after it was "
        "signed, or another store signed it"
    )


def _check_members(members: dict[str, bytes], manifest: Manifest, name: str) -> None:
    """Refuse a package whose files are not exactly the manifest's, each named once."""
    named = [MANIFEST, SIGNATURE] + [f for e in manifest.graphs for f in (e.file, e.label)]
    graphs = [e.name for e in manifest.graphs]
    if len(set(named)) != len(named) or len(set(graphs)) != len(graphs):
        raise KGError(f"{name}: the manifest names a file or a graph twice")
    if set(members) != set(named):
        extra, missing = sorted(set(members) - set(named)), sorted(set(named) - set(members))
        raise KGError(
            f"{name}: files {extra or ''} are not in the manifest"
            if extra
            else f"{name}: files {missing} of the manifest are missing"
        )


def _check_state(manifest: Manifest, name: str) -> None:
    """Refuse a manifest whose state disagrees with its graphs, removals and chain."""
    listed = {e.name: e.sha256 for e in manifest.graphs}
    if manifest.kind == "full":
        if manifest.state != listed or manifest.removed or manifest.follows:
            raise KGError(
                f"{name}: a full package lists every graph of its state and follows no package"
            )
        return
    if manifest.follows is None or set(manifest.removed) & set(manifest.state):
        raise KGError(
            f"{name}: an incremental package follows a package and removes only "
            "graphs that are not in its state"
        )
    if any(manifest.state.get(g) != h for g, h in listed.items()):
        raise KGError(f"{name}: a graph's hash differs from the package's state")
    bad = [g for g in manifest.removed if not g.startswith((GRAPH + "partner/", *BASE))]
    if bad:
        raise KGError(f"{name}: removes <{bad[0]}>, which is not a package graph")


def _read_entry(members: dict[str, bytes], entry: Entry, name: str):
    """Check one graph's and one label's hashes, then parse both."""
    for file, expected in ((entry.file, entry.sha256), (entry.label, entry.label_sha256)):
        if digest(members[file]) != expected:
            raise KGError(
                f"{name}: {file} (of <{entry.name}>) does not have the SHA-256 the "
                "manifest binds it to"
            )
    triples = parse_canonical(members[entry.file], f"{name}: {entry.file} (<{entry.name}>)")
    if len(triples) != entry.statements:
        raise KGError(
            f"{name}: {entry.file} holds {len(triples)} statements, the manifest "
            f"says {entry.statements}"
        )
    return triples, parse_label(members[entry.label], f"{name}: {entry.label}")


def checking_store(
    manifest: Manifest, graphs: dict[str, list[ox.Triple]], store, name: str
) -> Store:
    """Return a small store of the ontology and reference graphs the package will leave.

    They come from the package, or, for those an incremental package does not carry, from
    the receiving store: coalitions, levels and ranks are decided on them.
    """
    base = {g: ts for g, ts in graphs.items() if g.startswith(BASE)}
    if store is not None:
        kept = [
            g
            for g in store.graphs()
            if g.startswith(BASE) and g not in base and g not in manifest.removed
        ]
        base.update({g: store.triples(g) for g in kept})
    if ONTOLOGY_GRAPH not in base:
        raise KGError(
            f"{name}: neither the package nor this store holds the ontology: "
            "import a full package first"
        )
    checking = Store()
    checking.replace(base)
    return checking


def _check_name(entry: Entry, name: str) -> None:
    """Refuse a graph whose name does not fit its kind (no meta, history or view graphs)."""
    fits = {
        "ontology": entry.name == ONTOLOGY_GRAPH,
        "reference": entry.name.startswith(GRAPH + "reference/")
        and "/" not in entry.name.removeprefix(GRAPH + "reference/"),
        "partner": entry.marking is not None
        and entry.partner is not None
        and entry.name == partner_graph(entry.partner, entry.marking.key),
    }[entry.kind]
    if not fits:
        raise KGError(
            f"{name}: <{entry.name}> is not the name of a {entry.kind} graph"
            + (" under its marking" if entry.kind == "partner" else "")
        )


def _check_partner(
    entry: Entry,
    triples: list[ox.Triple],
    known: dict[str, Level],
    viewer: Viewer,
    coalitions: set[str],
    name: str,
) -> None:
    """Refuse a partner graph whose data, marking or audience disagrees with the manifest."""
    where = f"{name}: <{entry.name}>"
    marking = entry.marking
    level = known.get(marking.classification)
    if level is None or level.rank != marking.rank:
        raise KGError(f"{where}: the marking's level or rank is not the ontology's")
    structure = Structure.of(triples)
    if not structure.capabilities or structure.unplaced():
        raise KGError(f"{where}: holds statements that belong to no capability")
    ranks = {iri: lv.rank for iri, lv in known.items()}
    for cap in structure.capabilities:
        own = [marking_of(structure.by_subject.get(m, []), ranks) for m in structure.marking(cap)]
        if own != [marking]:
            raise KGError(
                f"{where}: {cap.value} is marked {own[0].key if own else 'nothing'} "
                f"in the data, but the manifest says {marking.key}"
            )
    if not may_see(viewer, GraphEntry(entry.name, entry.partner_iri, marking), coalitions):
        raise KGError(
            f"{where}: marked {entry.banner}, which is not releasable to "
            f"{viewer.name}; the package must not carry it"
        )


def _check_label(
    entry: Entry, found: tuple[Label, str], created: str, known: dict[str, Level], name: str
) -> None:
    """Refuse a label or banner that disagrees with the graph's marking (checked against the
    data above), or a label made at another time than the package."""
    label, when = found
    partner = entry.partner or ""
    expected = label_for(entry.marking, partner, known)
    if label != expected:
        raise KGError(
            f"{name}: {entry.label}: the label says {label.classification} "
            f"{_categories(label)}, but <{entry.name}> is marked "
            f"{expected.classification} {_categories(expected)}"
        )
    if when != created:
        raise KGError(f"{name}: {entry.label}: made at {when}, not with the package ({created})")
    shown = banner(entry.marking, partner, known), portion(entry.marking, partner, known)
    if (entry.banner, entry.portion) != shown:
        raise KGError(
            f"{name}: <{entry.name}>: banner {entry.banner!r} and portion mark "
            f"{entry.portion!r} should be {shown[0]!r} and {shown[1]!r}"
        )


def _categories(label: Label) -> str:
    return "; ".join(f"{tag} {', '.join(values)}" for tag, _, values in label.categories) or "-"
