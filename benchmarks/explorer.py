"""The explorer under load: `kg serve` on an on-disk copy, each page hit by concurrent clients."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from timing import load, log

SPARQL = (
    "SELECT ?c ?label WHERE { ?c a <https://w3id.org/csig/ont#Capability> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 100"
)
PAGES = {
    "/": "/",
    "/partners": "/partners",
    "/capabilities": "/capabilities",
    "/standards": "/standards",
    "/mission-areas": "/mission-areas",
    "/reports/coverage?format=json": "/reports/coverage?format=json",
    "/sparql (SELECT)": "/sparql?query=" + urllib.parse.quote(SPARQL),
}


def load_test(path: Path, folder: Path, opts: dict, result: dict) -> None:
    """Serve the built on-disk store with `kg serve`; hit each page from concurrent clients.

    The caller has closed the store: an embedded store is opened by one process at a time.
    """
    from load import fetch, hammer, start_server, vm_hwm_mib

    server, base = start_server(path, folder)
    pages = result["pages"] = {}
    try:
        for name, path in PAGES.items():
            first, error = fetch(base + path, 120)
            pages[name] = {
                "load": load(),
                "first_s": first,
                "warmup_error": error,
                **hammer(base + path, opts["clients"], opts["load_seconds"], opts["load_requests"]),
            }
            log(
                f"{result['size']}: {name} p50 {pages[name]['p50']} p95 {pages[name]['p95']} "
                f"{pages[name]['rps']:.1f} req/s, {pages[name]['errors']} errors"
            )
        result["server_rss_mib"] = vm_hwm_mib(server.pid)
    finally:
        server.terminate()
        server.wait(30)
