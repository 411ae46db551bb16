"""The inputs of the stepwise reports: a few simple SELECTs, read into plain Python values.

Each query is portable SPARQL 1.1 with no aggregate over a join (the families' path closure
aside, shared with kg/compatibility.py), so every engine answers it quickly; the reports join
the answers in Python by the rule of docs/analysis.md ("Comparing standards: relation and
role"), the rule their `.rq` files state in SPARQL.

The large inputs (what capabilities produce, consume and use, and where they stand) are read,
on the embedded store, as one scan per predicate (`objects`) joined in Python: there a joined
query looks each row up in the on-disk indexes while a scan reads them in order (at 1M the
joined SIDES and USES took 5.0 s and 4.4 s, the scans they share 2.5 s). A remote store
answers the joined query (`Select.scans` false): Virtuoso joins well, and the scans would
carry three times the rows over HTTP (at 1M two reports took twice as long from scans).
Both ways give the same rows (tests/test_steps.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import pyoxigraph as ox

from kg.compatibility import EQUIVALENCES, FAMILIES
from kg.namespaces import CSIG, PREFIXES, sparql_prefixes

XSD = PREFIXES["xsd"]
PRODUCES, CONSUMES = ox.NamedNode(CSIG + "produces"), ox.NamedNode(CSIG + "consumes")
HAS_INTERFACE = ox.NamedNode(CSIG + "hasInterface")
ENDED = frozenset(ox.NamedNode(PREFIXES["status"] + s) for s in ("retired", "cancelled"))
HEAD = sparql_prefixes(("csig", "status", "skos", "rdfs"))
# The joined queries the large inputs stand for, as a store other than the embedded one reads
# them (its joins beat moving every scanned row over HTTP).
SIDES = (
    HEAD
    + """
SELECT ?capability ?partner ?direction ?interface ?dataType ?standard ?assumed WHERE {
  ?capability ?direction ?interface ; csig:providedBy ?partner ; csig:status ?status .
  VALUES ?direction { csig:produces csig:consumes }
  ?interface csig:dataType ?dataType ; csig:standard ?standard .
  FILTER(?status NOT IN (status:retired, status:cancelled))
  OPTIONAL { ?interface csig:assumed ?assumed }
}"""
)
USES = (
    HEAD
    + """
SELECT DISTINCT ?capability ?partner ?interface ?dataType ?standard ?assumed WHERE {
  ?capability csig:hasInterface|csig:produces|csig:consumes ?interface ;
              csig:providedBy ?partner .
  ?interface csig:dataType ?dataType ; csig:standard ?standard .
  OPTIONAL { ?interface csig:assumed ?assumed }
}"""
)
INTERFACE_ROLES = (
    HEAD + "SELECT DISTINCT ?interface ?role WHERE { ?interface csig:interfaceRole ?role }"
)
STANDARD_ROLES = (
    HEAD + "SELECT DISTINCT ?standard ?role WHERE { ?standard csig:standardRole ?role }"
)
CONVERSIONS = (
    HEAD
    + """
SELECT DISTINCT ?relation ?from ?to ?lossless ?dataType WHERE {
  ?relation a csig:Conversion ; csig:fromStandard ?from ; csig:toStandard ?to ;
            csig:lossless ?lossless .
  OPTIONAL { ?relation csig:dataType ?dataType }
}"""
)
TRANSLATIONS = (
    HEAD
    + """
SELECT DISTINCT ?relation ?translation ?lossless ?loses ?label WHERE {
  ?relation a csig:Conversion ; csig:translation ?translation ; csig:lossless ?lossless ;
            csig:loses ?loses ; rdfs:label ?label .
}"""
)
REQUIREMENTS = (
    HEAD
    + """
SELECT DISTINCT ?ier ?code ?area ?dataType WHERE {
  ?ier a csig:InformationExchangeRequirement ; skos:notation ?code ;
       csig:dataType ?dataType ; csig:missionArea ?area .
}"""
)
BROADER = (
    HEAD
    + """
SELECT DISTINCT ?area ?top WHERE {
  ?ier a csig:InformationExchangeRequirement ; csig:missionArea ?area .
  ?area skos:broader ?top .
}"""
)
NOTATIONS = (
    HEAD
    + """
SELECT DISTINCT ?partner ?notation WHERE {
  ?capability csig:providedBy ?partner . ?partner skos:notation ?notation .
}"""
)
# Every notation and every broader link, whoever holds them (coverage and overlaps).
CODES = HEAD + "SELECT DISTINCT ?partner ?code WHERE { ?partner skos:notation ?code }"
ANY_BROADER = HEAD + "SELECT DISTINCT ?area ?top WHERE { ?area skos:broader ?top }"
MEMBERSHIPS = (
    HEAD
    + """
SELECT DISTINCT ?membership ?partner ?coalition WHERE {
  ?membership csig:member ?partner ; csig:coalition ?coalition .
}"""
)
COALITIONS = HEAD + "SELECT DISTINCT ?coalition WHERE { ?coalition a csig:Coalition }"


class Shared:
    """Values computed at most once for one run over one store, dataset and runner.

    A whole report passes one to every report it runs, so reports that read the same inputs
    (the pair reports) read them once; a report run alone gets its own. A caller asking for a
    key another thread is computing waits for that value; a failure is not kept.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._values: dict[str, Any] = {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """Return the value kept for `key`, computing it on the first call."""
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = compute()
            return self._values[key]


class Select:
    """How a stepwise report reads the viewer's dataset: calling it runs one query."""

    def __init__(
        self, run: Callable[[str], list[dict]], shared: Shared | None = None, scans: bool = True
    ):
        self.run = run
        self.shared = shared if shared is not None else Shared()
        self.scans = scans  # large inputs as scans joined in Python, else as joined queries

    def __call__(self, text: str) -> list[dict]:
        """Return the rows of one query."""
        return self.run(text)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """Return `compute()`, shared with the other reports of the run that ask for `key`."""
        return self.shared.get(key, compute)


def ebv(term) -> bool:
    """Return a literal's effective boolean value as SPARQL's IF and COALESCE use it."""
    if term is None or not isinstance(term, ox.Literal):
        return False
    kind = term.datatype.value
    if kind == XSD + "boolean":
        return term.value in ("true", "1")
    if kind.startswith(XSD) and kind[len(XSD) :] in ("integer", "decimal", "double", "float"):
        try:
            return float(term.value) != 0
        except ValueError:
            return False
    return term.value != ""


def after(text: str, marker: str) -> str:
    """Return SPARQL's STRAFTER: the text after the first `marker`, else ""."""
    _, found, rest = text.partition(marker)
    return rest if found else ""


def literal(text: str) -> ox.Literal:
    """Return a plain string literal."""
    return ox.Literal(text)


def integer(number: int) -> ox.Literal:
    """Return an xsd:integer literal, as COUNT and SUM give."""
    return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))


def boolean(value: bool) -> ox.Literal:
    """Return an xsd:boolean literal."""
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))


def is_string(term) -> bool:
    """Return whether CONCAT accepts the term: a string literal, plain or language-tagged."""
    return isinstance(term, ox.Literal) and (
        term.language is not None or term.datatype.value == XSD + "string"
    )


@dataclass
class Standards:
    """How standards relate: roles, families, parallel specifications and conversions."""

    standard_roles: dict[str, set[str]] = field(default_factory=dict)
    interface_roles: dict[str, set[str]] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)
    parallel: dict[tuple[str, str], str] = field(default_factory=dict)  # pair: least relation
    conversions: list[tuple[str, str, str, bool, str | None]] = field(default_factory=list)
    keys: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def roles(self, interface: str, standard: str) -> frozenset[str]:
        """Return the roles an interface uses its standard in: its own, the standard's, "any"."""
        return frozenset(
            self.interface_roles.get(interface) or self.standard_roles.get(standard) or {"any"}
        )

    def key(self, a: str, b: str, data_type: str) -> str:
        """Return the sort key "rank lossy relation" from `a` to `b` for a data type.

        Rank 0 the same standard, 1 parallel specifications, 2 one family, 3 a conversion
        (lossless first; also one stated for a parallel twin of either), 4 nothing.
        """
        found = self.keys.get((a, b, data_type))
        if found is None:
            found = self.keys[(a, b, data_type)] = self._key(a, b, data_type)
        return found

    def _key(self, a: str, b: str, data_type: str) -> str:
        if a == b:
            return "00 "
        if (a, b) in self.parallel:
            return "10 " + self.parallel[(a, b)]
        if self.families.get(a, a) == self.families.get(b, b):
            return "20 "
        keys = [
            f"3{0 if lossless else 1} {relation}"
            for relation, source, target, lossless, only in self.conversions
            if (only is None or only == data_type)
            and (source == a or (a, source) in self.parallel)
            and (target == b or (b, target) in self.parallel)
        ]
        return min(keys, default="40 ")


def compatible(first: frozenset[str], second: frozenset[str]) -> bool:
    """Return whether two interfaces' roles let them be compared."""
    return "any" in first or "any" in second or not first.isdisjoint(second)


def objects(select: Select, predicate: str) -> dict:
    """Return each subject's objects of one predicate (an IRI): one scan, read once per run."""
    return select.once("objects " + predicate, lambda: _objects(select, predicate))


def _objects(select: Select, predicate: str) -> dict:
    out: dict = {}
    for row in select(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
        out.setdefault(row["s"], []).append(row["o"])
    return out


def subjects(select: Select, predicate: str) -> set:
    """Return the terms some subject has as an object of `predicate`."""
    return {o for objects_ in objects(select, predicate).values() for o in objects_}


def alive(select: Select) -> Callable[[Any], int]:
    """Return how many statuses of a capability are neither retired nor cancelled: the
    solutions of `?capability csig:status ?status FILTER(?status NOT IN (...))`."""
    statuses = objects(select, CSIG + "status")
    return lambda capability: sum(s not in ENDED for s in statuses.get(capability, ()))


def described(select: Select) -> Callable[[Any], list[dict]]:
    """Return what describes an interface: its data types and standards, and whether each is
    assumed, as the solutions of `?interface csig:dataType ?dataType ; csig:standard ?standard
    . OPTIONAL { ?interface csig:assumed ?assumed }`."""
    types, standards, assumed = (
        objects(select, CSIG + name) for name in ("dataType", "standard", "assumed")
    )

    def rows(interface) -> list[dict]:
        found = product(
            types.get(interface, ()), standards.get(interface, ()), assumed.get(interface) or [None]
        )
        return [
            {"dataType": t, "standard": s} | ({} if a is None else {"assumed": a})
            for t, s, a in found
        ]

    return rows


def sides(select: Select) -> list[dict]:
    """Return the sides of exchanges, read once per run (the pair reports and the model).

    Each row is a solution, duplicates kept, of
    `?capability ?direction ?interface ; csig:providedBy ?partner ; csig:status ?status .
    VALUES ?direction { csig:produces csig:consumes }
    ?interface csig:dataType ?dataType ; csig:standard ?standard .
    FILTER(?status NOT IN (status:retired, status:cancelled))
    OPTIONAL { ?interface csig:assumed ?assumed }`.
    """
    return select.once("sides", lambda: _sides(select) if select.scans else select(SIDES))


def _sides(select: Select) -> list[dict]:
    partners, times, describe = (
        objects(select, CSIG + "providedBy"),
        alive(select),
        described(select),
    )
    out = []
    for direction in (PRODUCES, CONSUMES):
        for capability, interfaces in objects(select, direction.value).items():
            count = times(capability)
            for interface, partner in product(interfaces, partners.get(capability, ())):
                head = {"capability": capability, "partner": partner, "direction": direction}
                for row in describe(interface):
                    out.extend({**head, "interface": interface, **row} for _ in range(count))
    return out


def uses(select: Select) -> list[dict]:
    """Return every standard a capability uses, read once per run: the distinct solutions of
    `?capability csig:hasInterface|csig:produces|csig:consumes ?interface ;
    csig:providedBy ?partner . ?interface csig:dataType ?dataType ; csig:standard ?standard .
    OPTIONAL { ?interface csig:assumed ?assumed }`."""
    return select.once("uses", lambda: _uses(select) if select.scans else select(USES))


def _uses(select: Select) -> list[dict]:
    partners, describe = objects(select, CSIG + "providedBy"), described(select)
    found: dict[tuple, dict] = {}
    for link in (HAS_INTERFACE, PRODUCES, CONSUMES):
        for capability, interfaces in objects(select, link.value).items():
            for interface, partner in product(interfaces, partners.get(capability, ())):
                for row in describe(interface):
                    head = {"capability": capability, "partner": partner, "interface": interface}
                    found.setdefault((*head.values(), *row.values()), head | row)
    return list(found.values())


def load_standards(select: Select) -> Standards:
    """Return the roles and relations of the standards, read once per run."""
    return select.once("standards", lambda: _standards(select))


def _standards(select: Select) -> Standards:
    """Read the roles and relations of the standards."""
    out = Standards()
    for row in select(STANDARD_ROLES):
        out.standard_roles.setdefault(row["standard"].value, set()).add(row["role"].value)
    for row in select(INTERFACE_ROLES):
        out.interface_roles.setdefault(row["interface"].value, set()).add(row["role"].value)
    for row in select(FAMILIES):
        out.families[row["standard"].value] = row["family"].value
    for row in select(EQUIVALENCES):
        pair = (row["a"].value, row["b"].value)
        relation = row["relation"].value
        out.parallel[pair] = min(out.parallel.get(pair, relation), relation)
    out.conversions = [
        (
            row["relation"].value,
            row["from"].value,
            row["to"].value,
            ebv(row["lossless"]),
            row["dataType"].value if "dataType" in row else None,
        )
        for row in select(CONVERSIONS)
    ]
    return out


def translations(select: Select) -> dict[str, list[dict]]:
    """Return each conversion's translation, losslessness, losses and label rows by IRI."""
    out: dict[str, list[dict]] = {}
    for row in select(TRANSLATIONS):
        out.setdefault(row["relation"].value, []).append(row)
    return out


def grouped(select: Select, text: str, key: str, value: str) -> dict[str, list]:
    """Return the rows of a two-column query as lists of `value` terms by `key` IRI."""
    out: dict[str, list] = {}
    for row in select(text):
        out.setdefault(row[key].value, []).append(row[value])
    return out


def coalition_counts(select: Select, coalition: ox.NamedNode | None) -> dict[str, int]:
    """Return, per partner, in how many ways it belongs to `coalition` (itself counting once)."""
    if coalition is None:
        return {}
    out: dict[str, int] = {}
    for row in select(MEMBERSHIPS):
        if row["coalition"] == coalition:
            out[row["partner"].value] = out.get(row["partner"].value, 0) + 1
    if any(row["coalition"] == coalition for row in select(COALITIONS)):
        out[coalition.value] = out.get(coalition.value, 0) + 1
    return out
