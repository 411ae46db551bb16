"""Export a release package: exactly the graphs one viewer may see, canonical, labelled, signed.

A full package holds every graph of the viewer's dataset (kg.access decides which); an
incremental one holds only the graphs whose content changed since a named earlier package
of this store for the same viewer, names the graphs that left the dataset, and chains to the
earlier manifest by its SHA-256. Every manifest lists the whole resulting state (graph name
and hash), so the receiving store can check that it holds exactly what the sender had.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kg.access import GraphEntry, partner_graphs, visible_graphs
from kg.errors import KGError
from kg.namespaces import GRAPH, ONTOLOGY_GRAPH
from kg.package import container
from kg.package.audience import viewer_for
from kg.package.canonical import digest, graph_text
from kg.package.keys import fingerprint, public_text, sign, verifies
from kg.package.labels import Level, banner, label_for, levels, portion, to_xml
from kg.package.manifest import Entry, Manifest, timestamp
from kg.package.versions import graph_versions

MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"


@dataclass(frozen=True)
class Exported:
    """What an export wrote: the manifest and the size of the package file."""

    manifest: Manifest
    size: int


def export(
    store,
    spec: str,
    out: BinaryIO,
    key: Ed25519PrivateKey,
    since: bytes | None = None,
    since_name: str = "--since",
) -> Exported:
    """Write the package for viewer `spec` to `out` (incremental after the package `since`)."""
    previous = _previous(since, since_name, key, spec) if since is not None else None
    with store.lock:  # one moment of the store: no acceptance lands between two graphs
        names = sorted(visible_graphs(store, viewer_for(store, spec)))
        texts, state = {}, {}
        for name in names:
            text = graph_text(store, name)
            state[name] = digest(text)
            if previous is None or previous[0].state.get(name) != state[name]:
                texts[name] = text
        created = timestamp()
        entries, members = _entries(store, texts, created)
    manifest = Manifest(
        id=f"urn:uuid:{uuid.uuid4()}",
        created=created,
        signer=public_text(key),
        store=fingerprint(public_text(key)),
        viewer=spec,
        kind="full" if previous is None else "incremental",
        graphs=tuple(entries),
        state=state,
        removed=tuple(sorted(set(previous[0].state) - set(names))) if previous else (),
        follows={"id": previous[0].id, "manifest_sha256": previous[1]} if previous else None,
    )
    body = manifest.to_bytes()
    size = container.write([(MANIFEST, body), (SIGNATURE, sign(key, body)), *members], out)
    return Exported(manifest, size)


def _previous(data: bytes, where: str, key: Ed25519PrivateKey, spec: str) -> tuple[Manifest, str]:
    """Return an earlier package of this store for the same viewer, and its manifest's hash."""
    members = container.read(data, where)
    body = members.get(MANIFEST, b"")
    if not verifies(key.public_key(), body, members.get(SIGNATURE, b"")):
        raise KGError(
            f"{where}: not a package this store signed (its signature does not verify "
            "with this store's key)"
        )
    manifest = Manifest.from_bytes(body, f"{where}: {MANIFEST}")
    if manifest.viewer != spec:
        raise KGError(
            f"{where}: was made for {manifest.viewer}, not {spec}: an incremental "
            "package follows a package for the same viewer"
        )
    return manifest, digest(body)


def _entries(
    store, texts: dict[str, bytes], created: str
) -> tuple[list[Entry], list[tuple[str, bytes]]]:
    """Return the manifest entries and the members (graph and label files) of `texts`."""
    known = levels(store)
    owners = {e.graph: e for e in partner_graphs(store)}
    versions = _versions(store, [owners[n] for n in texts if n in owners])
    entries, members = [], []
    for number, (name, text) in enumerate(texts.items(), 1):
        owner = owners.get(name)
        label = to_xml(_label(owner, known), created)
        entry = _entry(name, owner, known, versions, text, label, number)
        entries.append(entry)
        members += [(entry.file, text), (entry.label, label)]
    return entries, members


def _label(owner: GraphEntry | None, known: dict[str, Level]):
    return label_for(owner.marking if owner else None, _code(owner), known)


def _code(owner: GraphEntry | None) -> str:
    """Return the partner code a partner graph is named by."""
    return owner.graph.removeprefix(GRAPH + "partner/").split("/")[0] if owner else ""


def _versions(store, owners: list[GraphEntry]) -> dict[str, int]:
    """Return each partner graph's own version (see kg.package.versions)."""
    keys: dict[str, dict[str, str]] = {}
    for owner in owners:
        keys.setdefault(_code(owner), {})[owner.marking.key] = owner.graph
    found = {}
    for partner, graphs in keys.items():
        counts = graph_versions(store, partner, set(graphs))
        found.update({graphs[k]: n for k, n in counts.items()})
    return found


def _entry(
    name: str,
    owner: GraphEntry | None,
    known: dict[str, Level],
    versions: dict[str, int],
    text: bytes,
    label: bytes,
    number: int,
) -> Entry:
    marking = owner.marking if owner else None
    kind = "ontology" if name == ONTOLOGY_GRAPH else "partner" if owner else "reference"
    return Entry(
        name=name,
        kind=kind,
        file=f"graphs/{number:04d}.nt",
        sha256=digest(text),
        statements=text.count(b"\n"),
        label=f"labels/{number:04d}.xml",
        label_sha256=digest(label),
        banner=banner(marking, _code(owner), known),
        portion=portion(marking, _code(owner), known),
        partner=_code(owner) or None,
        partner_iri=owner.partner if owner else None,
        version=versions.get(name),
        marking=marking,
    )
