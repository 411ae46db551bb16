"""Findings kept on disk per access profile and store generation: a report is read, not rerun.

A report's findings are a function of the graphs a viewer may see, the day (reports that age
records count from today) and the code that computes them. Each answer is kept in a file
inside the embedded store's folder (`findings/`, which the engine leaves alone), named by a key
of the store's generation, the viewer's graphs, the day, the report and its parameters, and a
digest of the code. Every write through `Store.replace` bumps the generation, so an answer is
never read after the data it came from changed; the answers live and go with the store's
files, so a store deleted, rebuilt or copied back from a backup never meets another's answers.
Only the graphs of the viewer's dataset are in the key: viewers with the same visible graphs
share answers, and no answer reaches a viewer with other graphs. A remote store (which other
processes write, without a generation) and a store being built keep nothing.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import gc
import hashlib
import json
import os
import sys
import tempfile
import threading
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.sparql import QueryResult

FOLDER = "findings"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FILES = 200  # answers kept per store; the least recently written go first
T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    """What one kept answer is the answer to."""

    generation: int
    day: str
    kind: str
    graphs: tuple[str, ...]
    params: str

    @property
    def prefix(self) -> str:
        """Return the part of a file name shared by every answer of this store state."""
        return f"{self.generation}-{self.day}-"

    def file(self) -> str:
        """Return the file name of this answer."""
        text = json.dumps([code_digest(), self.kind, self.graphs, self.params])
        return self.prefix + hashlib.sha256(text.encode()).hexdigest()[:32] + ".json"


def folder(store: GraphStore) -> Path | None:
    """Return the folder that keeps the store's findings, or None when it keeps none."""
    if not store.embedded or store.path is None or getattr(store, "bulk", False):
        return None
    return store.path / FOLDER


def key(store: GraphStore, dataset: Dataset, kind: str, params: dict) -> Key | None:
    """Return the key of a report's answer on a viewer's dataset now, or None when not kept."""
    if folder(store) is None:
        return None
    return Key(
        store.generation(),
        dt.datetime.now(dt.UTC).date().isoformat(),
        kind,
        (*dataset.default, "|", *dataset.named),
        json.dumps(params, sort_keys=True, default=str),
    )


def through(
    store: GraphStore,
    dataset: Dataset,
    kind: str,
    params: dict,
    compute: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """Return the kept answer for (kind, params) on `dataset`, else `compute()` it and keep it.

    An answer is kept only when the store's generation did not move while it was computed.
    """
    found = key(store, dataset, kind, params)
    if found is None:
        return compute()
    with _computing(store, found) as first:
        with _uncollected():
            body = fetch(store, found)  # kept before, or by the computation just waited for
            if body is not None:
                return decode(body)
        if not first:
            return compute()  # the other computation kept nothing: compute it here
        value = compute()
        if store.generation() == found.generation:
            with _uncollected():
                keep(store, found, encode(value))
        return value


_RUNNING: dict[tuple[str, str], threading.Event] = {}
_RUNNING_LOCK = threading.Lock()


@contextlib.contextmanager
def _computing(store: GraphStore, found: Key):
    """Let one thread at a time compute an answer; the others wait for it, then read it.

    After a change the renewal (kg/renewal.py) and the first readers ask for the same
    answers: computing each once, not once per asker, frees the cores sooner. Yields
    whether this thread is the one to compute (else it waited for the one that was).
    """
    ident = (str(store.path), found.file())
    with _RUNNING_LOCK:
        running = _RUNNING.get(ident)
        if running is None:
            _RUNNING[ident] = threading.Event()
    if running is not None:
        running.wait()
        yield False
        return
    try:
        yield True
    finally:
        with _RUNNING_LOCK:
            _RUNNING.pop(ident).set()


@contextlib.contextmanager
def _uncollected():
    """Pause the cycle collector while an answer is read back or written.

    Reading 192k rows makes a million objects, none of them in a cycle. The collector, woken
    by their number again and again, took half the time (1.3 s against 0.5 s), and its first
    pass over them once resumed another 0.14 s at 1M. So the new objects join the oldest
    generation at once (`gc.freeze` then `gc.unfreeze`, as documented), which a full
    collection visits later, as it visits every long-lived object.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def fetch(store: GraphStore, found: Key) -> Any | None:
    """Return the kept body for a key, or None when there is none or it cannot be read."""
    try:
        with (folder(store) / found.file()).open("rb") as lines:
            *head, checksum = json.loads(lines.readline())
            body = lines.read()
        if head != _plain(found) or checksum != zlib.crc32(body):
            return None  # another answer, or damaged since it was written
        return json.loads(body)
    except (OSError, ValueError, TypeError):  # none, or unreadable: computed again
        return None


def entries(store: GraphStore, kind: str) -> list[Key]:
    """Return the keys of the answers of one kind kept now, of any store state."""
    place = folder(store)
    found = []
    for path in sorted(place.glob("*.json")) if place and place.is_dir() else ():
        try:
            with path.open("rb") as lines:
                digest, *fields, _ = json.loads(lines.readline())
        except (OSError, ValueError, TypeError):  # unreadable: not an answer to renew
            continue
        if digest == code_digest() and len(fields) == 5 and fields[2] == kind:
            generation, day, _, graphs, params = fields
            found.append(Key(generation, day, kind, tuple(graphs), params))
    return found


def keep(store: GraphStore, found: Key, value: Any) -> None:
    """Write a body for a key atomically, and remove the answers of older store states.

    A folder that cannot be written keeps nothing: the answer was computed and is served.
    """
    place = folder(store)
    try:
        place.mkdir(mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=place, prefix=".writing-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            body = json.dumps(value, separators=(",", ":")).encode()
            # the key and the body's checksum alone on the first line
            out.write(json.dumps([*_plain(found), zlib.crc32(body)]).encode() + b"\n")
            out.write(body)
        os.replace(temporary, place / found.file())
        prune(place, found.prefix)
    except OSError:
        return
    finally:
        Path(temporary).unlink(missing_ok=True)  # left only when the write failed


def prune(place: Path, current: str) -> None:
    """Remove answers of other store states and the oldest beyond `FILES`."""
    kept = []
    for path in place.iterdir():
        if path.name.startswith(current):
            kept.append(path)
        elif path.suffix == ".json" or _abandoned(path):
            path.unlink(missing_ok=True)
    kept.sort(key=_written)
    for path in kept[:-FILES]:
        path.unlink(missing_ok=True)


def _written(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _abandoned(path: Path) -> bool:
    """Return whether a file is a write that stopped an hour ago or more (a crash)."""
    return (
        path.name.startswith(".writing-") and _written(path) < dt.datetime.now().timestamp() - 3600
    )


def _plain(found: Key) -> list:
    return [code_digest(), found.generation, found.day, found.kind, [*found.graphs], found.params]


@functools.cache
def code_digest() -> str:
    """Return a digest of the code and queries that compute findings, and of the engine."""
    root = Path(__file__).parent
    digest = hashlib.sha256(ox.__version__.encode() if hasattr(ox, "__version__") else b"")
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".rq") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def encode_result(result: QueryResult) -> dict:
    """Return a SELECT result as plain data: each distinct term once, rows as indexes.

    Terms are a string of kinds (u: IRI, s: plain string, b: blank node, l: language-tagged,
    d: typed), a list of values and the tag or datatype of the last two kinds; rows are one
    flat list of term indexes, -1 where a row has no value, as base64 of 32-bit integers
    (a million numbers in JSON took a third of the time reading an answer back).

    >>> body = encode_result(QueryResult("select", ["a"], [{"a": ox.Literal("x")}, {}]))
    >>> body["kinds"], body["values"], indexes(body)
    ('s', ['x'], array('i', [0, -1]))
    """
    packed = pack_rows(result.variables, result.rows)  # its values: the distinct terms
    kinds, values, extra = [], [], {}
    for at, term in enumerate(packed["values"]):
        kind, value, more = _term(term)
        kinds.append(kind)
        values.append(value)
        if more:
            extra[str(at)] = more
    body = {"variables": result.variables, "kinds": "".join(kinds), "values": values}
    return {**body, "extra": extra, "rows": packed["rows"], "count": packed["count"]}


def indexes(body: dict) -> array:
    """Return the flat list of term indexes of an encoded result."""
    return _little(array("i", base64.b64decode(body["rows"])))


def _little(numbers: array) -> array:
    """Return 32-bit integers in little-endian order whatever the machine's (in place)."""
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


def decode_result(body: dict) -> QueryResult:
    """Return the SELECT result `encode_result` made plain data of.

    >>> result = QueryResult("select", ["a", "b"], [{"a": ox.NamedNode("http://x/")}])
    >>> result.rows.append({"b": ox.Literal("y", language="en")})
    >>> decode_result(encode_result(result)) == result
    True
    """
    plain = {"u": ox.NamedNode, "s": ox.Literal, "b": ox.BlankNode}
    terms = [
        plain[kind](value) if kind in plain else None
        for kind, value in zip(body["kinds"], body["values"], strict=True)
    ]
    datatypes: dict[str, ox.NamedNode] = {}
    for at, more in body["extra"].items():
        terms[int(at)] = _tagged(body["kinds"][int(at)], body["values"][int(at)], more, datatypes)
    return QueryResult("select", body["variables"], _rows(body["variables"], terms, body))


def pack_rows(names: list[str], rows: list[dict]) -> dict:
    """Return rows of plain values (dicts by column name) as plain data, each value once.

    Rows are the flat list of value indexes, as in `encode_result`; a name a row lacks is -1.

    >>> body = pack_rows(["a", "b"], [{"a": "x", "b": "y"}, {"b": "x"}])
    >>> body["values"], indexes(body).tolist(), unpack_rows(["a", "b"], body)
    (['x', 'y'], [0, 1, -1, 0], [{'a': 'x', 'b': 'y'}, {'b': 'x'}])
    """
    index: dict = {}
    flat = array("i")
    for row in rows:
        for name in names:
            value = row.get(name)
            if value is None:
                flat.append(-1)
                continue
            at = index.get(value)
            if at is None:
                at = index[value] = len(index)
            flat.append(at)
    return {"values": list(index), "rows": _packed(flat), "count": len(rows)}


def unpack_rows(names: list[str], body: dict) -> list[dict]:
    """Return the rows `pack_rows` made plain data of."""
    return _rows(names, list(body["values"]), body)


def _packed(flat: array) -> str:
    return base64.b64encode(_little(flat).tobytes()).decode()


def _rows(names: list[str], values: list, body: dict) -> list[dict]:
    """Return the rows of a packed body as dicts of `values` by their indexes."""
    if not names:
        return [{} for _ in range(body["count"])]
    values.append(None)  # index -1: the row has no value there
    flat = indexes(body)
    # column by column, then row dicts zipped in C: a Python loop per row took twice as long
    columns = [map(values.__getitem__, flat[i :: len(names)]) for i in range(len(names))]
    rows = list(map(dict, map(zip, repeat(names), zip(*columns, strict=True))))
    if -1 in flat:
        rows = [row if None not in row.values() else _present(row) for row in rows]
    return rows


def _present(row: dict) -> dict:
    return {k: v for k, v in row.items() if v is not None}


def _term(term) -> tuple[str, str, str]:
    """Return a term's kind, value and its tag or datatype (empty when it has neither)."""
    if isinstance(term, ox.NamedNode):
        return "u", term.value, ""
    if isinstance(term, ox.BlankNode):
        return "b", term.value, ""
    if term.language:
        return "l", term.value, term.language
    if term.datatype.value == XSD_STRING:
        return "s", term.value, ""
    return "d", term.value, term.datatype.value


def _tagged(kind: str, value: str, more: str, datatypes: dict[str, ox.NamedNode]) -> ox.Literal:
    """Return a literal with a language tag (kind l) or a datatype (kind d)."""
    if kind == "l":
        return ox.Literal(value, language=more)
    datatype = datatypes.get(more) or datatypes.setdefault(more, ox.NamedNode(more))
    return ox.Literal(value, datatype=datatype)
