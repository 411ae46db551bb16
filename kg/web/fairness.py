"""Fair service for SPARQL: a few query workers per viewer, a bounded number for everyone.

Each viewer (a signed-in user, or an anonymous client by its address) may have at most
`query_slots` queries running at once; one more is answered 429 with `Retry-After`. All
viewers together may have at most `query_workers` running; a query beyond that waits for a
free worker within its own time limit. Workers that run long drop to the lowest CPU
priority (`kg.worker.HEAVY_AFTER`), so a short query is answered beside runaway ones.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from flask import current_app

from kg.errors import KGError
from kg.worker import QueryTimeout

EXTENSION = "kg.slots"


class Busy(KGError):
    """A viewer who already has as many queries running as allowed."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Slots:
    """Running queries per viewer and in all, with the deadlines they will end by."""

    def __init__(self, per_viewer: int, total: int):
        self.per_viewer = per_viewer
        self.workers = threading.BoundedSemaphore(total)
        self._lock = threading.Lock()
        self._running: dict[str, list[float]] = {}

    @contextmanager
    def taken(self, viewer: str, timeout: float):
        """Hold one of `viewer`'s slots and one worker while the block runs."""
        deadline = time.monotonic() + timeout
        self._enter(viewer, deadline)
        try:
            if not self.workers.acquire(timeout=timeout):
                raise QueryTimeout(
                    "every query worker stayed busy for the whole time limit; try again"
                )
            try:
                yield
            finally:
                self.workers.release()
        finally:
            self._leave(viewer, deadline)

    def _enter(self, viewer: str, deadline: float) -> None:
        with self._lock:
            mine = self._running.setdefault(viewer, [])
            if len(mine) >= self.per_viewer:
                wait = max(1, math.ceil(min(mine) - time.monotonic()))
                raise Busy(
                    f"you have {len(mine)} queries running, the most allowed at once; "
                    f"retry in {wait} s",
                    wait,
                )
            mine.append(deadline)

    def _leave(self, viewer: str, deadline: float) -> None:
        with self._lock:
            mine = self._running.get(viewer, [])
            mine.remove(deadline)
            if not mine:
                self._running.pop(viewer, None)


def slots() -> Slots:
    """Return the running app's slots, made from its settings on first use."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        settings = current_app.extensions["kg"].settings
        found = current_app.extensions.setdefault(
            EXTENSION,
            Slots(int(settings.number("query_slots")), int(settings.number("query_workers"))),
        )
    return found


def fairly(viewer: str, run: Callable[[], Any]) -> Any:
    """Return `run()` once `viewer` has a free slot and a worker is free."""
    timeout = current_app.extensions["kg"].settings.number("query_timeout")
    with slots().taken(viewer, timeout):
        return run()
