"""Progress of long work: counted by the library, a bar on a terminal's stderr only."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

from kg.access import viewer_dataset
from kg.gaps import report
from kg.progress import showing, task
from kg.settings import ROOT

EXAMPLE = ROOT / "data" / "examples" / "capabilities.csv"


class Recorder:
    """A display that keeps what it was told."""

    def __init__(self):
        self.events = []

    def start(self, label, total):
        self.events.append(("start", label, total))

    def advance(self, steps):
        self.events.append(("advance", steps))

    def finish(self):
        self.events.append(("finish",))


def test_the_gap_report_counts_every_step_once(store):
    shown = Recorder()
    with showing(shown):
        report(store, viewer_dataset(store))
    (start, label, total), *steps, finish = shown.events
    assert (start, label, finish) == ("start", "gap report", ("finish",))
    assert sum(s for _, s in steps) == total


def test_an_inner_task_is_counted_by_the_outer_one_only():
    shown = Recorder()
    with showing(shown), task("outer", 1) as advance:
        with task("inner", 5) as inner:
            inner()
        advance()
    assert shown.events == [("start", "outer", 1), ("advance", 1), ("finish",)]


def run_on_a_terminal(*args: str, tmp_path) -> str:
    """Run `kg` with stderr on a pseudo-terminal; return what the terminal showed."""
    leader, follower = pty.openpty()
    env = dict(os.environ, KG_STORE=str(tmp_path / "store"), COLUMNS="100")
    with subprocess.Popen(
        [sys.executable, "-m", "kg", *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
    ) as process:
        os.close(follower)
        shown = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 120)
            try:
                chunk = os.read(leader, 4096) if ready else b""
            except OSError:  # the terminal closed with the process
                chunk = b""
            if not chunk:
                break
            shown += chunk
        process.wait(timeout=120)
    os.close(leader)
    return shown.decode("utf-8", "replace")


def test_validate_draws_a_bar_on_a_terminal_and_not_when_quiet(tmp_path):
    shown = run_on_a_terminal("validate", str(EXAMPLE), tmp_path=tmp_path)
    assert "validating capabilities.csv" in shown and "4/4" in shown
    quiet = run_on_a_terminal("--quiet", "validate", str(EXAMPLE), tmp_path=tmp_path)
    assert "validating" not in quiet


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path):
    env = dict(os.environ, KG_STORE=str(tmp_path / "store"))
    done = subprocess.run(
        [sys.executable, "-m", "kg", "validate", str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0 and "validating" not in done.stderr
