"""Decide how two standards relate in one role: same, parallel, one family, convertible or not.

The facts come from the reference data (`csig:standardRole`, `csig:Equivalence`,
`csig:Conversion`, the family links), read with portable SPARQL 1.1; the rule is in
docs/analysis.md ("Comparing standards: relation and role").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.dataset import Dataset, GraphStore
from kg.namespaces import sparql_prefixes

STDROLE = "https://w3id.org/csig/standardrole/"
# Best first: the order in which a comparison in several roles picks its answer.
KINDS = ("same", "equivalent", "family", "convertible", "none", "other-role")
FAMILY_PATH = (
    "(dcterms:isPartOf|^dcterms:isPartOf|dcterms:replaces|^dcterms:replaces|"
    "dcterms:isReplacedBy|^dcterms:isReplacedBy|csig:profileOf|^csig:profileOf)*"
)
PREFIXES = sparql_prefixes(("csig", "dcterms"))
ROLES = (
    PREFIXES
    + """
SELECT ?standard ?role WHERE { ?standard a csig:DataStandard ; csig:standardRole ?role }"""
)
FAMILIES = (
    PREFIXES
    + f"""
SELECT ?standard (MIN(STR(?t)) AS ?family) WHERE {{
  ?standard a csig:DataStandard ; {FAMILY_PATH} ?t .
}} GROUP BY ?standard"""
)
EQUIVALENCES = (
    PREFIXES
    + """
SELECT ?relation ?a ?b ?source WHERE {
  ?relation a csig:Equivalence ; csig:between ?a, ?b .
  FILTER(?a != ?b)
  OPTIONAL { ?relation dcterms:source ?source }
}"""
)
CONVERSIONS = (
    PREFIXES
    + """
SELECT ?relation ?from ?to ?translation ?lossless ?loses ?dataType ?source WHERE {
  ?relation a csig:Conversion ; csig:fromStandard ?from ; csig:toStandard ?to ;
            csig:translation ?translation ; csig:lossless ?lossless ; csig:loses ?loses .
  OPTIONAL { ?relation csig:dataType ?dataType }
  OPTIONAL { ?relation dcterms:source ?source }
}"""
)


@dataclass(frozen=True)
class Conversion:
    """A sourced one-way translation from one standard into another."""

    relation: str
    source_standard: str
    target_standard: str
    translation: str
    lossless: bool
    loses: str
    data_type: str | None = None
    sources: tuple[str, ...] = ()

    def applies_to(self, data_type: str | None) -> bool:
        """Return whether the conversion covers `data_type` (any, when either is unset)."""
        return self.data_type is None or data_type is None or self.data_type == data_type


@dataclass(frozen=True)
class Verdict:
    """How a producer's standard relates to a consumer's, and the relation behind it."""

    kind: str
    relation: str | None = None
    conversion: Conversion | None = None
    sources: tuple[str, ...] = ()

    @property
    def connected(self) -> bool:
        """Return whether data can flow: as it is, across versions, or through a translator."""
        return self.kind in ("same", "equivalent", "family", "convertible")


@dataclass
class Relations:
    """The roles, families, parallel specifications and conversions of a dataset."""

    roles: dict[str, set[str]] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)
    parallel: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    conversions: dict[tuple[str, str], list[Conversion]] = field(default_factory=dict)

    def plays(self, standard: str, role: str) -> bool:
        """Return whether `standard` plays `role`; one with no recorded role plays every role."""
        known = self.roles.get(standard)
        return not known or role in known

    def shared_roles(self, a: str, b: str) -> set[str]:
        """Return the roles both standards play (every role of one when the other has none)."""
        ra, rb = self.roles.get(a), self.roles.get(b)
        if not ra or not rb:
            return set(ra or rb or {""})
        return ra & rb

    def compare(
        self, producer: str, consumer: str, role: str | None = None, data_type: str | None = None
    ) -> Verdict:
        """Return how data in `producer`'s standard reaches `consumer`'s, in `role`.

        Without a role, the standards are compared in every role both play and the best
        answer wins; with no role in common they are not alternatives ("other-role").
        """
        roles = [role] if role else sorted(self.shared_roles(producer, consumer))
        verdicts = [self._compare_in(producer, consumer, r, data_type) for r in roles]
        return min(verdicts, key=lambda v: KINDS.index(v.kind), default=Verdict("other-role"))

    def _compare_in(
        self, producer: str, consumer: str, role: str, data_type: str | None
    ) -> Verdict:
        """Return the verdict for one role (an empty role stands for an unknown one)."""
        if role and not (self.plays(producer, role) and self.plays(consumer, role)):
            return Verdict("other-role")
        if producer == consumer:
            return Verdict("same")
        if consumer in self.parallel.get(producer, {}):
            relation, sources = self.parallel[producer][consumer]
            return Verdict("equivalent", relation, sources=sources)
        if self.families.get(producer, producer) == self.families.get(consumer, consumer):
            return Verdict("family")
        conversion = self.conversion(producer, consumer, data_type)
        if conversion:
            return Verdict("convertible", conversion.relation, conversion, conversion.sources)
        return Verdict("none")

    def conversion(
        self, producer: str, consumer: str, data_type: str | None = None
    ) -> Conversion | None:
        """Return the best conversion from one standard to the other, lossless first.

        A conversion stated for a parallel specification holds for its twin, since their
        data is the same; conversions are not chained, since each step may lose something.
        """
        found = [
            c
            for a in self._with_parallel(producer)
            for b in self._with_parallel(consumer)
            for c in self.conversions.get((a, b), [])
            if c.applies_to(data_type)
        ]
        return min(found, key=lambda c: (not c.lossless, c.relation), default=None)

    def _with_parallel(self, standard: str) -> list[str]:
        """Return the standard and its parallel specifications."""
        return [standard, *sorted(self.parallel.get(standard, {}))]


def load_relations(store: GraphStore, dataset: Dataset | None = None) -> Relations:
    """Read roles, families, equivalences and conversions from a dataset."""
    out = Relations()
    for row in store.select(ROLES, dataset):
        out.roles.setdefault(row["standard"].value, set()).add(row["role"].value)
    for row in store.select(FAMILIES, dataset):
        out.families[row["standard"].value] = row["family"].value
    _read_equivalences(out, store.select(EQUIVALENCES, dataset))
    _read_conversions(out, store.select(CONVERSIONS, dataset))
    return out


def _read_equivalences(out: Relations, rows: list[dict]) -> None:
    """Record each equivalence both ways with its sources."""
    sources: dict[tuple[str, str, str], set[str]] = {}
    for row in rows:
        key = (row["relation"].value, row["a"].value, row["b"].value)
        sources.setdefault(key, set()).update([row["source"].value] if "source" in row else [])
    for (relation, a, b), found in sorted(sources.items()):
        out.parallel.setdefault(a, {})[b] = (relation, tuple(sorted(found)))


def _read_conversions(out: Relations, rows: list[dict]) -> None:
    """Record each conversion under its (from, to) pair with its sources."""
    merged: dict[str, tuple[dict, set[str]]] = {}
    for row in rows:
        _, found = merged.setdefault(row["relation"].value, (row, set()))
        found.update([row["source"].value] if "source" in row else [])
    for relation, (row, found) in sorted(merged.items()):
        conversion = Conversion(
            relation,
            row["from"].value,
            row["to"].value,
            row["translation"].value,
            row["lossless"].value in ("true", "1"),
            row["loses"].value,
            row["dataType"].value if "dataType" in row else None,
            tuple(sorted(found)),
        )
        pair = (conversion.source_standard, conversion.target_standard)
        out.conversions.setdefault(pair, []).append(conversion)


def role_iri(name: str) -> str:
    """Return the IRI of a standard role from its notation.

    >>> role_iri("transport")
    'https://w3id.org/csig/standardrole/transport'
    """
    return STDROLE + name
