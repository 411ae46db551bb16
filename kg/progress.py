"""Progress of long work: the library counts its steps, and whoever runs it may show them.

Library code wraps long work in `task(label, total)` and calls the returned `advance` after
each step. Nothing is shown unless a caller installed a `Display` with `showing` (the command
line does, on a terminal); in the web app and in tests the calls cost nothing.

>>> with task("nothing shown", 2) as advance:
...     advance()
...     advance()
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Display(Protocol):
    """Shows one task at a time: started, advanced by steps, finished."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self, steps: int) -> None: ...

    def finish(self) -> None: ...


DISPLAY: contextvars.ContextVar[Display | None] = contextvars.ContextVar(
    "kg_progress", default=None
)
Advance = Callable[..., None]


@contextmanager
def showing(display: Display | None) -> Iterator[None]:
    """Show the tasks started inside the block on `display` (None shows nothing)."""
    token = DISPLAY.set(display)
    try:
        yield
    finally:
        DISPLAY.reset(token)


@contextmanager
def task(label: str, total: int) -> Iterator[Advance]:
    """Count the steps of one piece of work; yield `advance(steps=1)`, safe from any thread.

    A task inside another task is counted by the outer one only, so one bar stays on screen.
    """
    display = DISPLAY.get()
    if display is None or total <= 0:
        yield lambda steps=1: None
        return
    lock = threading.Lock()

    def advance(steps: int = 1) -> None:
        with lock:
            display.advance(steps)

    token = DISPLAY.set(None)  # inner tasks stay quiet
    display.start(label, total)
    try:
        yield advance
    finally:
        display.finish()
        DISPLAY.reset(token)
