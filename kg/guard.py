"""Decide what a SPARQL text may do from its parse tree: a read-only query, no SERVICE, its FROM.

rdflib's SPARQL 1.1 parser (pyparsing) builds the tree; pyoxigraph, which runs the query, has
no parser of its own in its Python API. Two parsers can read one text differently, so the text
is first put in a canonical form that both read alike (codepoint escapes expanded once, lone
carriage returns made line feeds), the canonical text is what is parsed *and* what runs, and a
text the parser cannot read is refused. The query worker's empty network is the second line.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass
from urllib.parse import urljoin

from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import expandUnicodeEscapes_re, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from kg.errors import KGError

FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
OPERATIONS = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}
CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
CACHED_TEXT = 100_000  # longer texts are parsed every time rather than kept


# pyparsing settles each parse action's arity on its first calls, unsafely across threads:
# every use of rdflib's grammar here takes this lock. A fork waits for a parse in progress,
# so a worker never starts with the grammar half-way through one.
PARSING = threading.RLock()


class ParseFailed(Exception):
    """A parse that failed, carrying the parser's message only."""


def parsed(parse, text: str):
    """Return `parse(text)` for one of rdflib's grammar functions, run in a short-lived thread.

    pyparsing leaves reference cycles through the frames of a parse; in a thread of their own
    those frames do not reach the caller's, whose locals (pyoxigraph results, which must be
    freed on their own thread) would otherwise wait for the cycle collector.
    """
    box: dict = {}

    def work() -> None:
        with PARSING:
            try:
                box["value"] = parse(text)
            except Exception as err:  # noqa: BLE001 - pyparsing, recursion and value errors
                box["error"] = _message(err)

    thread = threading.Thread(target=work, name="sparql-parser", daemon=True)
    thread.start()
    thread.join()
    if "error" in box or "value" not in box:
        raise ParseFailed(box.get("error", "the parser stopped"))
    return box["value"]


def _fresh_lock() -> None:
    global PARSING
    PARSING = threading.RLock()


os.register_at_fork(
    before=lambda: PARSING.acquire(),
    after_in_parent=lambda: PARSING.release(),
    after_in_child=_fresh_lock,
)


class QueryError(KGError):
    """A query that cannot or may not run: a syntax error or a refused operation."""


@dataclass(frozen=True)
class Inspection:
    """A query as parsed: its canonical text, form, FROM graphs and what is refused in it."""

    text: str
    form: str = ""
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    refused: str = ""
    graph_iris: tuple[str, ...] = ()  # the IRIs of its `GRAPH <iri> { … }` patterns


def canonical(text: str) -> str:
    r"""Return the text both parsers read alike: escapes expanded once, line ends as `\n`.

    SPARQL expands `\uXXXX` / `\UXXXXXXXX` before parsing; rdflib does so too (also reading
    eight digits after `\u`), while Oxigraph expands them only inside strings and IRIs, so
    `"\u0022"` is one quote to Oxigraph and the opening of a long string to rdflib. A lone
    carriage return ends a comment for Oxigraph but not for rdflib.

    >>> canonical(r"\u0053ERVICE # x" + "\r" + "y")
    'SERVICE # x\ny'
    """
    try:
        expanded = CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    except (ValueError, OverflowError):
        raise QueryError("malformed query: a \\U escape past the last code point") from None
    if any("\ud800" <= c <= "\udfff" for c in expanded):
        raise QueryError(
            "malformed query: an escape spells half of a surrogate pair, which is not a character"
        )
    if expandUnicodeEscapes_re.search(expanded):
        raise QueryError(
            "malformed query: a \\u escape that spells another escape is not "
            "accepted; write the character itself"
        )
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


def inspect(text: str) -> Inspection:
    """Parse a query and return what it asks for; a malformed text raises `QueryError`.

    >>> inspect("SELECT * { SERVICE <http://x> { ?s ?p ?o } }").refused
    'SERVICE'
    >>> inspect("PREFIX g: <http://g/> ASK FROM g:a { ?s ?p 'SERVICE' }").from_graphs
    ('http://g/a',)
    """
    if len(text) > CACHED_TEXT:
        return _inspect(text)
    return _inspect_kept(text)


@functools.lru_cache(maxsize=256)
def _inspect_kept(text: str) -> Inspection:
    return _inspect(text)


def _inspect(text: str) -> Inspection:
    source = canonical(text)
    try:
        prologue, query = parsed(parseQuery, source)
    except ParseFailed as err:
        operation = _update_operation(source)
        if operation:
            return Inspection(source, refused=operation)
        raise QueryError(f"malformed query: {err}") from None
    if _contains(query, "ServiceGraphPattern"):
        return Inspection(source, FORMS.get(query.name, ""), refused="SERVICE")
    names = Names.of(prologue)
    froms, named = [], []
    for clause in value_of(query, "datasetClause") or ():
        if value_of(clause, "named") is not None:
            named.append(names.resolve(clause["named"]))
        else:
            froms.append(names.resolve(clause["default"]))
    graphs = tuple(
        dict.fromkeys(
            names.resolve(node["term"])
            for node in _nodes(query, "GraphGraphPattern")
            if not isinstance(node["term"], Variable)
        )
    )
    return Inspection(source, FORMS[query.name], tuple(froms), tuple(named), graph_iris=graphs)


def _update_operation(source: str) -> str:
    """Return the first operation of a text that parses as an update, else ''."""
    try:
        update = parsed(parseUpdate, source)
    except ParseFailed:  # not an update either: the query's error is reported
        return ""
    requests = value_of(update, "request") or []
    return OPERATIONS.get(requests[0].name, "UPDATE") if requests else ""


def value_of(node: CompValue, key: str):
    """Return a node's value for `key`, or None (CompValue.get answers the key itself)."""
    return node[key] if key in node else None


def _message(err: Exception) -> str:
    """Return a parser error as one line."""
    return " ".join(str(err).split())[:500] or type(err).__name__


def _contains(node, name: str) -> bool:
    """Return whether a parse tree holds a node called `name` anywhere."""
    return next(_nodes(node, name), None) is not None


def _nodes(node, name: str):
    """Yield every node of a parse tree called `name`."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == name:
                yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)


@dataclass
class Names:
    """A prologue's BASE and PREFIX declarations, resolved in order as rdflib resolves them."""

    base: str
    prefixes: dict[str, str]

    @classmethod
    def of(cls, prologue) -> Names:
        """Read the Base and PrefixDecl nodes of a parsed prologue."""
        names = cls("", {})
        for decl in prologue or ():
            if decl.name == "Base":
                names.base = names.absolute(str(decl["iri"]))
            elif decl.name == "PrefixDecl":
                names.prefixes[value_of(decl, "prefix") or ""] = names.absolute(str(decl["iri"]))
        return names

    def absolute(self, iri: str) -> str:
        """Resolve a relative IRI against the BASE (rdflib: urljoin)."""
        return urljoin(self.base, iri) if self.base else iri

    def resolve(self, term) -> str:
        """Return the IRI of an `<iri>` or a prefixed name of the parse tree."""
        if isinstance(term, CompValue) and term.name == "pname":
            prefix = value_of(term, "prefix") or ""
            if prefix not in self.prefixes:
                raise QueryError(f"malformed query: the prefix {prefix}: is not declared")
            # a local name escape such as `\.` stands for its character; `%XX` stays as written
            local = value_of(term, "localname") or ""
            return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return self.absolute(str(term))


def form(text: str) -> str:
    """Return the form of a query (SELECT, ASK, CONSTRUCT, DESCRIBE) from its parse tree.

    >>> form("# CONSTRUCT\\nPREFIX ask: <a:> SELECT * { ?s ask:x ?o }")
    'SELECT'
    """
    inspection = inspect(text)
    if not inspection.form:
        raise QueryError(f"not a SPARQL query: {inspection.refused or 'no query form'}")
    return inspection.form
