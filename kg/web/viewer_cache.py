"""A page's answer over the viewer's dataset, kept until the store changes or the day does."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from kg.web.auth import current_dataset
from kg.web.cache import kept_today


def kept(name: str, params: Hashable, compute: Callable[[], Any]) -> Any:
    """Return `compute()` over the request's dataset, kept until the store changes."""
    return kept_today(current_dataset(), name, params, compute)
