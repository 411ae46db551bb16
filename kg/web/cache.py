"""Answers kept per viewer dataset and store generation, so a repeated page skips the engine.

Every write through `Store.replace` bumps the store generation in the same transaction. A key
holds the generation read at the start of the request, so it is never filled with data older
than that generation, and once a request sees a newer generation every older answer is
dropped: invalidation is exact and nothing expires by time, except at midnight (releasability
follows coalition memberships dated today). Page answers are keyed by the dataset they were
computed from (its view graph and its visible graphs), never by a user, so viewers with the
same visible graphs share them and no answer crosses to another set of graphs. A store
without a generation (a remote SPARQL server, which other processes may write) is not cached.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, g

ENTRIES = 512  # answers kept per app; the least recently used goes first
EXTENSION = "kg.cache"


class _Flight:
    """One computation of a missing answer, which the other requests for it wait for."""

    def __init__(self):
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class Cache:
    """A bounded LRU map of (generation, ...) keys; a miss is computed once for all waiters."""

    def __init__(self, size: int = ENTRIES):
        self.size = size
        self.latest = -1
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple, _Flight] = {}

    def get(
        self, key: tuple, compute: Callable[[], Any], keep: Callable[[Any], bool] = lambda _: True
    ) -> Any:
        """Return the answer kept for `key`, computing it once for every waiter on a miss.

        An answer is kept only when `keep(answer)`; a failure reaches every waiter at once.

        >>> cache = Cache(size=1)
        >>> cache.get((1, "a"), lambda: "first"), cache.get((1, "a"), lambda: "again")
        ('first', 'first')
        """
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            flight = self._computing.get(key)
            leader = flight is None
            if leader:
                flight = self._computing[key] = _Flight()
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            flight.value = compute()
        except BaseException as err:
            flight.error = err
            raise
        finally:
            with self._lock:
                self._computing.pop(key, None)
                # a newer generation arrived meanwhile: this answer is already out of date
                if flight.error is None and key[0] >= self.latest and keep(flight.value):
                    self._items[key] = flight.value
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            flight.done.set()
        return flight.value

    def advance(self, generation: int) -> None:
        """Drop every answer of a generation older than `generation`.

        >>> cache = Cache()
        >>> _ = cache.get((1, "a"), lambda: "old"); cache.advance(2); len(cache)
        0
        """
        with self._lock:
            if generation <= self.latest:
                return
            self.latest = generation
            for key in [k for k in self._items if k[0] < generation]:
                del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


def app_cache() -> Cache:
    """Return the running app's cache."""
    return current_app.extensions.setdefault(EXTENSION, Cache())


def generation() -> int | None:
    """Return the store generation as this request first saw it (None: the store has none)."""
    if "kg_generation" not in g:
        from kg.web.state import state

        store = state().store
        g.kg_generation = store.generation() if store.embedded else None
        if g.kg_generation is not None:
            app_cache().advance(g.kg_generation)
    return g.kg_generation


def forget_generation() -> None:
    """Read the store generation anew at its next use: this request changed the store."""
    g.pop("kg_generation", None)


def kept_today(
    scope: Hashable,
    name: str,
    params: Hashable,
    compute: Callable[[], Any],
    keep: Callable[[Any], bool] = lambda _: True,
) -> Any:
    """Return `compute()` for (scope, name, params), kept per store generation and day."""
    stamp = generation()
    if stamp is None:
        return compute()
    return app_cache().get((stamp, dt.date.today(), scope, name, params), compute, keep)
