"""The command line's progress bar: on a terminal's stderr, never when quiet or redirected."""

from __future__ import annotations

import sys

import click

from kg.progress import Display


class Bar:
    """A `kg.progress.Display` drawn by click's progress bar on stderr."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.bar = None

    def start(self, label: str, total: int) -> None:
        """Draw an empty bar for `total` steps."""
        self.bar = click.progressbar(
            length=total, label=label, file=self.stream, show_pos=True, show_eta=True
        )
        self.bar.__enter__()

    def advance(self, steps: int) -> None:
        """Move the bar on by `steps`."""
        if self.bar is not None:
            self.bar.update(steps)

    def finish(self) -> None:
        """Complete the bar and end its line."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def display_for(quiet: bool, stream=None) -> Display | None:
    """Return a bar on `stream` (stderr) when it is a terminal and not quiet, else nothing."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return None
    return Bar(stream)
