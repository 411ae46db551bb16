"""Findings renewed after the data changed, so the next reader of a gap report need not wait.

The whole gap reports kept for a store state (kg/kept.py) say which access profiles (sets of
visible graphs) and parameters people read. When the store's generation moves, each of those
reports is computed again on the new data, for the same graphs, and kept. The graphs of a
profile are the ones it had: a viewer whose visible graphs changed with the write gets a
report of their own on first reading, as before.
"""

from __future__ import annotations

import json
import logging
import os
import threading

from kg import kept
from kg.dataset import GraphStore
from kg.errors import KGError
from kg.gaps import report
from kg.views import materialised

log = logging.getLogger(__name__)
EVERY = 5.0  # seconds between looks at the store's generation


def renew(store: GraphStore, wanted: list[kept.Key]) -> int:
    """Compute and keep again the whole reports of `wanted`; return how many were renewed."""
    done, latest = 0, {}
    for key in sorted(wanted, key=lambda k: k.generation):  # one per profile: its latest
        latest[key.graphs, key.params] = key
    for key in latest.values():
        named = list(key.graphs[key.graphs.index("|") + 1 :])
        asked = json.loads(key.params)
        try:
            report(
                store,
                materialised(store, named),
                asked["params"],
                asked["top"],
                asked["as_of"],
                asked["confirmed_only"],
            )
        except KGError as err:  # a parameter naming what the new data no longer has
            log.info("gap report not renewed for %s: %s", asked, err)
            continue
        done += 1
    return done


class Renewal(threading.Thread):
    """A daemon that renews the kept gap reports each time the store's generation moves."""

    def __init__(self, store: GraphStore, every: float = EVERY):
        super().__init__(name="findings-renewal", daemon=True)
        self.store, self.every = store, every
        self.stopped = threading.Event()
        self.seen = -1  # the generation last looked at
        self.renewed = 0

    def run(self) -> None:
        """Watch the generation; renew what was read before each move, and at start what a
        change made while no server ran left behind."""
        _yield_cpu()
        wanted = kept.entries(self.store, "gaps")
        while not self.stopped.wait(self.every):
            try:
                now = self.store.generation()
                if now != self.seen:
                    self.renewed += renew(self.store, [k for k in wanted if k.generation < now])
                wanted = kept.entries(self.store, "gaps") or wanted
                self.seen = now
            except Exception:  # a daemon must outlive one failed renewal; logged for operators
                log.exception("renewing kept gap reports failed")

    def stop(self) -> None:
        """Stop watching after the current renewal."""
        self.stopped.set()


def _yield_cpu() -> None:
    """Lower this thread's CPU priority, so that requests are answered before a renewal."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # no per-thread priority here: renew at the same one
        return
