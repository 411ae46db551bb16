"""Confidentiality labels: each graph's marking as a STANAG 4774 label and a CAPCO-style banner.

The label follows the public outline of STANAG 4774 / ADatP-4774 "Confidentiality Metadata
Label Syntax" (docs/packages.md says what is public and what is followed): namespace
`urn:nato:stanag:4774:confidentialitymetadatalabel:1:0`, a `ConfidentialityLabel` holding
`ConfidentialityInformation` (a `PolicyIdentifier`, a `Classification` and `Category`
elements with `TagName`, `Type` and `GenericValue`s) and a `CreationDateTime`. Labels are
read back only with defusedxml, and compared as parsed structures, never as text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # writing only: every label read goes through defusedxml
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kg.access import NOFORN, REL, Marking
from kg.dataset import Dataset
from kg.errors import KGError
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES, sparql_prefixes

CLS = PREFIXES["cls"]
NS = "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
PROJECT_POLICY = ("CSIG", "https://w3id.org/csig/vocab/classification")  # public project graphs
RELEASABLE = "Releasable to"
CONTROL = "Dissemination control"
LEVELS = (
    sparql_prefixes(("csig", "skos"))
    + """
SELECT ?level ?rank ?label ?notation WHERE {
  ?level csig:rank ?rank ; skos:prefLabel ?label ; skos:notation ?notation .
  FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "")
}"""
)


@dataclass(frozen=True)
class Level:
    """A classification level as labels name it."""

    rank: int
    label: str
    notation: str


@dataclass(frozen=True)
class Label:
    """A STANAG 4774 confidentiality label, as parsed structure."""

    policy: str
    policy_uri: str
    classification: str
    categories: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (TagName, Type, values)


def levels(store) -> dict[str, Level]:
    """Return every classification level of the ontology by IRI."""
    rows = store.select(LEVELS, Dataset((ONTOLOGY_GRAPH,)))
    return {
        r["level"].value: Level(int(r["rank"].value), r["label"].value.upper(), r["notation"].value)
        for r in rows
    }


def code(iri: str) -> str:
    """Return the code an IRI ends in.

    >>> code("https://w3id.org/csig/id/nation/FRA")
    'FRA'
    """
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def label_for(marking: Marking | None, partner: str, known: dict[str, Level]) -> Label:
    """Return the label of a graph under `marking` (None: a public project graph)."""
    if marking is None:
        return Label(*PROJECT_POLICY, "UNCLASSIFIED")
    level = _level(marking, known)
    categories = []
    if marking.dissemination == REL:
        categories.append((RELEASABLE, "PERMISSIVE", tuple(sorted(map(code, marking.releasable)))))
        categories.append((CONTROL, "INFORMATIVE", ("REL TO",)))
    elif marking.dissemination == NOFORN:
        categories.append((RELEASABLE, "PERMISSIVE", (partner,)))
        categories.append((CONTROL, "INFORMATIVE", ("NOFORN",)))
    elif marking.dissemination:
        raise KGError(f"{marking.dissemination}: no label for this dissemination control")
    return Label(code(marking.system), marking.system, level.label, tuple(categories))


def _level(marking: Marking, known: dict[str, Level]) -> Level:
    if marking.classification not in known:
        raise KGError(f"<{marking.classification}>: not a classification level of the ontology")
    return known[marking.classification]


def to_xml(label: Label, created: str) -> bytes:
    """Return a label as a STANAG 4774 XML document (the namespace is the default one)."""
    root = ET.Element("ConfidentialityLabel", xmlns=NS)
    info = ET.SubElement(root, "ConfidentialityInformation")
    ET.SubElement(info, "PolicyIdentifier", URI=label.policy_uri).text = label.policy
    ET.SubElement(info, "Classification").text = label.classification
    for tag, kind, values in label.categories:
        category = ET.SubElement(info, "Category", TagName=tag, Type=kind)
        for value in values:
            ET.SubElement(category, "GenericValue").text = value
    ET.SubElement(root, "CreationDateTime").text = created
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def parse_label(data: bytes, where: str) -> tuple[Label, str]:
    """Read a label with a hardened parser; return it and its creation time."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException) as err:
        raise KGError(f"{where}: not a confidentiality label: {err}") from err
    info, created = _children(
        root, "ConfidentialityLabel", ("ConfidentialityInformation", "CreationDateTime"), where
    )
    parts = list(info)
    head = _children(
        info,
        "ConfidentialityInformation",
        ("PolicyIdentifier", "Classification") + ("Category",) * (len(parts) - 2),
        where,
    )
    policy, level = head[0], head[1]
    categories = tuple(_category(c, where) for c in head[2:])
    label = Label(
        _text(policy, where, ("URI",)), policy.attrib["URI"], _text(level, where), categories
    )
    return label, _text(created, where)


def _children(element, name: str, expected: tuple[str, ...], where: str) -> list:
    """Return the children of `element`, which must be exactly the `expected` elements."""
    found = [child.tag for child in element]
    if element.tag != f"{{{NS}}}{name}" or found != [f"{{{NS}}}{e}" for e in expected]:
        raise KGError(
            f"{where}: expected {name} ({', '.join(expected)}) in the STANAG 4774 namespace {NS}"
        )
    return list(element)


def _category(element, where: str) -> tuple[str, str, tuple[str, ...]]:
    if set(element.attrib) != {"TagName", "Type"} or not len(element):
        raise KGError(f"{where}: a Category has TagName, Type and at least one GenericValue")
    values = _children(element, "Category", ("GenericValue",) * len(element), where)
    return element.attrib["TagName"], element.attrib["Type"], tuple(_text(v, where) for v in values)


def _text(element, where: str, attributes: tuple[str, ...] = ()) -> str:
    """Return an element's text; it may hold no elements and only the named attributes."""
    if len(element) or set(element.attrib) != set(attributes):
        name = element.tag.rsplit("}", 1)[-1]
        raise KGError(
            f"{where}: {name} holds text"
            + (f" and {', '.join(attributes)}" if attributes else " only")
        )
    return (element.text or "").strip()


def banner(marking: Marking | None, partner: str, known: dict[str, Level]) -> str:
    """Return the CAPCO-style banner line of a graph's marking.

    >>> from kg.namespaces import ID
    >>> m = Marking(CLS + "US", CLS + "US-S", REL, (ID + "nation/FRA", ID + "nation/USA"))
    >>> banner(m, "USA", {CLS + "US-S": Level(3, "SECRET", "S")})
    'SECRET//REL TO USA, FRA'
    """
    if marking is None:
        return "UNCLASSIFIED"
    return _head(code(marking.system), _level(marking, known).label) + _control(marking, partner)


def portion(marking: Marking | None, partner: str, known: dict[str, Level]) -> str:
    """Return the CAPCO-style portion mark of a graph's marking.

    >>> from kg.namespaces import ID
    >>> m = Marking(CLS + "NATO", CLS + "NATO-NS", REL, (ID + "nation/FRA",))
    >>> portion(m, "NATO", {CLS + "NATO-NS": Level(3, "NATO SECRET", "NS")})
    '(//NS//REL TO FRA)'
    """
    if marking is None:
        return "(U)"
    head = _head(code(marking.system), _level(marking, known).notation)
    return f"({head}{_control(marking, partner, short=True)})"


def _head(system: str, level: str) -> str:
    """Return the classification part: US levels as they are, others as CAPCO marks foreign
    and NATO information (`//NATO SECRET`, `//GBR SECRET`)."""
    if system == "US":
        return level
    return f"//{level}" if system == "NATO" else f"//{system} {level}"


def _control(marking: Marking, partner: str, short: bool = False) -> str:
    if marking.dissemination == NOFORN:
        return "//NF" if short else "//NOFORN"
    if marking.dissemination == REL:
        return "//REL TO " + ", ".join(sorted(map(code, marking.releasable), key=_capco_order))
    return ""


def _capco_order(value: str) -> tuple[int, str]:
    """Order a release list as CAPCO does: USA, then country trigraphs, then the rest."""
    return (0 if value == "USA" else 1 if len(value) == 3 else 2, value)
