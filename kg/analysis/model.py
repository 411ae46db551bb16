"""The facts the network analysis needs, read once from a viewer's dataset."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.compatibility import KINDS, Relations, Verdict, load_relations
from kg.dataset import Dataset, GraphStore
from kg.findings.inputs import Select, load_standards, sides

FAMILY = (
    "(dcterms:isPartOf|^dcterms:isPartOf|dcterms:replaces|^dcterms:replaces|"
    "dcterms:isReplacedBy|^dcterms:isReplacedBy|csig:profileOf|^csig:profileOf)*"
)
PREFIXES = """PREFIX csig: <https://w3id.org/csig/ont#>
PREFIX status: <https://w3id.org/csig/status/>
PREFIX lifecycle: <https://w3id.org/csig/lifecycle/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
INTERFACES = (
    PREFIXES
    + """
SELECT ?capability ?partner ?direction ?dataType ?standard ?role ?assumed WHERE {
  ?member ?direction ?interface ; csig:providedBy ?partner ; csig:status ?status .
  VALUES ?direction { csig:produces csig:consumes }
  ?interface csig:dataType ?dataType ; csig:standard ?standard .
  FILTER(?status NOT IN (status:retired, status:cancelled))
  OPTIONAL { ?interface csig:interfaceRole ?role }
  OPTIONAL { ?interface csig:assumed ?assumed }
  # A member satellite's interfaces are its constellation's: the constellation counts once.
  OPTIONAL { ?member csig:memberOf|^csig:hasMember ?constellation }
  BIND(COALESCE(?constellation, ?member) AS ?capability)
}"""
)
# A member satellite and its constellation, as INTERFACES's OPTIONAL finds them.
CONSTELLATIONS = (
    PREFIXES
    + "SELECT ?member ?constellation WHERE { ?member csig:memberOf|^csig:hasMember ?constellation }"
)
FAMILIES = (
    PREFIXES
    + f"""
SELECT ?standard (MIN(STR(?t)) AS ?family) (SAMPLE(?life) AS ?lifecycle)
       (SAMPLE(?next) AS ?replacement) WHERE {{
  ?standard a csig:DataStandard ; {FAMILY} ?t .
  OPTIONAL {{ ?standard csig:lifecycleStatus ?life }}
  OPTIONAL {{ ?standard dcterms:isReplacedBy|csig:functionallySupersededBy ?next }}
}} GROUP BY ?standard"""
)
MEMBERS = (
    PREFIXES
    + """
SELECT ?partner ?coalition WHERE {
  { ?m csig:member ?partner ; csig:coalition ?coalition }
  UNION { ?partner a csig:Coalition BIND(?partner AS ?coalition) }
}"""
)
IER_TYPES = (
    PREFIXES
    + """
SELECT DISTINCT ?dataType WHERE {
  ?ier a csig:InformationExchangeRequirement ; csig:dataType ?dataType }"""
)
RETIRED = ("superseded", "obsolete")


@dataclass(frozen=True)
class Interface:
    """One interface of an active capability: who, which way, what data, which standard."""

    capability: str
    partner: str
    direction: str  # produces | consumes
    data_type: str
    standard: str
    role: str | None = None  # the interface's own role, when it states one
    assumed: bool = False  # an analyst's assumption, not stated by a source


@dataclass
class Model:
    """Interfaces, standard families, coalitions and required data types of one dataset."""

    interfaces: list[Interface] = field(default_factory=list)
    families: dict[str, str] = field(default_factory=dict)
    current: set[str] = field(default_factory=set)
    coalitions: dict[str, set[str]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    relations: Relations | None = None
    _verdicts: dict = field(default_factory=dict, repr=False, compare=False)
    _best: dict = field(default_factory=dict, repr=False, compare=False)

    def family(self, standard: str) -> str:
        """Return the family key of a standard (the standard itself when unknown)."""
        return self.families.get(standard, standard)

    def compare(
        self, producer: tuple[str, str | None], consumer: tuple[str, str | None], data_type: str
    ) -> Verdict:
        """Return how a (standard, interface role) producer reaches a consumer for a data type.

        The rule of docs/analysis.md: two interfaces that state different roles are not
        compared; otherwise the stated role, else every role the standards share, decides.
        """
        key = (producer, consumer, data_type)
        if key not in self._verdicts:
            (pstd, prole), (cstd, crole) = producer, consumer
            if prole and crole and prole != crole:
                found = Verdict("other-role")
            else:
                if self.relations is None:
                    self.relations = Relations(families=dict(self.families))
                found = self.relations.compare(pstd, cstd, prole or crole, data_type)
            self._verdicts[key] = found
        return self._verdicts[key]

    def best(self, producers, consumers, data_type: str) -> Verdict:
        """Return the best verdict over every producer and consumer use ("other-role" if none).

        Kept per pair of use sets: the recommender asks the same pairs for every candidate.
        """
        key = (frozenset(producers), frozenset(consumers), data_type)
        if key not in self._best:
            verdicts = [self.compare(p, c, data_type) for p in producers for c in consumers]
            self._best[key] = min(
                verdicts, key=lambda v: KINDS.index(v.kind), default=Verdict("other-role")
            )
        return self._best[key]

    def partners(self) -> list[str]:
        """Return every partner with an active capability interface, sorted."""
        return sorted({i.partner for i in self.interfaces})


def load_model(store: GraphStore, dataset: Dataset, select: Select | None = None) -> Model:
    """Read the analysis model from a viewer's dataset.

    With `select` (a whole report's reader on the same dataset), the interfaces come from the
    rows the pair reports read, so a whole report reads every interface once.
    """
    model = Model()
    if select is None:
        rows = store.select(INTERFACES, dataset)
        model.interfaces = [
            _interface(row, _value(row.get("role")), row["capability"]) for row in rows
        ]
    else:
        model.interfaces = shared_interfaces(select)
    for row in store.select(FAMILIES, dataset):
        model.families[row["standard"].value] = row["family"].value
        life = row.get("lifecycle")
        retired = life is not None and life.value.rsplit("/", 1)[-1] in RETIRED
        if not retired and "replacement" not in row:
            model.current.add(row["standard"].value)
    for row in store.select(MEMBERS, dataset):
        model.coalitions.setdefault(row["partner"].value, set()).add(row["coalition"].value)
    model.required = {r["dataType"].value for r in store.select(IER_TYPES, dataset)}
    model.relations = load_relations(store, dataset)
    return model


def _value(term) -> str | None:
    """Return a term's value, or None for an unbound one."""
    return term.value if term is not None else None


def _interface(row: dict, role: str | None, capability) -> Interface:
    """Return the interface of a row of INTERFACES or of `sides`, with its role and capability."""
    assumed = row.get("assumed")
    return Interface(
        capability.value,
        row["partner"].value,
        row["direction"].value.rsplit("#", 1)[-1],
        row["dataType"].value,
        row["standard"].value,
        role,
        assumed is not None and assumed.value in ("true", "1"),
    )


def shared_interfaces(select: Select) -> list[Interface]:
    """Return the interfaces INTERFACES gives, from the shared `sides` rows: one per role of the
    interface (or none) and per constellation of the capability (or none), as its OPTIONALs
    give them."""
    roles = load_standards(select).interface_roles
    constellations: dict[str, list] = {}
    for row in select(CONSTELLATIONS):
        constellations.setdefault(row["member"].value, []).append(row["constellation"])
    return [
        _interface(row, role, capability)
        for row in sides(select)
        for role in sorted(roles.get(row["interface"].value, ())) or [None]
        for capability in constellations.get(row["capability"].value) or [row["capability"]]
    ]


def short(iri: str) -> str:
    """Return the last segment of an IRI, for display.

    >>> short("https://w3id.org/csig/id/nation/GBR")
    'GBR'
    """
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
