"""Capability pairs of an exchange requirement and the best relation of their standards.

Shared by interoperability-gaps and version-mismatch: for each requirement, each producer
capability and consumer capability of different partners, for the requirement's data type,
with the best relation over their interfaces compared in a shared role; grouped per
requirement, partner pair and verdict, with a count, an example pair (a confirmed one first,
then the first by IRI) and what the example rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.findings.inputs import (
    BROADER,
    NOTATIONS,
    REQUIREMENTS,
    Select,
    Standards,
    after,
    compatible,
    ebv,
    grouped,
    load_standards,
    sides,
)

CSIG = "https://w3id.org/csig/ont#"


@dataclass
class Side:
    """One capability's interfaces for a data type in one direction, for one partner."""

    capability: str
    partner: ox.NamedNode
    standards: set[str] = field(default_factory=set)
    keys: list[str] = field(default_factory=list)
    interfaces: int = 0
    assumed: int = 0
    compared: set[tuple[str, frozenset[str]]] = field(default_factory=set)

    def names(self) -> str:
        """Return its standards as the report writes them: one, two, or first, ..., last."""
        first, last = min(self.keys), max(self.keys)
        if len(self.standards) == 1:
            return first
        return f"{first}, {last}" if len(self.standards) == 2 else f"{first}, ..., {last}"

    def evidence(self, verb: str, data_type: str) -> str:
        """Return what this side's assumed interfaces are, or "" when none is."""
        if not self.assumed:
            return ""
        text = f"{after(self.capability, '/capability/')} {verb} {data_type} with {self.names()}"
        if self.assumed == self.interfaces:
            return f"{text} (assumed)"
        return f"{text} ({self.assumed} of {self.interfaces} interfaces assumed)"


@dataclass
class Group:
    """The capability pairs of one requirement, partner pair and verdict."""

    requirement: ox.NamedNode
    code: ox.Literal
    area: ox.NamedNode
    data_type: ox.NamedNode
    producer_partner: ox.NamedNode
    consumer_partner: ox.NamedNode
    rank: str
    pairs: int = 0
    sure: bool = False
    example: str | None = None

    def fields(self) -> list[str]:
        """Return the example's parts: producer, consumer, their standards, relation, evidence."""
        return self.example.split("|", 6)[1:]


@dataclass
class Inputs:
    """What the pair reports read: sides, standards, requirements, areas and notations."""

    producers: dict[str, list[Side]]
    consumers: dict[str, list[Side]]
    standards: Standards
    requirements: list[tuple]
    broader: dict[str, list]
    notations: dict[str, list]


def load(select: Select) -> Inputs:
    """Return what the pair reports read, read once per run for both."""
    return select.once("pairs", lambda: _load(select))


def _load(select: Select) -> Inputs:
    """Run the simple queries the pair reports need."""
    standards = load_standards(select)
    found: dict[tuple, Side] = {}
    for row in sides(select):
        direction = row["direction"].value.removeprefix(CSIG)
        capability, data_type = row["capability"].value, row["dataType"].value
        key = (direction, capability, row["partner"].value, data_type)
        side = found.get(key) or found.setdefault(key, Side(capability, row["partner"]))
        standard = row["standard"].value
        side.standards.add(standard)
        side.keys.append(after(standard, "/standard/"))
        side.interfaces += 1
        side.assumed += ebv(row.get("assumed"))
        side.compared.add((standard, standards.roles(row["interface"].value, standard)))
    producers: dict[str, list[Side]] = {}
    consumers: dict[str, list[Side]] = {}
    for (direction, _, _, data_type), side in found.items():
        target = producers if direction == "produces" else consumers
        target.setdefault(data_type, []).append(side)
    requirements = sorted(
        {(row["ier"], row["code"], row["area"], row["dataType"]) for row in select(REQUIREMENTS)},
        key=lambda r: (r[0].value, str(r[1]), r[2].value, r[3].value),
    )
    return Inputs(
        producers,
        consumers,
        standards,
        requirements,
        grouped(select, BROADER, "area", "top"),
        grouped(select, NOTATIONS, "partner", "notation"),
    )


@dataclass
class Kind:
    """The sides of one partner and data type whose interfaces compare alike.

    Every pair of two kinds has the same best relation, so the reports compare kinds, not
    capabilities, and count a kind pair's capability pairs as the product of their sizes.
    """

    partner: ox.NamedNode
    compared: frozenset[tuple[str, frozenset[str]]]
    sides: list[Side] = field(default_factory=list)

    def first(self, sure: bool) -> Side | None:
        """Return the side whose example sorts first (only unassumed ones when `sure`)."""
        chosen = [s for s in self.sides if not s.assumed] if sure else self.sides
        return min(chosen, key=_order, default=None)


def _order(side: Side) -> str:
    """Return how a side sorts in an example, where its IRI is followed by the separator."""
    return side.capability + "|"


def kinds(sides: list[Side]) -> list[Kind]:
    """Return sides grouped by partner and what their interfaces compare."""
    found: dict[tuple, Kind] = {}
    for side in sides:
        compared = frozenset(side.compared)
        kind = found.get((side.partner, compared))
        if kind is None:
            kind = found[(side.partner, compared)] = Kind(side.partner, compared)
        kind.sides.append(side)
    return list(found.values())


def best(standards: Standards, producer: Kind, consumer: Kind, data_type: str) -> str | None:
    """Return the best relation key over two kinds' interfaces compared in a shared role."""
    keys = [
        standards.key(a, b, data_type)
        for a, first in producer.compared
        for b, second in consumer.compared
        if compatible(first, second)
    ]
    return min(keys, default=None)


def groups(inputs: Inputs, ranks: str) -> list[Group]:
    """Return the groups of capability pairs whose best relation has one of `ranks`."""
    found: dict[str, list[tuple]] = {}
    out = []
    for requirement, code, area, data_type in inputs.requirements:
        if data_type.value not in found:
            found[data_type.value] = _pairs(inputs, data_type.value, ranks)
        by_key: dict[tuple, Group] = {}
        for producer, consumer, key in found[data_type.value]:
            rank = key[0]
            group_key = (producer.partner.value, consumer.partner.value, rank)
            group = by_key.get(group_key)
            if group is None:
                group = by_key[group_key] = Group(
                    requirement, code, area, data_type, producer.partner, consumer.partner, rank
                )
            _count(group, producer, consumer, key, data_type.value)
        out.extend(by_key.values())
    return out


def _pairs(inputs: Inputs, data_type: str, ranks: str) -> list[tuple]:
    """Return the (producer kind, consumer kind, best key) of a data type with a rank in `ranks`."""
    out = []
    consumers = kinds(inputs.consumers.get(data_type, []))
    for producer in kinds(inputs.producers.get(data_type, [])):
        for consumer in consumers:
            if producer.partner == consumer.partner:
                continue
            key = best(inputs.standards, producer, consumer, data_type)
            if key is not None and key[0] in ranks:
                out.append((producer, consumer, key))
    return out


def _count(group: Group, producer: Kind, consumer: Kind, key: str, data_type: str) -> None:
    """Add two kinds' capability pairs to their group: the count, confirmation and example.

    The example is the pair whose text sorts first: a confirmed pair (both sides unassumed)
    where there is one, then the first producer and consumer by IRI.
    """
    p, c = producer.first(sure=True), consumer.first(sure=True)
    sure = p is not None and c is not None
    if not sure:
        p, c = producer.first(sure=False), consumer.first(sure=False)
    example = _example(p, c, key, data_type, sure)
    group.pairs += len(producer.sides) * len(consumer.sides)
    group.sure = group.sure or sure
    group.example = example if group.example is None else min(group.example, example)


def _example(producer: Side, consumer: Side, key: str, data_type: str, sure: bool) -> str:
    """Return one capability pair as its group's example text (sorts as the report does)."""
    dt = after(data_type, "/datatype/")
    if sure:
        evidence = "sourced"
    else:
        pev = producer.evidence("produces", dt)
        cev = consumer.evidence("consumes", dt)
        evidence = "assumed: " + pev + ("; " if pev and cev else "") + cev
    return "|".join(
        (
            "0" if sure else "1",
            producer.capability,
            consumer.capability,
            producer.names(),
            consumer.names(),
            after(key, " "),
            evidence,
        )
    )


def selected(inputs: Inputs, group: Group, values: dict) -> int:
    """Return how many times the report keeps a group: 0 when a filter leaves it out.

    The mission area matches the requirement's area or the one above it, once per broader
    area (as the report's OPTIONAL lookup does).
    """
    if "_data_type" in values and group.data_type != values["_data_type"]:
        return 0
    partner = values.get("_partner")
    if partner is not None and partner not in (group.producer_partner, group.consumer_partner):
        return 0
    tops = inputs.broader.get(group.area.value) or [None]
    area = values.get("_mission_area")
    if area is None:
        return len(tops)
    return sum(1 for top in tops if group.area == area or top == area)


def notations(inputs: Inputs, partner: ox.NamedNode) -> list:
    """Return a partner's notations, or [None] when it has none (the OPTIONAL stays unbound)."""
    return inputs.notations.get(partner.value) or [None]
