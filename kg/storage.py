"""One factory for the store the settings name: the embedded store or a SPARQL 1.1 server."""

from __future__ import annotations

import time

from kg.dataset import GraphStore
from kg.errors import KGError
from kg.remote import RemoteStore
from kg.store import Store, StoreBusy


def open_configured(settings, wait: float = 0.0, waiting=lambda _: None) -> GraphStore:
    """Open the store the settings name: an embedded store folder or a remote server.

    An embedded store held by another `kg` process is waited for up to `wait` seconds.
    """
    if settings["store"].startswith("sparql+"):
        return RemoteStore(settings["store"])
    path = settings.path("store")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise KGError(f"cannot create the store folder {path}: {err}") from err
    deadline, said = time.monotonic() + wait, False
    while True:
        try:
            return Store(path)
        except StoreBusy:
            if time.monotonic() >= deadline:
                raise
            if not said:
                waiting(f"the store {path} is in use by another kg command; waiting")
                said = True
            time.sleep(0.5)
