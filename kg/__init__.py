"""Coalition space interoperability graph: shared vocabulary, submissions, gap analysis."""

from __future__ import annotations

__version__ = "1.0.0"
