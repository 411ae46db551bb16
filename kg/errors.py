"""The one exception users see: a message that names the file, row or term."""

from __future__ import annotations


class KGError(Exception):
    """A user-facing error whose message names the file, row or term at fault."""
