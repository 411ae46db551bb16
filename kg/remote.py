"""A remote SPARQL 1.1 server as the store: the `GraphStore` interface over HTTP.

Only graphs under the project's graph namespace are listed, counted, dumped or cleared.
Virtuoso commits each operation of an update request on its own, so a replacement prepares
everything in staging graphs and switches it in with one single DELETE/INSERT operation. A
graph the update only adds to (INSERT DATA) is staged empty and appended, never copied.
Writers in other processes are not serialised: run one writing process per server.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.bindings import bind
from kg.dataset import STAGING, Dataset, dump_format, read_dump, updates_of
from kg.errors import KGError
from kg.guard import form
from kg.namespaces import GRAPH
from kg.retarget import added_only, retarget, update_graphs

EMPTY = GRAPH + "empty"
PAGE = 10000  # Virtuoso's default ResultSetMaxRows: read graphs in pages no larger
CHUNK = 20000  # triples per Graph Store request when a graph holds no blank nodes
# Virtuoso echoes every default-graph-uri as an X-SPARQL-default-graph header, and a viewer's
# dataset can list hundreds of graphs: Python's http.client refuses answers with more than
# 100 headers, so the configured server (a trusted one) may send more.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 10_000)
JSON_RESULTS, N_TRIPLES = "application/sparql-results+json", "application/n-triples"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
OURS = f'FILTER(STRSTARTS(STR(?g), "{GRAPH}"))'


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL 1.1 server: query, update and Graph Store protocol."""

    query: str
    update: str
    graph_store: str

    @classmethod
    def parse(cls, setting: str) -> Endpoints:
        """Read 'sparql+QUERY_URL|UPDATE_URL|GRAPH_STORE_URL'."""
        parts = setting.removeprefix("sparql+").split("|")
        if len(parts) != 3 or not all(p.startswith(("http://", "https://")) for p in parts):
            raise KGError(
                f"store setting {setting!r}: a remote store is written "
                "'sparql+QUERY_URL|UPDATE_URL|GRAPH_STORE_URL'"
            )
        return cls(*parts)


class RemoteStore:
    """The project's RDF dataset on a SPARQL 1.1 server."""

    path = None
    embedded = False

    def __init__(self, setting: str, timeout: float = 300.0):
        self.endpoints = Endpoints.parse(setting)
        self.timeout = timeout
        self.lock = threading.RLock()  # one acceptance at a time in this process

    def graphs(self) -> list[str]:
        """Return the IRIs of the project's named graphs, sorted."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OURS} }}")
        return sorted(r["g"].value for r in rows)

    def triples(self, graph: str) -> list[ox.Triple]:
        """Return the triples of one named graph, read in pages and checked against a count."""
        found: dict[str, ox.Triple] = {}
        for offset in range(0, 1 << 62, PAGE):
            page = list(
                self.query(
                    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> "
                    f"{{ ?s ?p ?o }} }} LIMIT {PAGE} OFFSET {offset}"
                )
            )
            found.update((str(t), t) for t in page)
            if len(page) < PAGE:
                break
        if len(found) != (total := self.count(graph)):
            raise KGError(f"<{graph}>: read {len(found)} of {total} statements (row limit?)")
        return list(found.values())

    def ntriples(self, graph: str) -> bytes:
        """Return one named graph as N-Triples text."""
        return ox.serialize(self.triples(graph), format=ox.RdfFormat.N_TRIPLES) or b""

    def count(self, graph: str | None = None) -> int:
        """Return the number of quads in one graph, or in all the project's graphs."""
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else f"GRAPH ?g {{ ?s ?p ?o }} {OURS}"
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"].value)

    def query(self, sparql: str, dataset: Dataset | None = None, bindings: Mapping | None = None):
        """Run a SPARQL query on `dataset`; answer with pyoxigraph's result types."""
        if bindings:
            sparql = bind(sparql, bindings)
        try:
            graph_form = form(sparql) in ("CONSTRUCT", "DESCRIBE")
        except KGError as err:
            raise SyntaxError(str(err)) from None
        params = [("query", sparql), *_dataset_params(dataset)]
        body, _ = self._post(
            self.endpoints.query, params, N_TRIPLES if graph_form else JSON_RESULTS, query=True
        )
        if graph_form:
            return _query_triples(body)
        return ox.parse_query_results(_fix_json(body), format=ox.QueryResultsFormat.JSON)

    def select(self, sparql: str, dataset: Dataset | None = None, bindings=None) -> list[dict]:
        """Run a SELECT query and return its rows as dicts of RDF terms."""
        solutions = self.query(sparql, dataset, bindings)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in solutions]

    def replace(
        self,
        graphs: Mapping[str, Iterable[ox.Triple]],
        drop: Iterable[str] = (),
        update: str | Sequence[str] = "",
        fresh: Iterable[str] = (),
    ) -> None:
        """Replace named graphs, drop others and run `update`, switched in by one operation.

        Every graph is staged here (`fresh` is accepted for the embedded store's signature).

        `update` must name every graph it touches by a full IRI (no `GRAPH ?g`, no DROP ALL);
        it runs on staging copies, so a failure leaves the live graphs unchanged. A sequence of
        updates is sent one request each (Virtuoso refuses a request of some megabytes:
        "SQ199: Maximum size (32767) of a code vector exceeded"). Concurrent
        replacements must be serialised by the caller.
        """
        with self.lock:  # one writer at a time in this process
            self._replace(graphs, list(drop), updates_of(update))

    def _replace(
        self, graphs: Mapping[str, Iterable[ox.Triple]], drop: list[str], updates: list[str]
    ) -> None:
        run = f"{STAGING}{uuid.uuid4().hex}/"
        staged = {target: f"{run}{i}" for i, target in enumerate(graphs)}
        drop = [g for g in drop if g not in staged]
        appended: dict[str, str] = {}
        try:
            for target, triples in graphs.items():
                self._post_triples(staged[target], list(triples))
            if updates:
                self._stage_updates(updates, staged, drop, run, appended)
            self.update(_switch(staged, drop, appended))
        except BaseException:
            self._drop_run(run)
            raise

    def _stage_updates(
        self, updates: list[str], staged: dict, drop: list, run: str, appended: dict
    ) -> None:
        """Run `updates` on staging graphs for the graphs they name (found on their parse tree).

        A graph the updates only add to gets an empty staging graph, recorded in `appended`;
        any other gets a staging copy of the live graph (an empty one if it is dropped).
        """
        names = [update_graphs(u) for u in updates]
        named = list(dict.fromkeys(g for found in names for g in found))
        adds = list(zip(map(added_only, updates), names, strict=True))
        added = {g for g in named if all(g in a or g not in n for a, n in adds)} - set(drop)
        for graph in named:
            if graph in staged:
                continue
            stage = f"{run}{len(staged) + len(appended)}"
            if graph in added:
                appended[graph] = stage
                continue
            staged[graph] = stage
            if graph not in drop:
                self.update(
                    f"INSERT {{ GRAPH <{stage}> {{ ?s ?p ?o }} }} "
                    f"WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
                )
        targets = {g: staged.get(g) or appended[g] for g in named}
        for update, found in zip(updates, names, strict=True):
            self.update(retarget(update, {g: targets[g] for g in found}))

    def update(self, sparql: str) -> None:
        """Run a SPARQL update (Virtuoso commits each `;`-separated operation on its own)."""
        self._post(self.endpoints.update, [("update", sparql)], JSON_RESULTS)

    def clear_staging(self) -> None:
        """Drop staging graphs left behind by an interrupted replacement."""
        self._drop_run(STAGING)

    def _drop_run(self, prefix: str) -> None:
        """Delete every graph whose IRI starts with `prefix`, in one operation."""
        self.update(
            f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
        )

    def clear(self) -> None:
        """Remove every quad of the project's graphs (other graphs on the server stay)."""
        self._drop_run(GRAPH)

    def dump(self, path: Path) -> int:
        """Write every project graph to an N-Quads or TriG file; return the quad count."""
        quads = [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
            for g in self.graphs()
            for t in self.triples(g)
        ]
        ox.serialize(quads, str(path), dump_format(path))
        return len(quads)

    def restore(self, path: Path) -> int:
        """Replace the project's graphs with the content of a dump, switched in at once."""
        by_graph = read_dump(path)
        self.replace(by_graph, drop=self.graphs())
        return sum(len(t) for t in by_graph.values())

    def flush(self) -> None:
        """Nothing to do: the server makes its writes durable."""

    def _post_triples(self, graph: str, triples: list[ox.Triple]) -> None:
        """Add triples to a graph with the Graph Store protocol, in chunks without blank nodes."""
        blank = any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
            for t in triples
        )
        size = len(triples) if blank else CHUNK
        sep = "&" if "?" in self.endpoints.graph_store else "?"
        url = f"{self.endpoints.graph_store}{sep}{urllib.parse.urlencode({'graph': graph})}"
        for start in range(0, len(triples), size):
            body = ox.serialize(triples[start : start + size], format=ox.RdfFormat.N_TRIPLES)
            self._send(url, body, {"Content-Type": N_TRIPLES + "; charset=utf-8"})

    def _post(self, url: str, params: list, accept: str, query: bool = False):
        """POST a form-encoded request (a direct SPARQL body hangs on Virtuoso)."""
        body = urllib.parse.urlencode(params).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self._send(url, body, headers, query)

    def _send(self, url: str, body: bytes, headers: dict, query: bool = False):
        """Send one request; map errors to SyntaxError (400) or KGError; refuse capped rows."""
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer, info = response.read(), response.headers
        except urllib.error.HTTPError as err:
            with err:
                detail = err.read().decode("utf-8", "replace").strip()
            if err.code == 400:
                raise SyntaxError(detail) from None
            raise KGError(f"remote store {url}: HTTP {err.code}: {detail[:2000]}") from None
        except OSError as err:
            raise KGError(f"remote store {url}: {err}") from err
        if query and (info.get("X-SPARQL-MaxRows") or info.get("X-SQL-State")):
            raise KGError(
                f"remote store {url}: the server cut the answer short at its row or "
                "time limit (Virtuoso: ResultSetMaxRows, MaxQueryExecutionTime)"
            )
        return answer, info


def _dataset_params(dataset: Dataset | None) -> list[tuple[str, str]]:
    """Protocol parameters for a dataset; always both lists (Virtuoso adds all graphs else)."""
    if dataset is None:
        return []
    return [("default-graph-uri", g) for g in dataset.default or (EMPTY,)] + [
        ("named-graph-uri", g) for g in dataset.named or (EMPTY,)
    ]


def _fix_json(body: bytes) -> bytes:
    """Repair Virtuoso's JSON: `typed-literal`, `nodeID://` blank nodes, booleans as 1/0."""
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            if term.get("type") == "bnode":
                term["value"] = re.sub(r"\W", "", term["value"].removeprefix("nodeID://")) or "b"
            if term.get("datatype") == BOOLEAN:
                term["value"] = {"1": "true", "0": "false"}.get(term["value"], term["value"])
    return json.dumps(data).encode()


def _query_triples(body: bytes) -> ox.QueryTriples:
    """Turn an N-Triples answer into pyoxigraph's CONSTRUCT result type."""
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
        for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    )
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _switch(
    staged: Mapping[str, str], drop: list[str], appended: Mapping[str, str] | None = None
) -> str:
    """One DELETE/INSERT operation: empty targets, dropped and staging graphs; move content.

    The targets of `appended` keep their content and receive their staging graph's.
    """
    appended = appended or {}
    cleared = " ".join(f"<{g}>" for g in [*staged, *drop, *staged.values(), *appended.values()])
    moves = " ".join(f"(<{s}> <{t}>)" for t, s in [*staged.items(), *appended.items()])
    parts = [f"{{ VALUES ?d {{ {cleared} }} GRAPH ?d {{ ?s ?p ?o }} }}"] if cleared else []
    parts += [f"{{ VALUES (?src ?t) {{ {moves} }} GRAPH ?src {{ ?s ?p ?o }} }}"] if moves else []
    where = " UNION ".join(parts)
    return (
        f"DELETE {{ GRAPH ?d {{ ?s ?p ?o }} }} INSERT {{ GRAPH ?t {{ ?s ?p ?o }} }} "
        f"WHERE {{ {where or 'FILTER(false)'} }}"
    )
