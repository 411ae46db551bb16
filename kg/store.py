"""The embedded store: pyoxigraph in this process, named graphs, atomic replacement, dumps."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.bindings import bind
from kg.dataset import (
    BUMP,
    GENERATION,
    META,
    STAGING,
    Dataset,
    continue_from,
    dump_format,
    read_dump,
    updates_of,
)
from kg.errors import KGError
from kg.namespaces import GRAPH

# Each bulk-loader call costs about 0.25 s however small (measured on disk), where a
# transaction of 1,000 statements costs 0.01-0.03 s: smaller batches load transactionally.
BULK_FROM = 10_000


class StoreBusy(KGError):
    """The embedded store is open in another process."""


class Store:
    """The project's RDF dataset, embedded in this process.

    Besides the `GraphStore` interface it keeps a generation, bumped by every replacement,
    which views and the web cache follow.
    """

    embedded = True

    def __init__(self, path: Path | None = None, bulk: bool = False):
        try:
            self._ox = ox.Store(str(path)) if path else ox.Store()
        except OSError as err:
            kind = StoreBusy if "lock" in str(err).lower() else KGError
            raise kind(
                f"cannot open the store at {path}: {err} (another `kg` process is "
                "using it; while `kg serve` runs, commands are handed to it)"
            ) from err
        self.path = path
        # The N-Triples text each graph was last written from while in bulk (see `texts`).
        self._written: dict[str, bytes] = {}
        # A new store being built that no one reads yet may skip transactions: pyoxigraph's
        # bulk loader writes an on-disk store faster than transactional loads (see `load`).
        self.bulk = bulk
        self.lock = threading.RLock()  # one acceptance at a time: versions must not interleave

    @property
    def bulk(self) -> bool:
        """Whether this is a new on-disk store being built, which no one reads yet."""
        return self._bulk

    @bulk.setter
    def bulk(self, on: bool) -> None:
        self._bulk = on
        if not on:
            self._written.clear()

    def graphs(self) -> list[str]:
        """Return the IRIs of every named graph, sorted."""
        return sorted(g.value for g in self._ox.named_graphs())

    def triples(self, graph: str) -> list[ox.Triple]:
        """Return the triples of one named graph."""
        quads = self._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return [q.triple for q in quads]

    def ntriples(self, graph: str) -> bytes:
        """Return one named graph as N-Triples text, without building Python objects."""
        return self._ox.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""

    def texts(self, graphs: Sequence[str]) -> list[bytes]:
        """Return each graph as N-Triples text; in a store being built, as it was written.

        Reading a graph back as text costs about 11 s per million statements on disk, where
        the text a graph was written from in bulk is at hand. It is used only while the graph
        still holds as many statements as the text has lines (a graph replaced or dropped
        since is forgotten at once; the count check covers any other change); else the graph
        is read back.
        """
        held = self._counts([g for g in graphs if g in self._written])
        same = {g for g, n in held.items() if n == self._written[g].count(b"\n")}
        return [self._written[g] if g in same else self.ntriples(g) for g in graphs]

    def _counts(self, graphs: list[str]) -> dict[str, int]:
        """Return the number of statements in each of `graphs` that has any."""
        if not graphs:
            return {}
        values = " ".join(f"<{g}>" for g in graphs)
        rows = self.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        return {r["g"].value: int(r["n"].value) for r in rows}

    def count(self, graph: str | None = None) -> int:
        """Return the number of quads in one graph, or in the whole store."""
        name = ox.NamedNode(graph) if graph else None
        return sum(1 for _ in self._ox.quads_for_pattern(None, None, None, name))

    def query(self, sparql: str, dataset: Dataset | None = None, bindings: Mapping | None = None):
        """Run a SPARQL query on `dataset` with `bindings` substituted as RDF terms."""
        kwargs: dict = {}
        if dataset is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset.default] or [
                ox.NamedNode(GRAPH + "empty")
            ]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset.named]
        if bindings:
            sparql = bind(sparql, bindings)
        return self._ox.query(sparql, **kwargs)

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
        """Replace named graphs, drop others and run `update`, all in one transaction.

        New content is first written to staging graphs (an atomic insert), then switched in
        by one SPARQL update, so a failure at any point leaves the live graphs unchanged.
        Targets named in `fresh` are read by no one until `update` commits them (a new
        version's history graph, a partner's first graphs): they skip the staging copy and
        are written in place, emptied first of anything an interrupted write left there.
        """
        with self.lock:  # one writer at a time in this process
            self._replace(graphs, drop, updates_of(update), set(fresh) & set(graphs))

    def _replace(
        self,
        graphs: Mapping[str, Iterable[ox.Triple]],
        drop: Iterable[str],
        updates: list[str],
        fresh: set[str],
    ) -> None:
        run = f"{STAGING}{uuid.uuid4().hex}/"
        where = {t: t if t in fresh else f"{run}{i}" for i, t in enumerate(graphs)}
        staged = {t: w for t, w in where.items() if t not in fresh}
        try:
            if fresh:
                self._ox.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in fresh))
            written = self._write(graphs, where)
        except OSError as err:
            self._forget(staged.values(), fresh)
            raise KGError(
                f"the store at {self.path} could not be written ({err}): is the disk "
                "full or read-only? Nothing was changed"
            ) from err
        ops = [f"DROP SILENT GRAPH <{g}>" for g in drop if g not in where]
        ops += [f"MOVE SILENT GRAPH <{s}> TO GRAPH <{t}>" for t, s in staged.items()]
        ops += [f"DROP SILENT GRAPH <{s}>" for s in staged.values()]
        ops += updates
        ops.append(BUMP)
        try:
            self._ox.update(" ;\n".join(ops))
        except OSError as err:
            self._forget(staged.values(), fresh)
            raise KGError(
                f"the store at {self.path} could not be written ({err}): is the disk "
                "full or read-only? Nothing was changed"
            ) from err
        except BaseException:
            self._forget(staged.values(), fresh)
            raise
        if self.bulk and self.path:
            self._remember(written, drop)

    def _remember(self, written: dict[str, bytes | None], dropped: Iterable[str]) -> None:
        """Note the text each graph of a store being built now holds (None: not as text)."""
        for graph in dropped:
            self._written.pop(graph, None)
        for graph, text in written.items():
            if text is None:
                self._written.pop(graph, None)
            else:
                self._written[graph] = text

    def _write(
        self, graphs: Mapping[str, Iterable[ox.Triple]], where: dict[str, str]
    ) -> dict[str, bytes | None]:
        """Insert each graph's triples into its graph in `where`; return each one's text.

        Triples are handed to the store as N-Triples text, which pyoxigraph parses much faster
        than Python builds quad objects; a list given for two targets (a version's current and
        history graphs) is serialised once. The parser renames blank nodes, so graphs that may
        hold one (any "_:" in the text) are inserted as quads instead, and have no text.
        """
        encoded: dict[int, bytes] = {}
        batch, texts = [], {}
        for target, triples in graphs.items():
            graph = ox.NamedNode(where[target])
            triples = triples if isinstance(triples, list) else list(triples)
            if id(triples) not in encoded:
                encoded[id(triples)] = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            data = encoded[id(triples)] or b""
            texts[target] = None if b"_:" in data else data
            if texts[target] is None:
                self._ox.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
            elif data:
                batch.append((data, graph.value))
        self.load(batch)
        return texts

    def load(self, batch: list[tuple[bytes, str]]) -> None:
        """Add N-Triples without blank nodes to graphs: [(text, graph IRI)].

        Each graph is one transaction, except in a new on-disk store being built (`bulk`):
        there a batch of BULK_FROM statements or more goes to pyoxigraph's bulk loader in one
        call (1M statements on disk: 100 s against 115 s, and views 85 s against 175 s; in
        memory the bulk loader was twice as slow, so it is not used there).
        """
        if self.bulk and self.path and sum(data.count(b"\n") for data, _ in batch) >= BULK_FROM:
            quads = b"".join(
                data.replace(b" .\n", f" <{graph}> .\n".encode()) for data, graph in batch
            )
            if quads:
                self._ox.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
            return
        for data, graph in batch:
            self._ox.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))

    def _forget(self, staged: Iterable[str], fresh: Iterable[str]) -> None:
        """Try to drop what a failed replacement wrote; it is harmless if this fails too."""
        graphs = [*staged, *fresh]
        if not graphs:
            return
        try:
            self._ox.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        except OSError:
            pass

    def generation(self) -> int:
        """Return how many changes `replace` has made to the store."""
        rows = self.select(f"SELECT ?n WHERE {{ <{META}> <{GENERATION}> ?n }}", Dataset((META,)))
        return int(rows[0]["n"].value) if rows else 0

    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction."""
        self._ox.update(sparql)

    def clear_staging(self) -> None:
        """Drop staging graphs left behind by an interrupted replacement."""
        leftovers = [g for g in self.graphs() if g.startswith(STAGING)]
        if leftovers:
            self._ox.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))

    def clear(self) -> None:
        """Remove every quad."""
        self._ox.clear()
        self._written.clear()

    def dump(self, path: Path) -> int:
        """Write every named graph to an N-Quads or TriG file; return the quad count."""
        fmt = dump_format(path)
        self._ox.dump(str(path), fmt)
        return self.count()

    def restore(self, path: Path) -> int:
        """Replace the whole store with the content of a dump, in one transaction."""
        by_graph = read_dump(path)
        self.replace(by_graph, drop=self.graphs(), update=continue_from(self.generation()))
        return sum(len(t) for t in by_graph.values())

    def flush(self) -> None:
        """Make writes durable on disk; a store being built in bulk is flushed once, at the end."""
        if self.path and not self.bulk:
            self._ox.flush()
