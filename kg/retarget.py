"""Rename the graphs of an update for staging, decided on its parse tree, never on its text."""

from __future__ import annotations

from pyparsing import ParseResults
from rdflib import URIRef
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import KGError
from kg.guard import OPERATIONS, ParseFailed, parsed, value_of

# Where an update names a graph: node name -> keys holding a graph IRI (or a list of them).
GRAPH_PLACES = {
    "QuadsNotTriples": ("term",),
    "GraphGraphPattern": ("term",),
    "Load": ("graphiri",),
    "Clear": ("graphiri",),
    "Drop": ("graphiri",),
    "Create": ("graphiri",),
    "Add": ("graph",),
    "Move": ("graph",),
    "Copy": ("graph",),
    "Modify": ("withClause",),
    "UsingClause": ("default", "named"),
}


def update_graphs(update: str) -> list[str]:
    """Return the graph IRIs an update names, in order; refuse a graph not named by an IRI.

    >>> update_graphs("DROP GRAPH <http://a> ; INSERT DATA { GRAPH <http://b> { <x:s> <x:p> 1 } }")
    ['http://a', 'http://b']
    """
    return _graphs_in(_parsed_update(update))


def added_only(update: str) -> set[str]:
    """Return the graphs an update only adds to: named by INSERT DATA and by nothing else.

    >>> sorted(added_only("INSERT DATA { GRAPH <http://a> { <x:s> <x:p> 1 } } ; "
    ...     "INSERT DATA { GRAPH <http://b> { <x:s> <x:p> 1 } } ; CLEAR GRAPH <http://b>"))
    ['http://a']
    """
    added: set[str] = set()
    other: set[str] = set()
    for operation in _parsed_update(update).request:
        (added if operation.name == "InsertData" else other).update(_graphs_in(operation))
    return added - other


def _graphs_in(tree) -> list[str]:
    """Return the graph IRIs a parse tree names, in order; refuse one not named by an IRI."""
    found: list[str] = []
    for node in _nodes(tree):
        for key in GRAPH_PLACES.get(node.name, ()):
            value = value_of(node, key)
            for graph in value if isinstance(value, list | ParseResults) else [value]:
                if graph is None:
                    continue
                if not isinstance(graph, URIRef):
                    raise KGError(
                        f"an update run in stages must name every graph by its IRI "
                        f"(found {graph!s} in {OPERATIONS.get(node.name, node.name)})"
                    )
                found.append(str(graph))
    return found


def retarget(update: str, targets: dict[str, str]) -> str:
    """Return `update` with the graphs of `targets` renamed, checked by parsing both texts.

    The IRIs are replaced in the text, then the two parse trees must be the same term for term
    but for those graphs: a graph IRI that also stands as a resource, or inside a literal, is
    refused rather than renamed.

    >>> retarget("CLEAR GRAPH <http://a>", {"http://a": "http://b"})
    'CLEAR GRAPH <http://b>'
    """
    renamed = update
    for graph, target in targets.items():
        renamed = renamed.replace(f"<{graph}>", f"<{target}>")
    before = [
        targets.get(str(t), str(t)) if isinstance(t, URIRef) else repr(t)
        for t in _leaves(_parsed_update(update))
    ]
    after = [str(t) if isinstance(t, URIRef) else repr(t) for t in _leaves(_parsed_update(renamed))]
    places = [g for g in update_graphs(renamed) if g in targets.values()]
    uses = [t for t in after if t in targets.values()]
    if before != after or len(places) != len(uses):
        raise KGError("an update run in stages may use its graph IRIs only to name graphs")
    return renamed


def _parsed_update(update: str):
    try:
        return parsed(parseUpdate, update)
    except ParseFailed as err:  # as the embedded store answers a malformed update
        raise SyntaxError(f"malformed update: {err}") from None


def _nodes(tree):
    """Yield every CompValue of a parse tree."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(reversed(list(item)))


def _leaves(tree) -> list:
    """Return the terms and keywords of a parse tree in document order."""
    out, stack = [], [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            out.append(item.name)
            stack.extend(reversed([v for pair in item.items() for v in pair]))
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(reversed(list(item)))
        else:
            out.append(item)
    return out
