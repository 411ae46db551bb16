"""The audit log: every write and every refused access, one JSON line each, append-only."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.errors import KGError


@dataclass(frozen=True)
class Event:
    """One audited event: who did what to which graph, and with what result."""

    action: str
    who: str
    result: str
    graph: str = ""
    version: int | None = None
    detail: str = ""
    time: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    )


def record(path: Path, event: Event) -> None:
    """Append one event; O_APPEND keeps concurrent writers' lines whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(asdict(event), sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read(path: Path) -> list[Event]:
    """Return every event of the log, oldest first."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    events = []
    for number, line in enumerate(lines, 1):
        try:
            events.append(Event(**json.loads(line)))
        except (ValueError, TypeError) as err:
            raise KGError(f"{path}: line {number} is not an audit event: {err}") from err
    return events
