"""Reports computed in steps: simple portable queries joined in Python.

A report here has a `.rq` file in kg/queries that stays its published definition (a planner
can run it on any SPARQL engine); the steps give the same rows on every store, including
engines that refuse or stall on the `.rq`'s nested aggregates (tests/test_steps.py compares
them). `STEPS` maps a report's name to a function of (select, bound parameters) returning
its columns and rows; `select` runs one query on the viewer's dataset.
"""

from __future__ import annotations

from kg.findings import (
    coverage,
    incompatible_standards,
    interoperability_gaps,
    over_classification,
    overlaps,
    stale_data,
    version_mismatch,
)

STEPS = {
    "coverage": coverage.rows,
    "interoperability-gaps": interoperability_gaps.rows,
    "incompatible-standards": incompatible_standards.rows,
    "version-mismatch": version_mismatch.rows,
    "over-classification": over_classification.rows,
    "overlaps": overlaps.rows,
    "stale-data": stale_data.rows,
}
