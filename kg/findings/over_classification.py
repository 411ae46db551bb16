"""over-classification in steps: data a coalition partner needs but the marking withholds.

The published definition is kg/queries/over-classification.rq; this gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.findings.inputs import MEMBERSHIPS, Select, after, grouped, is_string, literal, objects
from kg.namespaces import CSIG, PREFIXES, sparql_prefixes

HEAD = sparql_prefixes(("csig", "dissem", "skos"))
NOFORN = PREFIXES["dissem"] + "NOFORN"
# The markings the report is about: classified, or carrying a dissemination control. Asked in
# two parts, each starting from what is selective (the few ranked levels, the controlled
# markings), as an OPTIONAL control inside one filter leads planners to scan every marking.
CLASSIFIED = "?level csig:rank ?rank FILTER(?rank > 0) ?marking csig:classification ?level ."
CONTROLLED = """?marking csig:disseminationControl ?dissem ; csig:classification ?level .
  ?level csig:rank ?rank FILTER(!(?rank > 0) || !isNumeric(?rank))"""
MARKINGS = [
    HEAD
    + f"""
SELECT DISTINCT ?marking ?level ?dissem ?text WHERE {{
  {where}
  OPTIONAL {{ ?marking csig:markingText ?text }}
}}"""
    for where in (
        CLASSIFIED + "\n  OPTIONAL { ?marking csig:disseminationControl ?dissem }",
        CONTROLLED,
    )
]
PRODUCED = [
    HEAD
    + f"""
SELECT DISTINCT ?capability ?marking ?dataType WHERE {{
  {where}
  ?capability csig:hasMarking ?marking ; csig:produces ?interface .
  ?interface csig:dataType ?dataType .
}}"""
    for where in (CLASSIFIED, CONTROLLED)
]
CONSUMED = (
    HEAD
    + """
SELECT ?capability ?dataType WHERE {
  ?capability csig:consumes ?interface . ?interface csig:dataType ?dataType .
}"""
)
CAPABILITIES = (
    HEAD
    + """
SELECT ?capability ?partner ?area WHERE {
  ?capability csig:providedBy ?partner ; csig:missionArea ?area .
}"""
)
RELEASES = (
    HEAD
    + """
SELECT DISTINCT ?marking ?to WHERE {
  ?marking csig:releasableTo ?to ; csig:disseminationControl dissem:REL .
}"""
)
CODES = (
    HEAD
    + """
SELECT DISTINCT ?dataType ?code WHERE {
  ?ier a csig:InformationExchangeRequirement ; csig:dataType ?dataType ; skos:notation ?code .
}"""
)
BROADER = HEAD + "SELECT DISTINCT ?area ?parent WHERE { ?area skos:broader ?parent }"
TOPS = HEAD + "SELECT DISTINCT ?top WHERE { ?top skos:topConceptOf ?scheme }"
NOTATIONS = HEAD + "SELECT DISTINCT ?partner ?notation WHERE { ?partner skos:notation ?notation }"

COLUMNS = [
    "capability",
    "consumerPartner",
    "dataType",
    "markingText",
    "change",
    "consumers",
    "requirements",
    "explanation",
]


@dataclass
class Inputs:
    """What the report reads, by IRI: markings, releases, capabilities, areas and partners."""

    markings: dict[str, frozenset[tuple[bool, ox.Literal]]]  # marking: (NOFORN?, its text)
    releases: dict[str, frozenset[str]]  # a REL marking: the partners and coalitions listed
    capabilities: dict[str, list[tuple[str, str]]]  # capability: (partner, mission area)
    tops: dict[str, list[str]]  # mission area: its top-level areas (itself, when top-level)
    notations: dict[str, list]
    coalitions: dict[str, frozenset[str]]  # partner: the coalitions it is a member of
    requirements: dict[str, ox.Literal]  # data type: its requirements' codes, concatenated


@dataclass(frozen=True)
class Variant:
    """One group's marking text, change and partner notations (the rest of its GROUP BY)."""

    text: ox.Literal
    change: ox.Literal | None
    pp: ox.Literal
    cp: ox.Literal

    def explanation(self) -> tuple[str, str, str] | None:
        """Return the explanation's text around the data type, or None where CONCAT fails."""
        if self.change is None or not (is_string(self.pp) and is_string(self.text)):
            return None
        return (
            f" ({self.pp.value}, {self.text.value}) produces ",
            f" that {self.cp.value} needs (",
            f") but may not receive; {self.change.value}, or release at UNCLASSIFIED",
        )


def rows(select: Select, values: dict) -> tuple[list[str], list[dict]]:
    """Return the report's columns and rows for the bound parameters (`_name` keys)."""
    inputs = load(select)
    consumers = _consumers(select, inputs)
    audience = Audience(inputs, {p for found in consumers.values() for p in found}, values)
    area = values.get("_mission_area")
    groups: dict[str, dict[tuple[str, str, int], list[frozenset]]] = {}
    for capability, marking, data_type in _produced(select, inputs):
        by = groups.setdefault(capability, {})
        for partner, place in inputs.capabilities.get(capability, ()):
            for top in inputs.tops.get(place, ()):
                found = consumers.get((data_type, top))
                if not found or (area is not None and area.value != top):
                    continue
                for consumer, variants in audience.of(marking, partner):
                    names = found.get(consumer)
                    if names is not None:
                        for variant in variants:
                            key = (consumer, data_type, variant)
                            by.setdefault(key, []).append(names)
    return COLUMNS, _rows(inputs, groups, audience.variants)


def load(select: Select) -> Inputs:
    """Run the simple queries the report needs, but for what capabilities produce and consume."""
    markings: dict[str, set[tuple[bool, ox.Literal]]] = {}
    for text in MARKINGS:
        for row in select(text):
            if "text" in row:
                label = row["text"]
            else:
                label = literal(after(row["level"].value, "/classification/"))
            noforn = "dissem" in row and row["dissem"].value == NOFORN
            markings.setdefault(row["marking"].value, set()).add((noforn, label))
    capabilities: dict[str, list[tuple[str, str]]] = {}
    for capability, partner, area in placements(select):
        capabilities.setdefault(capability, []).append((partner, area))
    return Inputs(
        _frozen(markings),
        _frozen(_sets(select, RELEASES, "marking", "to")),
        capabilities,
        _tops(select),
        grouped(select, NOTATIONS, "partner", "notation"),
        _frozen(_sets(select, MEMBERSHIPS, "partner", "coalition")),
        {
            data_type: literal(", ".join(sorted(codes)))
            for data_type, codes in _sets(select, CODES, "dataType", "code").items()
        },
    )


def placements(select: Select) -> list[tuple[str, str, str]]:
    """Return (capability, partner, area) IRIs: the solutions of CAPABILITIES (on the
    embedded store joined from scans, kg/findings/inputs.py)."""
    if not select.scans:
        names = ("capability", "partner", "area")
        return [tuple(row[n].value for n in names) for row in select(CAPABILITIES)]
    partners = objects(select, CSIG + "providedBy")
    return [
        (capability.value, partner.value, area.value)
        for capability, areas in objects(select, CSIG + "missionArea").items()
        for partner in partners.get(capability, ())
        for area in areas
    ]


def consumed(select: Select) -> list[tuple[str, str]]:
    """Return (capability, data type) IRIs: the solutions of CONSUMED (joined from scans on
    the embedded store)."""
    if not select.scans:
        return [(row["capability"].value, row["dataType"].value) for row in select(CONSUMED)]
    types = objects(select, CSIG + "dataType")
    return [
        (capability.value, data_type.value)
        for capability, interfaces in objects(select, CSIG + "consumes").items()
        for interface in interfaces
        for data_type in types.get(interface, ())
    ]


def _sets(select: Select, text: str, key: str, value: str) -> dict[str, set[str]]:
    """Return the rows of a query as sets of `value` texts by `key` text."""
    out: dict[str, set[str]] = {}
    for row in select(text):
        out.setdefault(row[key].value, set()).add(row[value].value)
    return out


def _frozen(sets: dict[str, set]) -> dict[str, frozenset]:
    """Return the sets frozen, equal ones shared (so caches keyed by them stay small)."""
    shared: dict[frozenset, frozenset] = {}
    return {k: shared.setdefault(frozenset(v), frozenset(v)) for k, v in sets.items()}


def _tops(select: Select) -> dict[str, list[str]]:
    """Return each area's top-level areas: the broader ones, or itself, that are top concepts.

    Only areas with a broader area are listed; any other area is its own top when it is a top
    concept (the report's COALESCE of the broader area and the area itself).
    """
    tops = {row["top"].value for row in select(TOPS)}
    broader = _sets(select, BROADER, "area", "parent")
    out = {area: sorted(parents & tops) for area, parents in broader.items()}
    out.update((top, [top]) for top in tops if top not in broader)
    return out


def _produced(select: Select, inputs: Inputs) -> set[tuple[str, str, str]]:
    """Return (capability, marking, data type) produced under a withholding marking."""
    out = set()
    for text in PRODUCED:
        for row in select(text):
            marking, data_type = row["marking"].value, row["dataType"].value
            if marking in inputs.markings and data_type in inputs.requirements:
                out.add((row["capability"].value, marking, data_type))
    return out


def _consumers(select: Select, inputs: Inputs) -> dict[tuple, dict[str, frozenset[str]]]:
    """Return the consuming capabilities' names by (data type, top area) and partner."""
    found: dict[tuple, dict[str, set[str]]] = {}
    for capability, data_type in consumed(select):
        if data_type not in inputs.requirements:
            continue
        name = after(capability, "/capability/")
        for partner, area in inputs.capabilities.get(capability, ()):
            for top in inputs.tops.get(area, ()):
                found.setdefault((data_type, top), {}).setdefault(partner, set()).add(name)
    return {key: _frozen(by) for key, by in found.items()}


class Audience:
    """The consumer partners a marking withholds data from, with the groups each adds to.

    Answers are kept per marking text, REL TO list and producer partner: many markings share
    them, and the partners' coalitions decide the rest.
    """

    def __init__(self, inputs: Inputs, partners: set[str], values: dict):
        self.inputs, self.partners = inputs, sorted(partners)
        self.wanted, self.coalition = values.get("_partner"), values.get("_coalition")
        self.found: dict[tuple, list[tuple[str, list[int]]]] = {}
        self.variants: list[Variant] = []
        self.ids: dict[Variant, int] = {}

    def of(self, marking: str, producer: str) -> list[tuple[str, list[int]]]:
        """Return (consumer partner, its groups' variants by number) for a producer's marking."""
        key = (self.inputs.markings[marking], self.inputs.releases.get(marking), producer)
        if key not in self.found:
            self.found[key] = [
                (consumer, self._variants(key[0], producer, consumer))
                for consumer in self.partners
                if self._withheld(key[1], producer, consumer)
            ]
        return self.found[key]

    def _withheld(self, listed: frozenset | None, producer: str, consumer: str) -> bool:
        """Return whether the report counts this consumer partner (listed: the REL TO list)."""
        wanted = self.wanted
        return (
            producer != consumer
            and (wanted is None or wanted.value in (producer, consumer))
            and not (listed and (consumer in listed or listed & self._member_of(consumer)))
            and self._linked(producer, consumer)
        )

    def _member_of(self, partner: str) -> frozenset[str]:
        """Return the coalitions a partner is a member of."""
        return self.inputs.coalitions.get(partner, frozenset())

    def _linked(self, producer: str, consumer: str) -> bool:
        """Return whether two partners share a coalition, or one is the other's coalition.

        With a coalition given, only that one links them: shared, or one of the two.
        """
        mine, theirs = self._member_of(producer), self._member_of(consumer)
        if self.coalition is None:
            return not mine.isdisjoint(theirs) or consumer in mine or producer in theirs
        via = self.coalition.value
        return (
            (via in mine and via in theirs)
            or (via == consumer and consumer in mine)
            or (via == producer and producer in theirs)
        )

    def _variants(self, marking: frozenset, producer: str, consumer: str) -> list[int]:
        """Return the variants of the groups a producing capability and consumer partner add
        to, by number: equal variants have one number, so their groups are one."""
        notations = self.inputs.notations
        out = []
        for noforn, text in marking:
            for pp in notations.get(producer, ()):
                for cp in notations.get(consumer, ()):
                    variant = Variant(text, _change(noforn, cp), pp, cp)
                    if variant not in self.ids:
                        self.ids[variant] = len(self.variants)
                        self.variants.append(variant)
                    out.append(self.ids[variant])
        return out


def _change(noforn: bool, notation) -> ox.Literal | None:
    """Return the marking change that releases the data to a partner with this notation."""
    if not is_string(notation):
        return None  # CONCAT takes strings only: the change stays unbound
    verb = "replace NOFORN with REL TO " if noforn else "add REL TO "
    return literal(verb + notation.value)


def _rows(inputs: Inputs, groups: dict[str, dict], variants: list[Variant]) -> list[dict]:
    """Return the groups' rows in the report's order, each group's consumers concatenated."""
    lists: dict[frozenset, ox.Literal] = {}
    texts = [variant.explanation() for variant in variants]
    terms: dict[str, ox.NamedNode] = {}
    out = []
    for capability in sorted(groups):
        by = groups[capability]
        name = after(capability, "/capability/")
        for key in sorted(by, key=lambda k: k[:2]):
            consumer, data_type, number = key
            found = by[key]
            names = found[0] if len(found) == 1 else frozenset().union(*found)
            if names not in lists:
                lists[names] = literal(", ".join(sorted(names)))
            for iri in (capability, consumer, data_type):
                if iri not in terms:
                    terms[iri] = ox.NamedNode(iri)
            variant, requirements = variants[number], inputs.requirements[data_type]
            row = {
                "capability": terms[capability],
                "consumerPartner": terms[consumer],
                "dataType": terms[data_type],
                "markingText": variant.text,
                "consumers": lists[names],
                "requirements": requirements,
            }
            if variant.change is not None:
                row["change"] = variant.change
            if texts[number] is not None:
                pp, cp, change = texts[number]
                row["explanation"] = literal(
                    name + pp + after(data_type, "/datatype/") + cp + requirements.value + change
                )
            out.append(row)
    return out
