"""Run pySHACL the fast way over a submission, with the results the shapes as written give.

pySHACL validates the property shapes of a node shape one focus node at a time, building
every constraint anew for each (pySHACL's `PropertyConstraintComponent`): most of the
validation time for a large submission. A property shape given the node shape's targets
instead validates all focus nodes in one pass; SHACL defines both to give the same results
(same focus node, path, value, message, severity and `sh:sourceShape`).

pySHACL also checks and rewrites a SPARQL constraint's text with regular expressions for
every focus node, though the outcome depends on the text alone: it is kept per constraint.
"""

from __future__ import annotations

import functools

import pyshacl.helper as helper_module
import rdflib
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.submissions import querycache

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Predicates through which a shape is validated as part of another one.
NESTING = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
LISTS = (SH["and"], SH["or"], SH.xone)


def targeted(shapes: rdflib.Graph) -> rdflib.Graph:
    """Return a copy of `shapes` where each node shape's targets move onto its property shapes.

    Only where nothing else validates the shapes: a node shape or property shape used
    elsewhere, or a property shape with its own targets, stays as written.
    """
    out = _copy(shapes)
    nested = _nested(shapes)
    for node in {s for p in TARGETS for s in shapes.subjects(p, None)}:
        if node in nested or (node, SH.target, None) in shapes:
            continue
        targets = [(p, o) for p in TARGETS for o in shapes.objects(node, p)]
        for prop in list(shapes.objects(node, SH.property)):
            if _used_once(shapes, prop, nested):
                out.remove((node, SH.property, prop))
                for p, o in targets:
                    out.add((prop, p, o))
    return out


def _nested(shapes: rdflib.Graph) -> set:
    """Return the shapes validated through another shape (other than as its sh:property)."""
    found = {o for p in NESTING if p != SH.property for o in shapes.objects(None, p)}
    for p in LISTS:
        for head in shapes.objects(None, p):
            found.update(Collection(shapes, head))
    return found


def _used_once(shapes: rdflib.Graph, prop, nested: set) -> bool:
    owners = list(shapes.subjects(SH.property, prop))
    own_targets = any((prop, p, None) in shapes for p in (*TARGETS, SH.target))
    return len(owners) == 1 and prop not in nested and not own_targets


def parts(shapes: rdflib.Graph, count: int) -> list[rdflib.Graph]:
    """Share the targeted shapes among `count` copies of `shapes`, to validate in parallel.

    Each copy keeps every shape (helpers, nested shapes) but the targets of its own share
    only; SHACL validates each targeted shape on its own, so the results of the copies
    together are those of `shapes`. Shapes with SPARQL constraints, the slow ones, are
    dealt out first.
    """
    targeted = sorted(
        {s for p in TARGETS for s in shapes.subjects(p, None)},
        key=lambda s: ((s, SH.sparql, None) not in shapes, str(s)),
    )
    share = {shape: i % count for i, shape in enumerate(targeted)}
    copies = [_copy(shapes) for _ in range(count)]
    for i, copy in enumerate(copies):
        for s, p, o in shapes.triples((None, None, None)):
            if p in TARGETS and share[s] != i:
                copy.remove((s, p, o))
    return copies


def _copy(shapes: rdflib.Graph) -> rdflib.Graph:
    """Return a copy of a shapes graph with its prefixes (pySHACL's report binds them)."""
    out = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        out.bind(prefix, namespace)
    for triple in statements(shapes):
        out.add(triple)
    return out


def statements(graph: rdflib.Graph) -> list[tuple]:
    """Return a graph's statements, each subject's in the order they were added.

    rdflib's `value()` gives the first of several values, such as the first of a result's
    messages (the SPARQL constraint's own before its shape's); a plain copy would reorder them.
    """
    return [(s, p, o) for s in set(graph.subjects()) for p, o in graph.predicate_objects(s)]


@functools.lru_cache(maxsize=1024)
def _checked_text(helper: type, text: str, value: bool, extra: tuple) -> bool:
    """pySHACL's check of a constraint's text, whose outcome depends on the text alone."""
    return SPARQLQueryHelper.check_invalid_sparql(helper, text, True if value else None, set(extra))


_MARK = rdflib.URIRef("urn:kg:focus-node")


class PreparedQueryHelper(SPARQLQueryHelper):
    """pySHACL's query helper, which checks and prepares each constraint's text once."""

    def check_invalid_sparql(self, sparql_text, valuenode=None, extravars=None):
        """Check a constraint's text once per text (pySHACL raises on bad text)."""
        return _checked_text(
            type(self), sparql_text, valuenode is not None, tuple(sorted(extravars or ()))
        )

    def pre_bind_variables(self, thisnode, valuenode=None, extravars=None):
        """Return the query text and initial bindings for a focus node, the text made once."""
        if valuenode is not None or extravars:
            return super().pre_bind_variables(thisnode, valuenode, extravars)
        if "_kg_bound" not in self.__dict__:
            bindings, text = super().pre_bind_variables(_MARK, None, None)
            self._kg_bound = (
                text,
                {k: v for k, v in bindings.items() if v is not _MARK},
                [k for k, v in bindings.items() if v is _MARK],
            )
        text, fixed, focus = self._kg_bound
        return {**fixed, **dict.fromkeys(focus, thisnode)}, text


def install() -> None:
    """Make rdflib reuse parsed queries and pySHACL prepare each query text once (idempotent).

    pySHACL makes its query helpers from the class its `get_query_helper_cls()` finds in
    `pyshacl.helper`; the subclass above is put there. Nothing of pySHACL's own changes.
    """
    querycache.install()
    helper_module.SPARQLQueryHelperCls = PreparedQueryHelper
