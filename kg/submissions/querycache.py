"""Reuse parsed SPARQL in rdflib, so pySHACL stops re-parsing the same constraint per node.

pySHACL hands rdflib the same SPARQL text for every focus node of a constraint, and rdflib
parses it anew each time (about 40 ms with pyparsing): parsing, not evaluation, dominated
validation time. rdflib's own `prepareQuery` exists to reuse a parsed query with different
initial bindings; this applies it to every string query, keyed by text, base and prefixes.
"""

from __future__ import annotations

import functools

from rdflib.plugins.sparql import processor

_query = processor.SPARQLProcessor.query


@functools.lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: tuple):
    return processor.prepareQuery(text, initNs=dict(namespaces), base=base)


def _cached_query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
    if isinstance(strOrQuery, str):
        strOrQuery = _prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
    return _query(self, strOrQuery, initBindings, None, base, DEBUG)


def install() -> None:
    """Make rdflib reuse parsed queries (idempotent)."""
    processor.SPARQLProcessor.query = _cached_query
