"""Run Debian's Virtuoso on 127.0.0.1 in a scratch folder, as the remote store of tests and runs.

The packaged service listens on every interface, so it is never used: `virtuoso-t` runs in
the foreground with a copy of the package's virtuoso.ini whose database files live in the
scratch folder and whose two ports (SQL and HTTP) are bound to 127.0.0.1 (DESIGN §8).
"""

from __future__ import annotations

import contextlib
import glob
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PROGRAMS = ("virtuoso-t", "isql-vt")
# A benchmark run loads up to 1M statements: more buffers (8 KiB pages) than the package's
# small default, and a transaction log allowed to grow past its default 50 MB per transaction.
LARGE = {
    "NumberOfBuffers": "170000",
    "MaxDirtyBuffers": "130000",
    "TransactionAfterImageLimit": "1500000000",
    "MaxQueryMem": "4G",
}
DATABASE_KEYS = (
    "DatabaseFile",
    "ErrorLogFile",
    "LockFile",
    "TransactionFile",
    "xa_persistent_file",
)


class Unavailable(RuntimeError):
    """Virtuoso is not installed here (make test installs it with apt-get)."""


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def packaged_ini() -> Path:
    """Return the virtuoso.ini the package installs, or raise `Unavailable`."""
    found = sorted(glob.glob("/etc/virtuoso-opensource-*/virtuoso.ini"))
    if not found or not all(shutil.which(p) for p in PROGRAMS):
        raise Unavailable(
            "virtuoso-t, isql-vt or virtuoso.ini is missing: install the "
            "virtuoso-opensource package (make test does)"
        )
    return Path(found[-1])


def ini(packaged: Path, folder: Path, sql: int, http: int, large: bool = False) -> str:
    """Return `packaged` with database files in `folder` and both ports on 127.0.0.1.

    `large` sizes the buffers and the transaction log for a benchmark load (`LARGE`).
    """
    lines, section = [], ""
    for line in packaged.read_text().splitlines():
        section = (re.match(r"\s*\[(.+)\]", line) or [None, section])[1]
        key = line.split("=")[0].strip()
        if key in DATABASE_KEYS:
            line = f"{key} = {folder / Path(line.split('=', 1)[1].strip()).name}"
        elif key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql if section == 'Parameters' else http}"
        elif key == "ResultSetMaxRows":
            line = "ResultSetMaxRows = 1000000"
        elif large and key in LARGE and section == "Parameters":
            line = f"{key} = {LARGE[key]}"
        lines.append(line)
        if large and section == "Parameters" and line.strip() == "[Parameters]":
            lines += [f"{k} = {v}" for k, v in LARGE.items() if k not in packaged.read_text()]
    return "\n".join(lines) + "\n"


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until the SPARQL endpoint answers; raise with the exit code if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Virtuoso did not start (exit code {process.poll()})")


@contextlib.contextmanager
def running(folder: Path, large: bool = False) -> Iterator[str]:
    """Run Virtuoso with its database in `folder`; yield the `store` setting that reaches it.

    `large` configures it for a benchmark load (see `ini`).
    """
    packaged = packaged_ini()
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(ini(packaged, folder, sql, http, large))
    base = f"http://127.0.0.1:{http}"
    with open(folder / "console.log", "wb") as log:
        process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", "virtuoso.ini"],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base + "/sparql", process)
            subprocess.run(
                [
                    "isql-vt",
                    f"127.0.0.1:{sql}",
                    "dba",
                    "dba",
                    'exec=grant SPARQL_UPDATE to "SPARQL";',
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
            yield f"sparql+{base}/sparql|{base}/sparql|{base}/sparql-graph-crud"
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
