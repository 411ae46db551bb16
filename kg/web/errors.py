"""Error answers: JSON for API clients, a page for browsers; never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kg.codes import UnknownValue
from kg.errors import KGError
from kg.web.auditing import audit
from kg.web.fairness import Busy
from kg.web.state import state

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)


def wants_html() -> bool:
    """Return whether the client prefers an HTML page to JSON."""
    if request.path.startswith(("/api/", "/graphs", "/sparql")):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def answer(status: int, title: str, message: str, suggestions: list[dict] | None = None):
    """Return an error answer in the form the client wants (suggestions: "did you mean")."""
    extra = {"suggestions": suggestions} if suggestions is not None else {}
    if wants_html():
        page = render_template("error.html", status=status, title=title, message=message, **extra)
        return page, status
    response = jsonify({"status": status, "error": title, "message": message, **extra})
    response.status_code = status
    return response


def with_value(param: str, code: str) -> str:
    """Return the requested URL with one parameter set to another value."""
    args = request.args.to_dict()
    args.pop("format", None)
    return request.path + "?" + urlencode({**args, param: code})


def upload_limit() -> str:
    """Return the 413 message: the upload limit from the settings, in megabytes and bytes."""
    limit = int(state().settings.number("max_upload"))
    return (
        f"The upload is larger than the limit of {limit / 1e6:g} MB ({limit:,} bytes). "
        "Split the submission by partner or marking, or ask the administrator to raise "
        "the max_upload setting."
    )


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
    """Answer a user-facing error (bad input) with 400 and its message, with close matches."""
    if isinstance(err, UnknownValue):
        found = [dict(s, url=with_value(err.param, s["code"])) for s in err.suggestions]
        return answer(400, "Unknown value", str(err), found)
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
    message = upload_limit() if err.code == 413 else err.description or err.name
    response = make_response(answer(err.code or 500, err.name, message))
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
