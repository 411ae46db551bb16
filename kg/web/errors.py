"""Error answers: JSON for API clients, a page for browsers; never a stack trace."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import KGError

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)


def wants_html() -> bool:
    """Return whether the client prefers an HTML page to JSON."""
    if request.path.startswith(("/api/", "/graphs", "/sparql")):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def answer(status: int, title: str, message: str):
    """Return an error answer in the form the client wants."""
    if wants_html():
        return render_template("error.html", status=status, title=title,
                               message=message), status
    response = jsonify({"status": status, "error": title, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="csig"'
    return response


@bp.app_errorhandler(KGError)
def user_error(err: KGError):
    """Answer a user-facing error (bad input) with 400 and its message."""
    return answer(400, "Bad request", str(err))


@bp.app_errorhandler(HTTPException)
def http_error(err: HTTPException):
    """Answer an HTTP error with its description."""
    return answer(err.code or 500, err.name, err.description or err.name)


@bp.app_errorhandler(Exception)
def unexpected(err: Exception):
    """Answer an unexpected failure with 500, logging it, without internals."""
    log.exception("unexpected error on %s %s", request.method, request.path)
    return answer(500, "Internal error", "The server failed; the error was logged.")
