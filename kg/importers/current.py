"""What the partner (and, from the store, everyone else) already records about space objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.importers.records import normalised
from kg.namespaces import CSIG, PREFIXES

TYPE = PREFIXES["rdf"] + "type"
NAMES = (
    PREFIXES["rdfs"] + "label",
    PREFIXES["skos"] + "altLabel",
    PREFIXES["dcterms"] + "identifier",
)


@dataclass
class Capability:
    """One recorded capability: its IRI, provider, kind, names and identity facts."""

    iri: str
    provider: str = ""
    kind: str = ""
    names: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)  # mission-area notations
    facts: dict[str, str] = field(default_factory=dict)  # csig local name -> value

    @property
    def identifier(self) -> str:
        """Return the capability's identifier (the last segment of its IRI)."""
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class Current:
    """The partner's current data, its capabilities, other partners' and template rows."""

    partner: str
    triples: list[ox.Triple]
    capabilities: dict[str, Capability]
    others: dict[str, Capability] = field(default_factory=dict)
    rows: list[dict] | None = None  # the partner's own template rows, when read from one
    origin: str = ""

    def by_identity(self) -> tuple[dict[str, Capability], dict[str, Capability]]:
        """Return the partner's capabilities indexed by COSPAR id and NORAD number."""
        return _index(self.capabilities, "cosparId"), _index(self.capabilities, "noradId")


def _index(caps: dict[str, Capability], fact: str) -> dict[str, Capability]:
    return {c.facts[fact].upper(): c for c in caps.values() if c.facts.get(fact)}


def capabilities_of(triples: list[ox.Triple]) -> dict[str, Capability]:
    """Return the capabilities the triples describe."""
    caps: dict[str, Capability] = {}
    for t in triples:
        if t.predicate.value == TYPE and t.object.value == CSIG + "Capability":
            caps.setdefault(t.subject.value, Capability(t.subject.value))
    for t in triples:
        cap = caps.get(t.subject.value)
        if cap is None:
            continue
        predicate, value = t.predicate.value, t.object.value
        if predicate == CSIG + "providedBy":
            cap.provider = value
        elif predicate == CSIG + "kind":
            cap.kind = value.rsplit("/", 1)[-1]
        elif predicate in NAMES:
            cap.names.append(value)
        elif predicate == CSIG + "missionArea":
            cap.areas.append(value.removeprefix(PREFIXES["ma"]).replace("-", "."))
        elif predicate.startswith(CSIG):
            cap.facts.setdefault(predicate.removeprefix(CSIG), value)
    return caps


def names_index(caps: dict[str, Capability]) -> dict[str, list[Capability]]:
    """Return the single space objects by normalised name (constellations and sites excluded)."""
    index: dict[str, list[Capability]] = {}
    for cap in caps.values():
        if cap.kind not in ("satellite", "hosted-payload", ""):
            continue
        for name in dict.fromkeys(normalised(n) for n in cap.names):
            if name:
                index.setdefault(name, []).append(cap)
    return index


def from_file(path: Path, partner: str, context) -> Current:
    """Read the partner's current submission file (Turtle, JSON-LD, CSV or XLSX)."""
    from kg.submissions import read
    from kg.submissions.tabular import rows_of_csv
    from kg.submissions.workbook import rows_of_xlsx

    source = read(path, context)
    rows = None
    if source.format in ("csv", "xlsx"):
        data = path.read_bytes()
        parsed = (
            rows_of_xlsx(data, path.name)
            if source.format == "xlsx"
            else rows_of_csv(data.decode("utf-8-sig"), path.name)
        )
        rows = [row for _number, row in parsed]
    return Current(
        partner, source.triples, capabilities_of(source.triples), rows=rows, origin=str(path)
    )


OTHERS = """PREFIX csig: <https://w3id.org/csig/ont#>
SELECT ?cap ?p ?o WHERE {
  ?cap a csig:Capability ; csig:providedBy ?provider .
  FILTER(?provider != ?_partner)
  ?cap ?p ?o .
  VALUES ?p { csig:providedBy csig:kind csig:cosparId csig:noradId
              <http://www.w3.org/2000/01/rdf-schema#label> }
}"""


def from_store(store, partner: str, partner_iri: str) -> Current:
    """Read the partner's accepted data, and other partners' space objects, from the store."""
    from kg.access import full_dataset
    from kg.submissions.history import last_version, version_triples

    version = last_version(store, partner)
    if not version:
        raise KGError(
            f"partner {partner} has no accepted data in the store; give its current "
            "submission file with --current FILE"
        )
    triples = version_triples(store, partner, version)
    rows = store.select(OTHERS, full_dataset(store), {"_partner": ox.NamedNode(partner_iri)})
    other = [
        ox.Triple(r["cap"], ox.NamedNode(TYPE), ox.NamedNode(CSIG + "Capability")) for r in rows
    ]
    other += [ox.Triple(r["cap"], r["p"], r["o"]) for r in rows]
    return Current(
        partner,
        triples,
        capabilities_of(triples),
        capabilities_of(other),
        origin=f"the store (version {version})",
    )
