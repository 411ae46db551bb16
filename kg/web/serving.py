"""Serve the explorer with waitress: a production WSGI server whose threads answer at once."""

from __future__ import annotations

from flask import Flask

THREADS = 16  # requests answered at the same time; pages are kept, so most take milliseconds


def serve(app: Flask, host: str, port: int, debug: bool = False) -> None:
    """Serve `app` on host:port until interrupted; `debug` uses Flask's reloading server."""
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=THREADS, ident="csig")
