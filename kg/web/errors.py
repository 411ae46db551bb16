"""Error answers: JSON for API clients, a page for browsers; never a stack trace."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import KGError
from kg.web.auditing import audit

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


REFUSALS = {401: "unauthenticated", 403: "forbidden", 412: "precondition", 413: "too-large"}


@bp.app_errorhandler(KGError)
def user_error(err: KGError):
    """Answer a user-facing error (bad input) with 400 and its message."""
    return answer(400, "Bad request", str(err))


@bp.app_errorhandler(HTTPException)
def http_error(err: HTTPException):
    """Answer an HTTP error with its description; refused access is audited."""
    if err.code in REFUSALS:
        audit("deny", REFUSALS[err.code], request.args.get("graph", ""),
              detail=f"{request.method} {request.path}: {err.description}")
    response = answer(err.code or 500, err.name, err.description or err.name)
    if isinstance(response, tuple):
        response = make_response(*response)
    for name, value in err.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


@bp.app_errorhandler(Exception)
def unexpected(err: Exception):
    """Answer an unexpected failure with 500, logging it, without internals."""
    log.exception("unexpected error on %s %s", request.method, request.path)
    return answer(500, "Internal error", "The server failed; the error was logged.")
