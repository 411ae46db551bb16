"""The shape of a partner's data: capabilities, the nodes each owns, and statements that fit none.

A submission holds capabilities only. Each capability owns the statements about itself, about
its marking and about its interfaces (reached by `hasMarking`, `produces`, `consumes`,
`hasInterface`). Acceptance splits a version by these groups, merge and withdraw replace whole
groups, and validation refuses every statement that belongs to no group, so that what is
accepted is exactly what was sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import CSIG, PREFIXES

TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
CAPABILITY = ox.NamedNode(CSIG + "Capability")
HAS_MARKING = ox.NamedNode(CSIG + "hasMarking")
PARTS = frozenset(ox.NamedNode(CSIG + p) for p in ("produces", "consumes", "hasInterface"))
STRUCTURAL = PARTS | {HAS_MARKING}
LABELS = (ox.NamedNode(PREFIXES["rdfs"] + "label"),)


@dataclass
class Structure:
    """A set of statements grouped by the capability each belongs to."""

    by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]]
    capabilities: dict[ox.NamedNode, set] = field(default_factory=dict)

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> Structure:
        """Group `triples` by subject and find each capability's own nodes."""
        by_subject: dict = {}
        for t in triples:
            by_subject.setdefault(t.subject, []).append(t)
        found = cls(by_subject)
        for subject, own in by_subject.items():
            if any(t.predicate == TYPE and t.object == CAPABILITY for t in own):
                found.capabilities[subject] = {subject} | {
                    t.object for t in own if t.predicate in STRUCTURAL
                }
        return found

    @property
    def nodes(self) -> set:
        """Return every node some capability owns (capabilities, markings, interfaces)."""
        return set().union(*self.capabilities.values()) if self.capabilities else set()

    def statements(self, capabilities: Iterable) -> list[ox.Triple]:
        """Return the statements of the given capabilities and of the nodes they own, once."""
        nodes: dict = {}
        for cap in capabilities:
            nodes.update(dict.fromkeys(sorted(self.capabilities[cap], key=str)))
        return [t for node in nodes for t in self.by_subject.get(node, [])]

    def closure(self, capability) -> list[ox.Triple]:
        """Return one capability's statements with those of its marking and interfaces."""
        return self.statements([capability])

    def unplaced(self) -> list[ox.Triple]:
        """Return the statements about a subject that no capability owns."""
        owned = self.nodes
        return [t for s, own in self.by_subject.items() if s not in owned for t in own]

    def marking(self, capability) -> list:
        """Return the marking nodes a capability names."""
        return [t.object for t in self.by_subject.get(capability, []) if t.predicate == HAS_MARKING]

    def label(self, capability) -> str:
        """Return a capability's label, or its identifier when it has none."""
        for t in self.by_subject.get(capability, []):
            if t.predicate in LABELS:
                return t.object.value
        return identifier(capability)


def identifier(capability) -> str:
    """Return the identifier part of a capability IRI.

    >>> identifier(ox.NamedNode("https://w3id.org/csig/id/capability/skynet-5"))
    'skynet-5'
    """
    return capability.value.rstrip("/").rsplit("/", 1)[-1]
