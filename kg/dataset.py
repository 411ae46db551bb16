"""What the stores share: datasets, the graphs every store keeps, dumps, the store interface."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from kg.errors import KGError
from kg.namespaces import CSIG, GRAPH

STAGING = GRAPH + "staging/"
META = GRAPH + "meta"
GENERATION = CSIG + "generation"
# Every change made through `replace` bumps the store's generation, in the same transaction,
# so derived graphs (views) know when they are stale.
BUMP = (
    f"DELETE {{ GRAPH <{META}> {{ <{META}> <{GENERATION}> ?n }} }} "
    f"INSERT {{ GRAPH <{META}> {{ <{META}> <{GENERATION}> ?next }} }} "
    f"WHERE {{ OPTIONAL {{ GRAPH <{META}> {{ <{META}> <{GENERATION}> ?n }} }} "
    f"BIND(COALESCE(?n + 1, 1) AS ?next) }}"
)


def updates_of(update: str | Sequence[str]) -> list[str]:
    """Return the updates of `replace`'s `update`: one text or a sequence run in order.

    >>> updates_of("CLEAR ALL"), updates_of(["", "CLEAR ALL"])
    (['CLEAR ALL'], ['CLEAR ALL'])
    """
    return [u for u in ([update] if isinstance(update, str) else update) if u]


def continue_from(generation: int) -> str:
    """Return an update that sets the generation, so a restore or reset never goes back.

    Pages and views are kept per generation: a number seen before must mean the same data.
    """
    return (
        f"DELETE {{ GRAPH <{META}> {{ <{META}> <{GENERATION}> ?n }} }} "
        f"WHERE {{ GRAPH <{META}> {{ <{META}> <{GENERATION}> ?n }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{META}> {{ <{META}> <{GENERATION}> {generation} }} }}"
    )


DUMP_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


@dataclass(frozen=True)
class Dataset:
    """The graphs a query may read: the union default graph and the `GRAPH ?g` graphs."""

    default: tuple[str, ...]
    named: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, graphs: Iterable[str]) -> Dataset:
        """Return a dataset whose default graph and named graphs are `graphs`."""
        chosen = tuple(sorted(set(graphs)))
        return cls(chosen, chosen)


class GraphStore(Protocol):
    """What every store offers: the embedded one (`kg.store`) and a SPARQL server (`kg.remote`).

    Choose one with `kg.storage.open_configured`; run viewers' queries through
    `kg.sparql.run_query`, which guards them before either store sees them.
    """

    path: Path | None  # the embedded store's folder; None in memory or on a server
    lock: threading.RLock  # one writer at a time in this process
    embedded: bool  # in this process: views, generations and the bulk loader are offered

    def graphs(self) -> list[str]:
        """Return the IRIs of the project's named graphs, sorted."""

    def triples(self, graph: str) -> list[ox.Triple]:
        """Return the triples of one named graph."""

    def ntriples(self, graph: str) -> bytes:
        """Return one named graph as N-Triples text."""

    def count(self, graph: str | None = None) -> int:
        """Return the number of quads in one graph, or in all the project's graphs."""

    def query(self, sparql: str, dataset: Dataset | None = None, bindings: Mapping | None = None):
        """Run a SPARQL query on `dataset`; answer with pyoxigraph's result types."""

    def select(self, sparql: str, dataset: Dataset | None = None, bindings=None) -> list[dict]:
        """Run a SELECT query and return its rows as dicts of RDF terms."""

    def replace(
        self,
        graphs: Mapping[str, Iterable[ox.Triple]],
        drop: Iterable[str] = (),
        update: str | Sequence[str] = "",
        fresh: Iterable[str] = (),
    ) -> None:
        """Replace named graphs, drop others and run `update`, all at once or not at all.

        `update` is one SPARQL update or a sequence of them, run in order as one.
        """

    def update(self, sparql: str) -> None:
        """Run a SPARQL update."""

    def clear_staging(self) -> None:
        """Drop staging graphs left behind by an interrupted replacement."""

    def clear(self) -> None:
        """Remove every quad of the project's graphs."""

    def dump(self, path: Path) -> int:
        """Write every project graph to an N-Quads or TriG file; return the quad count."""

    def restore(self, path: Path) -> int:
        """Replace the project's graphs with the content of a dump, at once."""

    def flush(self) -> None:
        """Make writes durable."""


def read_dump(path: Path) -> dict[str, list[ox.Triple]]:
    """Read an N-Quads or TriG dump into triples per named graph, naming the file on errors."""
    by_graph: dict[str, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(path=str(path), format=dump_format(path)):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise KGError(f"{path}: a dump holds named graphs only, found {quad}")
            by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    except SyntaxError as err:
        raise KGError(f"{path}: {err}") from err
    return by_graph


def dump_format(path: Path) -> ox.RdfFormat:
    """Pick the dump format from the file extension."""
    try:
        return DUMP_FORMATS[Path(path).suffix]
    except KeyError:
        raise KGError(f"{path}: dumps are N-Quads (.nq) or TriG (.trig)") from None
