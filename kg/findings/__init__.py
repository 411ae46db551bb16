"""Reports computed in steps: simple portable queries joined in Python.

A report here has a `.rq` file in kg/queries that stays its published definition (a planner
can run it on any SPARQL engine); the steps give the same rows on every store, including
engines that refuse or stall on the `.rq`'s nested aggregates (tests/test_steps.py compares
them). `STEPS` maps a report's name to a function of (select, bound parameters) returning
its columns and rows; `select` runs one query on the viewer's dataset.
"""

from __future__ import annotations

from kg.findings import (
    incompatible_standards,
    interoperability_gaps,
    over_classification,
    version_mismatch,
)

STEPS = {
    "interoperability-gaps": interoperability_gaps.rows,
    "incompatible-standards": incompatible_standards.rows,
    "version-mismatch": version_mismatch.rows,
    "over-classification": over_classification.rows,
}
# Reports whose `.rq` pyoxigraph answers faster than their steps at 1M triples, measured on
# the embedded store (interoperability-gaps and version-mismatch: the steps compare every
# producing with every consuming capability of a data type in Python and passed 270 s). The
# embedded store runs these as their `.rq`; other engines run the steps, and
# tests/test_steps.py checks both give the same rows. incompatible-standards runs in steps
# everywhere: its `.rq` ran out of memory at 1M.
RQ_ON_EMBEDDED = frozenset({"interoperability-gaps", "version-mismatch"})


def in_steps(name: str, embedded: bool) -> bool:
    """Return whether report `name` runs in steps on a store (embedded or not)."""
    return name in STEPS and not (embedded and name in RQ_ON_EMBEDDED)
