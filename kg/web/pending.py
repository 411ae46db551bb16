"""Uploads waiting for a second click: a replace that would withdraw capabilities is kept here,
in memory, until its submitter confirms it (or it expires), so the file need not be sent twice.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from flask import current_app

EXTENSION = "kg-pending"
LIFETIME = 30 * 60  # seconds an upload waits for its confirmation
MOST = 32  # uploads kept at once; the oldest goes first


@dataclass(frozen=True)
class Upload:
    """An upload kept for confirmation: who sent it, for which partner, and the file."""

    user: str
    partner: str
    name: str
    data: bytes
    format: str
    version: int  # the partner's version the withdrawals were computed against
    created: float


class Pending:
    """Uploads waiting for confirmation, by a random key given only to their submitter."""

    def __init__(self):
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def keep(self, upload: Upload) -> str:
        """Keep an upload and return the key that confirms it."""
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._expire()
            while len(self._items) >= MOST:
                self._items.pop(next(iter(self._items)))
            self._items[key] = upload
        return key

    def take(self, key: str, user: str) -> Upload | None:
        """Remove and return the upload `key` names, if `user` sent it and it has not expired."""
        with self._lock:
            self._expire()
            upload = self._items.get(key)
            if upload is None or upload.user != user:
                return None
            return self._items.pop(key)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, u in self._items.items() if now - u.created > LIFETIME]:
            del self._items[key]


def pending() -> Pending:
    """Return the running app's uploads waiting for confirmation."""
    return current_app.extensions.setdefault(EXTENSION, Pending())
