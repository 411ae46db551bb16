"""Parameters of a query bound as RDF terms, in a VALUES block placed by a real parser."""

from __future__ import annotations

import functools

from pyparsing import Empty, Literal, OneOrMore, Optional, Suppress, ZeroOrMore, rest_of_line
from rdflib.plugins.sparql import parser as grammar

from kg import guard
from kg.guard import QueryError


def bind(text: str, bindings: dict) -> str:
    """Bind variables to RDF terms with a VALUES block at the top of the main group.

    The terms are written in N-Triples syntax by pyoxigraph, so no user text is ever pasted
    into the query; parameters must be used in the main group, not inside sub-selects.

    >>> import pyoxigraph as ox
    >>> bind("SELECT ?x WHERE { ?x ?p ?_v }", {"_v": ox.Literal("a")})
    'SELECT ?x WHERE { VALUES (?_v) { ("a") } ?x ?p ?_v }'
    >>> bind("SELECT (EXISTS { ?a ?b ?c } AS ?e) { ?e ?p ?_v }", {"_v": ox.Literal("a")})
    'SELECT (EXISTS { ?a ?b ?c } AS ?e) { VALUES (?_v) { ("a") } ?e ?p ?_v }'
    """
    if not bindings:
        return text
    at = _main_group(text)
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    return f"{text[:at]}VALUES ({names}) {{ ({values}) }} {text[at:]}"


COMMENT = Suppress("#" + rest_of_line)
# From the start of a query to just inside the `{` of its WHERE clause, built from rdflib's own
# grammar rules (new expressions; rdflib's are not changed): the end is where VALUES goes.
_HEAD = (
    grammar.Prologue
    + (
        grammar.SelectClause
        | grammar.Keyword("CONSTRUCT") + grammar.ConstructTemplate
        | grammar.Keyword("DESCRIBE") + (OneOrMore(grammar.VarOrIri) | Literal("*"))
        | grammar.Keyword("ASK")
    )
    + ZeroOrMore(grammar.DatasetClause)
    + Optional(grammar.Keyword("WHERE").ignore(COMMENT))
    + Suppress(Literal("{").ignore(COMMENT))
    + Empty().set_parse_action(lambda _s, at, _t: [at])
)


@functools.lru_cache(maxsize=256)
def _main_group(text: str) -> int:
    """Return the offset just inside the `{` that opens the query's WHERE clause."""
    try:
        return guard.parsed(_HEAD.parse_string, text)[-1]
    except guard.ParseFailed:
        raise QueryError("cannot bind parameters: the query has no WHERE clause") from None
