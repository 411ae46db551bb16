"""Build a store from the public content and synthetic partner files, as `kg init` would.

Validation is measured on its own (pySHACL), so the partner files are accepted here through
the real acceptance path (split by marking, atomic replace, history, meta, view graphs)
without being validated again.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.content import Content, read_files  # noqa: E402
from kg.namespaces import ID  # noqa: E402
from kg.store import Store  # noqa: E402
from kg.submissions import Context, ranks  # noqa: E402
from kg.submissions.accept import accept  # noqa: E402
from kg.submissions.report import Report  # noqa: E402


def build_public(store: Store, content: Content) -> int:
    """Load the ontology and reference graphs; return the statement count."""
    total = 0
    for graph, paths in content.graph_files().items():
        triples = read_files(paths)
        store.replace({graph: triples})
        total += len(triples)
    return total


def accept_file(store: Store, path: Path, levels: dict[str, int]) -> int:
    """Accept one partner file (its stem is the partner code); return its statement count."""
    triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    code = path.stem
    report = Report(path.name, "turtle", triples=len(triples))
    accept(store, triples, report, code, f"{ID}nation/{code}", "bench", levels, "synthetic")
    return len(triples)


def build_store(folder: Path, path: Path | None = None, content: Content | None = None,
                progress=lambda _: None) -> tuple[Store, int]:
    """Return a store with the public graphs and every partner file of `folder` accepted."""
    content = content or Content(ROOT)
    store = Store(path)
    total = build_public(store, content)
    levels = ranks(Context(content))
    files = sorted(folder.glob("*.ttl"))
    for i, file in enumerate(files, 1):
        total += accept_file(store, file, levels)
        progress(f"accepted {file.stem} ({i}/{len(files)})")
    return store, total
