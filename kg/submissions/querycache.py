"""Make rdflib answer pySHACL's per-focus-node SPARQL quickly, with the same solutions.

pySHACL hands rdflib the same SPARQL text for every focus node of a constraint, with `$this`
bound to the node. Three costs follow, each removed here without changing any answer:

- rdflib parses the text anew each time (about 40 ms with pyparsing): a query is prepared
  once, keyed by text, base, prefixes and which variables the caller binds.
- rdflib orders the patterns of a basic graph pattern when it parses and again when it
  evaluates, by how many of each pattern's terms are unbound: "the standard does not carry
  the data type" started from every (data type, standard) pair of the graph. A query run
  with `$this` bound is planned from `$this`, one pattern after another, and evaluated in
  that order.
- one evaluation per focus node: inside `bulk(graph)`, a query whose `$this` every solution
  binds through its required patterns is evaluated once over the graph with `$this` free,
  and each focus node gets the solutions where `$this` is that node, which are exactly the
  solutions of the query with `$this` bound to it.
"""

from __future__ import annotations

import contextlib
import functools
import threading

from pyparsing import ParseResults
from rdflib import plugin
from rdflib.plugins.sparql import CUSTOM_EVALS, algebra, evaluate, processor
from rdflib.query import Processor
from rdflib.term import BNode, Literal, URIRef, Variable

_query = processor.SPARQLProcessor.query
THIS = Variable("this")
_BULK = threading.local()


@functools.lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: tuple, bound: frozenset):
    spaces = {prefix: URIRef(iri) for prefix, iri in namespaces}
    query = processor.prepareQuery(text, initNs=spaces, base=base)
    if "this" in bound:
        algebra.traverse(query.algebra, visitPost=functools.partial(_replan, bound=bound))
    return query


def _replan(node, bound: frozenset):
    if getattr(node, "name", None) == "BGP" and len(node.triples) > 1:
        node["triples"] = plan(node.triples, bound)
        node["planned"] = True


def _planned_bgp(ctx, part):
    """Evaluate a planned basic graph pattern in its order (rdflib's hook for custom eval)."""
    if part.name == "BGP" and part.get("planned"):
        return evaluate.evalBGP(ctx, part.triples)
    raise NotImplementedError


def plan(triples: list, bound: frozenset) -> list:
    """Order triple patterns greedily: next, the one with fewest variables not yet bound,
    preferring one that shares a bound variable (a lookup) to one that does not (a scan).

    >>> this, a, b, p = Variable("this"), Variable("a"), Variable("b"), Literal("p")
    >>> plan([(a, p, b), (this, p, a)], frozenset({"this"})) == [(this, p, a), (a, p, b)]
    True
    >>> plan([(b, p, p), (this, p, a)], frozenset({"this"})) == [(this, p, a), (b, p, p)]
    True
    """
    known = {Variable(v) for v in bound}
    left, ordered = list(triples), []
    while left:
        best = min(
            left,
            key=lambda t: (_unbound(t, known), not (known & set(t)), not isinstance(t[2], Literal)),
        )
        left.remove(best)
        ordered.append(best)
        known.update(t for t in best if isinstance(t, (Variable, BNode)))
    return ordered


def _unbound(triple, known: set) -> int:
    return sum(1 for t in triple if isinstance(t, (Variable, BNode)) and t not in known)


def binds_this(node) -> bool:
    """Return whether a query may be answered in bulk: every solution binds `?this`, and rdflib
    evaluates each part that mentions `?this` after it is bound. A safe 'no' when unsure.

    rdflib's FILTER and BIND see the caller's bindings only for variables of their own group
    (`_vars`), and a FILTER inside OPTIONAL never sees them: those must not tell a bound
    `?this` from one bound by a pattern.
    """
    name = getattr(node, "name", None)
    if name in ("SelectQuery", "Project"):
        return THIS in node.PV and binds_this(node.p)
    if name in ("Distinct", "Reduced", "ToMultiSet"):
        return binds_this(node.p)
    if name in ("Filter", "Extend"):
        scoped = THIS in (node.get("_vars") or ()) or not mentions_this(node.expr)
        return scoped and binds_this(node.p)
    if name == "LeftJoin":
        scoped = THIS in (node.p1.get("_vars") or ()) and not mentions_this(node.expr)
        return scoped and binds_this(node.p1)
    if name == "BGP":
        return any(THIS in triple for triple in node.triples)
    if name == "Join":
        one, two = binds_this(node.p1), binds_this(node.p2)
        return one and (two or not mentions_this(node.p2)) or two and not mentions_this(node.p1)
    if name == "Union":
        return binds_this(node.p1) and binds_this(node.p2)
    return False


def mentions_this(node) -> bool:
    """Return whether `?this` occurs anywhere in an algebra node or expression."""
    if isinstance(node, Variable):
        return node == THIS
    if isinstance(node, dict):
        return any(mentions_this(v) for k, v in node.items() if k != "_vars")
    if isinstance(node, (list, tuple, ParseResults)):
        return any(mentions_this(v) for v in node)
    return False


@contextlib.contextmanager
def bulk(graph):
    """Within this block (and thread), answer per-focus-node queries on `graph` in bulk.

    The graph must not change inside the block: answers are kept until it ends.
    """
    _BULK.graph, _BULK.answers = graph, {}
    try:
        yield
    finally:
        _BULK.graph = _BULK.answers = None


@functools.lru_cache(maxsize=1024)
def _bulky(key: tuple) -> bool:
    return binds_this(_prepared(*key, frozenset({"this"})).algebra)


def _answer(proc, key: tuple, focus) -> dict:
    """Return the solutions of a query with `?this` bound to `focus`, from one evaluation."""
    answers = _BULK.answers
    if key not in answers:
        # Planned as if `?this` were bound: the focus nodes' own patterns come first.
        result = _query(proc, _prepared(*key, frozenset({"this"})), None, None, key[1])
        groups: dict = {}
        for solution in result["bindings"]:
            groups.setdefault(solution.get(THIS), []).append(solution)
        answers[key] = (result["vars_"], groups)
    names, groups = answers[key]
    return {"type_": "SELECT", "vars_": names, "bindings": groups.get(focus, [])}


class CachedProcessor(processor.SPARQLProcessor):
    """rdflib's SPARQL processor, reusing parsed queries and answering `?this` in bulk."""

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            # Plain strings: a key compared in C, not through rdflib's term equality.
            spaces = tuple(sorted((prefix, str(iri)) for prefix, iri in (initNs or {}).items()))
            key = (strOrQuery, base, spaces)
            bound = frozenset(str(k) for k in (initBindings or {}))
            if bound == {"this"} and getattr(_BULK, "graph", None) is self.graph and _bulky(key):
                return _answer(self, key, initBindings["this"])
            strOrQuery = _prepared(*key, bound)
        return _query(self, strOrQuery, initBindings, None, base, DEBUG)


def install() -> None:
    """Make rdflib reuse parsed queries (idempotent), through its plugin registry."""
    plugin.register("sparql", Processor, __name__, "CachedProcessor")
    CUSTOM_EVALS["kg-planned-bgp"] = _planned_bgp
