"""Shared fixtures: the real content, a store built from it, the app, a client, a runner."""

from __future__ import annotations

import gc
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.build import build
from kg.content import Content
from kg.settings import ROOT, load_settings
from kg.store import Store
from kg.submissions import Context

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DATA = Path(__file__).parent / "data"
SCENARIO = DATA / "scenario"


def require(component: str, available: bool, reason: str) -> None:
    """Fail in CI when an outside component is missing; skip elsewhere, with the reason."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{component} is missing in CI: {reason}")
    pytest.skip(f"{component} is missing: {reason}")


def require_program(name: str) -> str:
    """Return the path of a program, failing in CI (skipping elsewhere) when it is missing."""
    path = shutil.which(name)
    require(name, path is not None, "install it (make test installs it with apt-get)")
    return path


@pytest.fixture(scope="session")
def content() -> Content:
    return Content(ROOT)


@pytest.fixture(scope="session")
def context(content) -> Context:
    return Context(content)


@pytest.fixture(scope="session")
def seed_dump(tmp_path_factory, content, context) -> Path:
    """Build a store from the real ontology and data once; keep it as an N-Quads dump."""
    store = Store()
    build(store, content, context=context)
    path = tmp_path_factory.mktemp("seed") / "seed.nq"
    store.dump(path)
    return path


@pytest.fixture(scope="session")
def store(seed_dump) -> Store:
    """The store built from the real data, for tests that only read it."""
    copy = Store()
    copy.restore(seed_dump)
    return copy


@pytest.fixture()
def fresh_store(seed_dump) -> Store:
    """A writable in-memory copy of the built store, for tests that change it."""
    copy = Store()
    copy.restore(seed_dump)
    return copy


@pytest.fixture(scope="session")
def seed_folder(tmp_path_factory, seed_dump) -> Path:
    """The built store on disk, closed: copied for each test that needs its own."""
    path = tmp_path_factory.mktemp("seed-store") / "store"
    disk = Store(path)
    disk.restore(seed_dump)
    disk.flush()
    del disk
    gc.collect()
    return path


@pytest.fixture()
def store_path(tmp_path, seed_folder) -> Path:
    """An on-disk copy of the built store, closed, for the CLI and the app to open."""
    path = tmp_path / "store"
    shutil.copytree(seed_folder, path)
    (path / "LOCK").unlink(missing_ok=True)
    return path


@pytest.fixture()
def settings(tmp_path, store_path):
    return load_settings(
        {"store": str(store_path), "content": str(ROOT), "audit_log": str(tmp_path / "audit.log")}
    )


@pytest.fixture()
def app(settings):
    from kg.web import create_app

    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions.clear()
    gc.collect()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(settings):
    """Invoke the `kg` command line with the test settings."""
    from click.testing import CliRunner

    from kg.cli import main

    cli = CliRunner()

    def run(*args: str):
        options = [
            f"--{k.replace('_', '-')}={v}"
            for k, v in settings.values.items()
            if k in ("store", "content", "users", "audit_log")
        ]
        result = cli.invoke(main, [*options, *args], catch_exceptions=False)
        if result.exc_info:  # a command that exits keeps its frames, and a store, alive
            traceback.clear_frames(result.exc_info[2])
        gc.collect()  # release the embedded store's lock before the next command opens it
        return result

    return run


@contextmanager
def serving(app):
    """Serve `app` on 127.0.0.1 on a free port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def start_server(store_path, tmp_path, port: int) -> subprocess.Popen:
    """Start `kg serve` on a store in its own process; return it once it answers."""
    command = [
        sys.executable,
        "-m",
        "kg",
        "--store",
        str(store_path),
        "--content",
        str(ROOT),
        "--audit-log",
        str(tmp_path / "audit.log"),
        "--port",
        str(port),
        "serve",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stats", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError("the server exited at start") from None
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


def form_token(client, path: str = "/signin") -> str:
    """Return the CSRF token the page at `path` puts in its forms (the client keeps the cookie)."""
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def module_app(tmp_path_factory, seed_folder):
    """One app for a module whose tests only read, over its own copy of the built store."""
    from kg.web import create_app

    folder = tmp_path_factory.mktemp("app")
    shutil.copytree(seed_folder, folder / "store")
    (folder / "store" / "LOCK").unlink(missing_ok=True)
    app = create_app(
        load_settings(
            {
                "store": str(folder / "store"),
                "content": str(ROOT),
                "audit_log": str(folder / "audit.log"),
            }
        )
    )
    yield app
    app.extensions.clear()
    gc.collect()


@pytest.fixture(scope="module")
def module_server(module_app):
    """The module's app served on 127.0.0.1 on a free port; yield its base URL."""
    with serving(module_app) as base:
        yield base


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Store:
    """A store built from tests/data/scenario the way `kg init` builds the real one."""
    root = tmp_path_factory.mktemp("scenario")
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(SCENARIO, root / "data")
    store = Store()
    build(store, Content(root))
    return store
