"""The canonical form of a graph: RDFC-1.0 blank node labels, N-Triples lines in sorted order.

Two graphs are equal exactly when their canonical texts are equal, so a graph's SHA-256 over
that text is its identity in a package. Blank nodes are relabelled by RDF Dataset
Canonicalization (RDFC-1.0, pyoxigraph's `Dataset.canonicalize`); terms are written as
pyoxigraph's N-Triples serialiser writes them; lines are sorted by code point (UTF-8 byte
order is code point order) with duplicates removed.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from kg.errors import KGError

NT = ox.RdfFormat.N_TRIPLES


def canonical(text: bytes) -> bytes:
    """Return N-Triples text in canonical form.

    >>> canonical(b'<http://a> <http://p> "z" .\\n_:x <http://p> <http://a> .\\n').decode()
    '<http://a> <http://p> "z" .\\n_:c14n0 <http://p> <http://a> .\\n'
    """
    if b"_:" in text:  # only then is the slower relabelling needed
        dataset = ox.Dataset(ox.parse(text, format=NT))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        text = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b""
    return b"".join(sorted(set(text.splitlines(keepends=True))))


def graph_text(store, graph: str) -> bytes:
    """Return one graph of a store in canonical form."""
    return canonical(store.ntriples(graph))


def digest(data: bytes) -> str:
    """Return the SHA-256 of some bytes, in lower-case hexadecimal.

    >>> digest(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def parse_canonical(text: bytes, where: str) -> list[ox.Triple]:
    """Parse a graph that must be in canonical form; a KGError names `where` otherwise."""
    try:
        triples = [q.triple for q in ox.parse(text, format=NT)]
    except (SyntaxError, ValueError) as err:
        raise KGError(f"{where}: not N-Triples: {err}") from err
    written = ox.serialize(triples, format=NT) or b""
    if canonical(written) != text:
        raise KGError(f"{where}: the graph is not in canonical form (RDFC-1.0, sorted lines)")
    return triples
