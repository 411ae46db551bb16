"""Error answers: JSON for API clients, a page for browsers; never a stack trace."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kg.errors import KGError
from kg.web.auditing import audit
from kg.web.fairness import Busy

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
        return render_template("error.html", status=status, title=title, message=message), status
    response = jsonify({"status": status, "error": title, "message": message})
    response.status_code = status
    return response


REFUSALS = {401: "unauthenticated", 403: "forbidden", 412: "precondition", 413: "too-large"}


@bp.app_errorhandler(CSRFError)
def csrf_error(err: CSRFError):
    """Answer a form post without a valid CSRF token with 400; the refusal is audited."""
    audit("deny", "csrf", detail=f"{request.method} {request.path}: {err.description}")
    return answer(400, "Bad request", f"{err.description} Reload the page and send the form again.")


@bp.app_errorhandler(Busy)
def busy(err: Busy):
    """Answer a viewer over its share of query workers with 429 and when to retry."""
    response = make_response(answer(429, "Too many queries", str(err)))
    response.headers["Retry-After"] = str(err.retry_after)
    return response


@bp.app_errorhandler(KGError)
def user_error(err: KGError):
    """Answer a user-facing error (bad input) with 400 and its message."""
    return answer(400, "Bad request", str(err))


@bp.app_errorhandler(HTTPException)
def http_error(err: HTTPException):
    """Answer an HTTP error with its description; refused access is audited."""
    if err.code in REFUSALS:
        audit(
            "deny",
            REFUSALS[err.code],
            request.args.get("graph", ""),
            detail=f"{request.method} {request.path}: {err.description}",
        )
    response = make_response(answer(err.code or 500, err.name, err.description or err.name))
    for name, value in err.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if err.code == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = 'Bearer realm="csig"'
    return response


@bp.app_errorhandler(Exception)
def unexpected(err: Exception):
    """Answer an unexpected failure with 500, logging it, without internals."""
    log.exception("unexpected error on %s %s", request.method, request.path)
    return answer(500, "Internal error", "The server failed; the error was logged.")
