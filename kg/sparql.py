"""Run read-only SPARQL safely on a viewer's dataset: no SERVICE, no LOAD, FROM kept inside."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pyoxigraph as ox

from kg.errors import KGError
from kg.store import Dataset, Store

TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<word>[A-Za-z_][A-Za-z_0-9-]*)
  | (?P<other>\S)
""", re.X | re.S)
# SERVICE followed by what can start its target: an IRI, a variable, a prefixed name (comments
# count as spaces). Matched on the raw text as well as on tokens, because a lexer can be fooled
# (`1<'>'` is a comparison, not an IRI) and a missed SERVICE is an outbound connection.
SERVICE_CALL = re.compile(
    r"(?<![?$:\w])SERVICE\b(?:\s|#[^\n]*(?:\n|$))*(?:SILENT\b(?:\s|#[^\n]*(?:\n|$))*)?"
    r"(?:<|\?|\$|[A-Za-z_][\w.-]*:|:)", re.I)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH"}


class QueryError(KGError):
    """A query that cannot or may not run: a syntax error or a refused operation."""


@dataclass(frozen=True)
class Inspection:
    """What a query asks for before it runs: its FROM graphs and forbidden parts."""

    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    refused: str = ""


def inspect(text: str) -> Inspection:
    """Find FROM / FROM NAMED graphs and refused keywords outside strings, IRIs and comments.

    >>> inspect("SELECT * FROM <http://g> { SERVICE <http://x> { ?s ?p ?o } }").refused
    'SERVICE'
    >>> inspect("SELECT * FROM <http://g> WHERE { ?s ?p 'SERVICE' }").from_graphs
    ('http://g',)
    """
    source = unescape(text)
    tokens = [(m.lastgroup, m.group(), m.end()) for m in TOKEN.finditer(source)
              if m.lastgroup != "comment"]
    names = Names()
    froms, named, refused = [], [], ""
    for i, (kind, value, _) in enumerate(tokens):
        word = value.upper() if kind == "word" else ""
        if word in UPDATE_WORDS | {"SERVICE"} and not refused and _is_keyword(tokens, i):
            refused = word
        elif word in ("PREFIX", "BASE"):
            names.declare(word, tokens, i, source)
        elif word == "FROM":
            at = i + 2 if _word(tokens, i + 1) == "NAMED" else i + 1
            (named if at == i + 2 else froms).append(names.resolve(tokens, at, source))
    if not refused and SERVICE_CALL.search(source):
        refused = "SERVICE"
    return Inspection(tuple(froms), tuple(named), refused)


def _word(tokens: list, i: int) -> str:
    return tokens[i][1].upper() if i < len(tokens) and tokens[i][0] == "word" else ""


@dataclass
class Names:
    """The query's BASE and PREFIX declarations, to resolve FROM targets as the parser does."""

    base: str = ""
    prefixes: dict = field(default_factory=dict)

    def declare(self, keyword: str, tokens: list, i: int, source: str) -> None:
        """Record `BASE <iri>` or `PREFIX p: <iri>` starting at token i."""
        if keyword == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            self.base = self.absolute(tokens[i + 1][1][1:-1])
            return
        match = re.match(r"\s*([A-Za-z_][\w.-]*)?:\s*<([^>]*)>", source[tokens[i][2]:])
        if match:
            self.prefixes[match.group(1) or ""] = self.absolute(match.group(2))

    def absolute(self, iri: str) -> str:
        """Resolve a relative IRI against the BASE."""
        return urljoin(self.base, iri) if self.base else iri

    def resolve(self, tokens: list, i: int, source: str) -> str:
        """Return the IRI written at token i: `<iri>` or a prefixed name."""
        if i >= len(tokens):
            return ""
        if tokens[i][0] == "iri":
            return self.absolute(tokens[i][1][1:-1])
        start = tokens[i][2] - len(tokens[i][1])
        match = re.match(r"([A-Za-z_][\w.-]*)?:([^\s{}()<>,;]*)", source[start:])
        if match and (match.group(1) or "") in self.prefixes:
            return self.prefixes[match.group(1) or ""] + match.group(2)
        return source[start:].split(None, 1)[0] if source[start:].strip() else ""


def unescape(text: str) -> str:
    r"""Apply SPARQL's codepoint escapes, which a parser applies before anything else.

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _is_keyword(tokens: list, i: int) -> bool:
    """A word is a keyword unless it is a variable or part of a prefixed name (`ex:load`)."""
    before = tokens[i - 1][1] if i else ""
    after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
    return before not in (":", "?", "$") and after != ":"


@dataclass
class QueryResult:
    """A query's answer: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


def scoped_dataset(inspection: Inspection, dataset: Dataset) -> Dataset:
    """Honour FROM / FROM NAMED, but only with graphs inside the viewer's dataset."""
    for graph in inspection.from_graphs + inspection.from_named:
        if graph not in dataset.named:
            raise QueryError(f"graph <{graph}> is not available: FROM and FROM NAMED may name "
                             "only graphs of your dataset; nothing is fetched from elsewhere")
    if not inspection.from_graphs and not inspection.from_named:
        return dataset
    return Dataset(inspection.from_graphs, inspection.from_named)


def run_query(store: Store, text: str, dataset: Dataset, bindings: dict | None = None,
              row_cap: int = 0) -> QueryResult:
    """Run a read-only query on `dataset`; refuse SERVICE, updates and outside FROM graphs."""
    inspection = inspect(text)
    if inspection.refused:
        raise QueryError(f"{inspection.refused} is not allowed: this endpoint is read-only "
                         "and never contacts other services")
    try:
        answer = store.query(text, scoped_dataset(inspection, dataset), bindings)
    except SyntaxError as err:
        raise QueryError(f"malformed query: {err}") from err
    return collect(answer, row_cap)


def collect(answer, row_cap: int = 0) -> QueryResult:
    """Turn a pyoxigraph answer into a `QueryResult`, keeping at most `row_cap` rows."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples = []
        for triple in answer:
            if row_cap and len(triples) >= row_cap:
                return QueryResult("graph", triples=triples, truncated=True)
            triples.append(triple)
        return QueryResult("graph", triples=triples)
    names = [v.value for v in answer.variables]
    rows = []
    for solution in answer:
        if row_cap and len(rows) >= row_cap:
            return QueryResult("select", names, rows, truncated=True)
        rows.append({n: v for n in names if (v := solution[n]) is not None})
    return QueryResult("select", names, rows)


def bind(text: str, bindings: dict) -> str:
    """Bind variables to RDF terms with a VALUES block at the top of the main group.

    The terms are written in N-Triples syntax by pyoxigraph, so no user text is ever pasted
    into the query; parameters must be used in the main group, not inside sub-selects.

    >>> bind("SELECT ?x WHERE { ?x ?p ?_v }", {"_v": ox.Literal("a")})
    'SELECT ?x WHERE { VALUES (?_v) { ("a") } ?x ?p ?_v }'
    """
    if not bindings:
        return text
    at = _main_group(text)
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    return f"{text[:at + 1]} VALUES ({names}) {{ ({values}) }}{text[at + 1:]}"


def _main_group(text: str) -> int:
    """Return the offset of the `{` that opens the query's WHERE clause."""
    form, after_where = "", False
    for m in TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        word = value.upper() if kind == "word" else ""
        if not form and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
        elif word == "WHERE":
            after_where = True
        elif value == "{" and form and (after_where or form != "CONSTRUCT"):
            return m.start()
    raise QueryError("cannot bind parameters: the query has no WHERE clause")
