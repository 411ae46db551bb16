"""Graph versions: how often one partner graph's content changed, counted from the history.

A package names each partner graph's own version, not the partner's version number: a
partner version that changed only data the viewer may not see would otherwise show as a gap
in the numbers (SECURITY.md, "Submission metadata follows the data's markings"). A graph's
version is 1 for its first content and one more for each accepted version that changed it.
"""

from __future__ import annotations

from kg.namespaces import history_graph
from kg.package.canonical import digest, graph_text
from kg.submissions.history import history


def graph_versions(store, partner: str, keys: set[str]) -> dict[str, int]:
    """Return, for each marking key of the partner, how many versions changed its graph."""
    versions = history(store, partner)
    if len(versions) == 1:  # current graphs all came with the one version
        return dict.fromkeys(keys, 1)
    existing = set(store.graphs())
    counts = dict.fromkeys(keys, 0)
    seen: dict[str, str | None] = dict.fromkeys(keys)
    for version in versions:
        for key in keys:
            graph = history_graph(partner, version.version, key)
            content = digest(graph_text(store, graph)) if graph in existing else None
            if content != seen[key]:
                counts[key] += content is not None or seen[key] is not None
                seen[key] = content
    return counts
