"""Read a submission (Turtle, JSON-LD or the CSV/XLSX template) into triples with locations."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.submissions.tabular import rows_of_csv, triples_of_rows
from kg.submissions.workbook import rows_of_xlsx

FORMATS = {
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
CONTEXT_URL = "https://w3id.org/csig/context.jsonld"
CONTEXT_FILE = Path(__file__).resolve().parent.parent / "context.jsonld"


@dataclass
class Source:
    """A parsed submission: its triples and where each subject came from in the input."""

    name: str
    format: str
    triples: list[ox.Triple]
    sha256: str
    lines: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)  # term -> the cell text it came from


def format_of(name: str, media_type: str | None = None) -> str:
    """Return the submission format from a media type or else the file name."""
    if media_type:
        base = media_type.split(";")[0].strip().lower()
        if base in MEDIA_TYPES:
            return MEDIA_TYPES[base]
        raise KGError(
            f"{name}: unsupported media type {base!r}; use one of " + ", ".join(sorted(MEDIA_TYPES))
        )
    try:
        return FORMATS[Path(name).suffix.lower()]
    except KeyError:
        raise KGError(f"{name}: unknown file type; use .ttl, .jsonld, .csv or .xlsx") from None


def read_path(path: Path, catalogue: dict[str, str]) -> Source:
    """Read a submission file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise KGError(f"{path}: cannot read: {err}") from err
    return read_bytes(data, path.name, format_of(path.name), catalogue)


def read_bytes(data: bytes, name: str, fmt: str, catalogue: dict[str, str]) -> Source:
    """Parse submission bytes of a known format; `catalogue` maps codes to IRIs for CSV."""
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "turtle":
        text = _text(data, name)
        triples = _parse(data, ox.RdfFormat.TURTLE, name)
        return Source(name, fmt, skolemise(triples), digest, lines=subject_lines(text, triples))
    if fmt == "json-ld":
        triples = _parse(local_context(data, name), ox.RdfFormat.JSON_LD, name)
        return Source(name, fmt, skolemise(triples), digest)
    rows = rows_of_xlsx(data, name) if fmt == "xlsx" else rows_of_csv(_text(data, name), name)
    triples, row_of, written = triples_of_rows(rows, catalogue)
    return Source(name, fmt, triples, digest, rows=row_of, written=written)


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise KGError(f"{name}: not UTF-8 text (byte {err.start})") from err


def _parse(data: bytes, fmt: ox.RdfFormat, name: str) -> list[ox.Triple]:
    try:
        quads = list(ox.parse(data, fmt, base_iri="https://w3id.org/csig/id/"))
    except (SyntaxError, ValueError) as err:
        raise KGError(f"{name}: {err}") from err
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise KGError(f"{name}: a submission holds triples only, not named graphs")
    return [q.triple for q in quads]


def local_context(data: bytes, name: str) -> bytes:
    """Replace the project's context IRI by the shipped file; refuse any other remote context."""
    try:
        doc = json.loads(data)
    except ValueError as err:
        raise KGError(f"{name}: not JSON: {err}") from err
    local = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]

    def visit(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                out[key] = _context(value, local, name) if key == "@context" else visit(value)
            return out
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    return json.dumps(visit(doc)).encode()


def _context(value, local: dict, name: str):
    """Resolve one `@context` value without the network."""
    if isinstance(value, list):
        return [_context(v, local, name) for v in value]
    if isinstance(value, str):
        if value == CONTEXT_URL:
            return local
        raise KGError(
            f"{name}: remote @context {value!r} refused; contexts are never "
            f"fetched: use {CONTEXT_URL} or an inline context"
        )
    return value


def skolemise(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Replace blank nodes by stable IRIs derived from their statements.

    No blank node identifier reaches users, and the same input always gives the same IRIs.
    """
    about: dict[ox.BlankNode, list[ox.Triple]] = {}
    to: dict[ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            about.setdefault(t.subject, []).append(t)
        if isinstance(t.object, ox.BlankNode):
            to.setdefault(t.object, []).append(t)
    if not about and not to:
        return triples
    names = {}
    for node in about.keys() | to.keys():
        body = sorted(
            f"{t.predicate} {t.object if not isinstance(t.object, ox.BlankNode) else ''}"
            for t in about.get(node, [])
        )
        parents = sorted(f"{t.subject} {t.predicate}" for t in to.get(node, []))
        digest = hashlib.sha1("\n".join(parents + body).encode()).hexdigest()[:16]
        names[node] = ox.NamedNode(f"https://w3id.org/csig/id/genid/{digest}")

    def sk(term):
        return names.get(term, term)

    return [ox.Triple(sk(t.subject), t.predicate, sk(t.object)) for t in triples]


LEADING = re.compile(r"\s*(<[^>\s]*>|[A-Za-z_][\w.-]*:[^\s;,]*|:[^\s;,]*)")


def subject_lines(text: str, triples: list[ox.Triple]) -> dict[str, int]:
    """Return the first line where each subject is written, as an IRI or prefixed name."""
    prefixes = dict(re.findall(r"@?prefix\s+([\w-]*):\s*<([^>]*)>", text, re.I))
    bases = re.findall(r"@?base\s+<([^>]*)>", text, re.I)
    first: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = LEADING.match(line)
        if match:
            first.setdefault(match.group(1), number)
    found: dict[str, int] = {}
    for subject in {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}:
        forms = (
            [f"<{subject}>"]
            + [f"{p}:{subject[len(ns) :]}" for p, ns in prefixes.items() if subject.startswith(ns)]
            + [f"<{subject[len(b) :]}>" for b in bases if subject.startswith(b)]
        )
        lines = [first[f] for f in forms if f in first]
        if lines:
            found[subject] = min(lines)
    return found
