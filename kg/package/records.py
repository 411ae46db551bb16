"""What the receiving store records about imported packages, in its meta graph.

Each imported package is a `csig:ReleasePackage` with its signer, the viewer it was made for,
its manifest's hash, creation time and the state it leaves (graph name and hash, one per
line), so that the next incremental package can be checked to follow it. Each version an
import makes is `csig:importedFrom` the package, and each imported graph keeps its
`csig:sourceVersion` (the graph's own version at the source) and the package it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.dataset import Dataset
from kg.namespaces import CSIG, ID, META_GRAPH, PREFIXES, sparql_prefixes

META = Dataset((META_GRAPH,))
XSD = PREFIXES["xsd"]
LAST = (
    sparql_prefixes(("csig", "prov"))
    + """
SELECT ?p ?sha ?state ?created WHERE {
  ?p a csig:ReleasePackage ; csig:signedBy ?_signer ; csig:releasedTo ?_viewer ;
     csig:manifestSha256 ?sha ; csig:packageState ?state ; prov:generatedAtTime ?created .
} ORDER BY DESC(?created) LIMIT 1"""
)
KNOWN = f"ASK {{ ?_p a <{CSIG}ReleasePackage> }}"
ORIGIN = (
    sparql_prefixes(("csig",))
    + """
SELECT ?signer ?viewer WHERE { ?_record csig:importedFrom ?p .
  ?p csig:signedBy ?signer ; csig:releasedTo ?viewer }"""
)
SOURCES = (
    sparql_prefixes(("csig",))
    + """
SELECT ?g ?v ?p WHERE { ?g csig:sourceVersion ?v ; csig:importedFrom ?p .
  FILTER(STRSTARTS(STR(?g), ?_prefix)) }"""
)
PACKAGES = (
    sparql_prefixes(("csig", "prov"))
    + """
SELECT ?p ?signer ?viewer ?created WHERE {
  ?p a csig:ReleasePackage ; csig:signedBy ?signer ; csig:releasedTo ?viewer ;
     prov:generatedAtTime ?created .
} ORDER BY DESC(?created)"""
)
PARTNER = (
    sparql_prefixes(("csig",))
    + """
SELECT ?iri WHERE { ?s csig:partnerCode ?_code ; csig:partner ?iri } LIMIT 1"""
)


@dataclass(frozen=True)
class Imported:
    """A package this store imported: what the next package from that sender must follow."""

    id: str
    manifest_sha256: str
    state: dict[str, str]
    created: str


def last_package(store, signer: str, viewer: str) -> Imported | None:
    """Return the last package imported from `signer` for `viewer`, if any."""
    rows = store.select(LAST, META, {"_signer": ox.Literal(signer), "_viewer": ox.Literal(viewer)})
    if not rows:
        return None
    row = rows[0]
    state = dict(reversed(line.split(" ", 1)) for line in row["state"].value.splitlines())
    return Imported(row["p"].value, row["sha"].value, state, row["created"].value)


def imported_packages(store) -> list[dict[str, str]]:
    """Return every package this store imported, newest first: id, signer, viewer, created."""
    return [
        {
            "id": r["p"].value,
            "signer": r["signer"].value,
            "viewer": r["viewer"].value,
            "created": r["created"].value,
        }
        for r in store.select(PACKAGES, META)
    ]


def imported_before(store, package: str) -> bool:
    """Return whether a package of this identity was imported already."""
    return bool(store.query(KNOWN, META, {"_p": ox.NamedNode(package)}))


def origin(store, partner: str, version: int) -> tuple[str, str] | None:
    """Return (signer, viewer) of the package a version was imported from; None if local."""
    record = ox.NamedNode(f"{ID}submission/{partner}/{version}")
    rows = store.select(ORIGIN, META, {"_record": record})
    return (rows[0]["signer"].value, rows[0]["viewer"].value) if rows else None


def sources(store, prefix: str) -> dict[str, tuple[int, str]]:
    """Return the source version and package of each imported graph under `prefix`."""
    rows = store.select(SOURCES, META, {"_prefix": ox.Literal(prefix)})
    return {r["g"].value: (int(r["v"].value), r["p"].value) for r in rows}


def partner_iri(store, code: str) -> str | None:
    """Return the IRI the store records for a partner code."""
    rows = store.select(PARTNER, META, {"_code": ox.Literal(code)})
    return rows[0]["iri"].value if rows else None


def package_lines(manifest, manifest_sha256: str) -> list[str]:
    """Return the meta statements that record an imported package."""
    node = f"<{manifest.id}>"
    state = "\n".join(f"{h} {g}" for g, h in sorted(manifest.state.items()))
    return [
        f"{node} a <{CSIG}ReleasePackage>",
        f"{node} <{CSIG}signedBy> {_lit(manifest.signer)}",
        f"{node} <{CSIG}releasedTo> {_lit(manifest.viewer)}",
        f"{node} <{CSIG}manifestSha256> {_lit(manifest_sha256)}",
        f"{node} <{CSIG}packageState> {_lit(state)}",
        f"{node} <{PREFIXES['prov']}generatedAtTime> {_lit(manifest.created, 'dateTime')}",
    ]


def source_lines(graph: str, version: int, package: str) -> list[str]:
    """Return the meta statements that keep an imported graph's provenance."""
    return [
        f"<{graph}> <{CSIG}sourceVersion> {_lit(version, 'integer')}",
        f"<{graph}> <{CSIG}importedFrom> <{package}>",
    ]


def record_line(record: str, package: str) -> str:
    """Return the statement that a version was imported from a package."""
    return f"<{record}> <{CSIG}importedFrom> <{package}>"


def insert(lines: list[str]) -> str:
    """Return an update inserting `lines` into the meta graph."""
    return f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{\n" + " .\n".join(lines) + " .\n} }"


def _lit(value, datatype: str = "string") -> str:
    return str(ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype)))
