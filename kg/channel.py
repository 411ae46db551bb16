"""The local channel: while `kg serve` runs, the command line hands its commands to the server.

RocksDB lets one process open an embedded store, and pyoxigraph documents a read-only open
beside a writer as undefined behaviour. So the server is the one writer: a `kg` command given
for the same store while it runs is carried out by the server, in its process, on its open
store, under the lock its web writes take. The channel is a Unix socket beside the store,
which only the store's owner may use: the socket file is private (mode 600) and the server
refuses a peer whose user id is neither its own nor root's.

The exchange is JSON lines: the client sends one request; the server answers `{"ready": pid}`,
then `{"out": text}` and `{"err": text}` lines as the command writes, and `{"exit": code}`.
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import json
import os
import socket
import struct
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from kg.errors import KGError

MAX_REQUEST = 1 << 20  # a request is argv, cwd and settings: far smaller than this
READY_WAIT = 5.0  # seconds a client waits for the server's first answer
SUN_PATH = 100  # bytes a Unix socket path may safely have (the kernel allows 107)
STREAMS: contextvars.ContextVar = contextvars.ContextVar("kg_streams", default=None)


def socket_path(store: str) -> Path:
    """Return the channel of a store: beside an embedded store, else in a private folder."""
    if not store.startswith("sparql+"):
        folder = Path(store).resolve()
        beside = folder.with_name(folder.name + ".sock")
        if len(os.fsencode(beside)) <= SUN_PATH:
            return beside
    digest = hashlib.sha256(store.encode()).hexdigest()[:24]
    return private_folder() / f"{digest}.sock"


def private_folder() -> Path:
    """Return this user's folder for channels, made private; refuse one others could use."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    folder = base / f"kg-{os.geteuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise KGError(
            f"{folder} must belong to you and be private (mode 700) to hold the server's channel"
        )
    return folder


class Routed(io.TextIOBase):
    """A standard stream that writes to the current command's channel, else to `fallback`."""

    def __init__(self, fallback, index: int):
        self.fallback, self.index = fallback, index

    @property
    def encoding(self) -> str:
        return getattr(self.fallback, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        streams = STREAMS.get()
        if streams is None:
            return self.fallback.write(text)
        streams[self.index](text)
        return len(text)

    def flush(self) -> None:
        if STREAMS.get() is None:
            self.fallback.flush()

    def isatty(self) -> bool:
        return STREAMS.get() is None and self.fallback.isatty()


def route_standard_streams() -> None:
    """Let each command run for a client write to that client, and the rest to the console."""
    if not isinstance(sys.stdout, Routed):
        sys.stdout = Routed(sys.stdout, 0)
    if not isinstance(sys.stderr, Routed):
        sys.stderr = Routed(sys.stderr, 1)


Runner = Callable[[dict, Callable[[str], None], Callable[[str], None]], int]


class Channel:
    """The server's end: accepts the owner's commands and runs each in its own thread."""

    def __init__(self, path: Path, runner: Runner):
        self.path, self.runner = path, runner
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)

    def start(self) -> Channel:
        """Listen on the channel (replacing a stale socket file) and serve in the background."""
        if self.path.exists():
            if _answers(self.path):
                raise KGError(f"another server already serves this store ({self.path})")
            self.path.unlink()
        route_standard_streams()
        self.sock.bind(str(self.path))
        try:
            os.chmod(self.path, 0o600)
            self.sock.listen(16)
        except OSError:
            self.close()
            raise
        threading.Thread(target=self._accept, name="kg-channel", daemon=True).start()
        return self

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        self.sock.close()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream:
            if not _trusted(conn):
                _send(stream, {"err": "refused: only the store's owner may use this channel\n"})
                _send(stream, {"exit": 2})
                return
            request = json.loads(stream.readline(MAX_REQUEST) or b"{}")
            _send(stream, {"ready": os.getpid()})
            code = self.runner(
                request, lambda t: _send(stream, {"out": t}), lambda t: _send(stream, {"err": t})
            )
            _send(stream, {"exit": code})


def _trusted(conn: socket.socket) -> bool:
    """Return whether the peer runs as this process's user or as root."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    return uid in (os.geteuid(), 0)


def _send(stream, message: dict) -> None:
    try:
        stream.write(json.dumps(message).encode() + b"\n")
        stream.flush()
    except OSError:
        pass  # the client went away; the command still finishes


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(str(path))
        return True
    except OSError:
        return False


def delegate(path: Path, request: dict, out, err) -> int | None:
    """Run a command in the server at `path`; return its exit status, None if none answers."""
    if not path.exists():
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(READY_WAIT)
        conn.connect(str(path))
    except PermissionError:
        conn.close()
        raise KGError(
            f"a server is running for this store, but its channel {path} belongs "
            "to another user: run the command as the store's owner"
        ) from None
    except OSError:
        conn.close()
        return None  # a socket left by a server that was killed
    with conn, conn.makefile("rwb") as stream:
        stream.write(json.dumps(request).encode() + b"\n")
        stream.flush()
        try:
            first = json.loads(stream.readline() or b"{}")
        except (OSError, ValueError):
            return None
        if "ready" not in first:
            return _relay(first, stream, out, err)
        conn.settimeout(None)  # the command may take as long as it needs
        return _relay({}, stream, out, err)


def _relay(first: dict, stream, out, err) -> int:
    """Copy the server's output lines to `out` and `err` until the exit status."""
    message = first
    while True:
        if "exit" in message:
            return int(message["exit"])
        if "out" in message:
            out.write(message["out"])
            out.flush()
        if "err" in message:
            err.write(message["err"])
            err.flush()
        line = stream.readline()
        if not line:
            raise KGError(
                "the server closed the channel before the command finished; "
                "see `kg history` or `kg audit` for what it did"
            )
        message = json.loads(line)
