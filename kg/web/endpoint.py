"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, on the caller's viewer dataset."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, redirect, request, url_for

from kg.dataset import Dataset
from kg.results import to_csv, to_graph, to_json, to_tsv, to_xml
from kg.sparql import EMPTY_GRAPH, QueryError, QueryResult, seen_graphs, where_kept
from kg.web.auth import current_dataset, current_user
from kg.web.cache import kept_today
from kg.web.fairness import Busy, fairly
from kg.web.negotiation import negotiate
from kg.web.state import state
from kg.worker import QueryTimeout

bp = Blueprint("endpoint", __name__)

RESULT_TYPES = {
    "application/sparql-results+json": to_json,
    "application/sparql-results+xml": to_xml,
    "text/csv": to_csv,
    "text/tab-separated-values": to_tsv,
    "application/json": to_json,
    "application/xml": to_xml,
    "text/xml": to_xml,
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "text/plain": "ntriples",
    "application/x-turtle": "turtle",
}
FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
EXTENSIONS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
}

KEPT_ROWS = 1000  # answers up to this many rows or triples are kept for the next asker
# answers that may change between two runs on the same data are never kept; `\u` escapes
# could spell these names, so a query holding one is not kept either
VOLATILE = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\b|\\[uU]", re.IGNORECASE)


class ProtocolError(Exception):
    """A request the protocol answers with 400, carrying the message for the client."""


def params() -> tuple[str, list[str], list[str]]:
    """Return the query text and the protocol's default and named graph IRIs.

    The protocol allows one query per request: two `query` parameters (or a query in the
    URL beside one in the body) are a 400, as is a body that is not UTF-8.
    """
    texts = request.args.getlist("query")
    form = request.form if request.method == "POST" else {}
    if "update" in request.args or "update" in form:
        raise ProtocolError("updates are not accepted: this endpoint is read-only")
    if request.method == "POST":
        kind = (request.mimetype or "").lower()
        if kind == "application/sparql-update":
            raise ProtocolError("updates are not accepted: this endpoint is read-only")
        _require_utf8()
        if kind == "application/sparql-query":
            texts = [_utf8(request.get_data())] + texts
        elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            texts = form.getlist("query") + texts
        else:
            raise ProtocolError(
                f"unsupported request type {kind or '(none)'}: send "
                "application/sparql-query or a form with query="
            )
    if len(texts) > 1:
        raise ProtocolError(f"one query per request: this request has {len(texts)}")
    defaults = request.args.getlist("default-graph-uri") + (
        form.getlist("default-graph-uri") if form else []
    )
    named = request.args.getlist("named-graph-uri") + (
        form.getlist("named-graph-uri") if form else []
    )
    return (texts[0] if texts else ""), defaults, named


def _require_utf8() -> None:
    """Refuse a request body declared in another encoding than UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8").lower().replace("_", "-")
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(f"the request is {charset}: SPARQL requests must be UTF-8")


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(f"the query is not valid UTF-8: {err}") from None


def protocol_dataset(defaults: list[str], named: list[str]) -> Dataset | None:
    """Return the dataset the request names, or None when it names none.

    Only graphs of the viewer's dataset are used; any other graph named, hidden or missing
    alike, is an empty graph, as if it had no statements.
    """
    if not defaults and not named:
        return None
    mine = current_dataset()
    default = seen_graphs(defaults, mine)
    return Dataset(default or (EMPTY_GRAPH,), seen_graphs(named, mine))


def viewer_key() -> str:
    """Return who runs a query, for fair service: a user, or an anonymous client address."""
    user = current_user()
    return f"user:{user.name}" if user else f"anonymous@{request.remote_addr or '-'}"


def answer(text: str, dataset: Dataset | None) -> QueryResult:
    """Run a query in a time-limited worker; keep small answers until the store changes.

    A kept answer was computed by the worker for the same text on the same dataset and store
    generation, so the refusals, the time limit and the row cap all applied to it. A dataset
    named by the protocol overrides the query's FROM and FROM NAMED.
    """
    honour_from = dataset is None
    dataset = dataset or current_dataset()
    viewer = viewer_key()

    def run() -> QueryResult:
        return fairly(viewer, lambda: state().query(text, dataset, honour_from=honour_from))

    if VOLATILE.search(text):
        return run()
    cap = state().settings["row_cap"]  # the answer depends on the cap it was cut at
    return kept_today(
        dataset,
        "sparql",
        (text, cap, honour_from),
        run,
        keep=lambda r: len(r.triples if r.form == "graph" else r.rows) <= KEPT_ROWS,
    )


def media_for(result: QueryResult) -> str | None:
    """Return the negotiated media type (a `format` parameter wins over Accept)."""
    offers = list(GRAPH_TYPES if result.form == "graph" else RESULT_TYPES)
    wanted = request.values.get("format")
    if wanted:
        media = FORMATS.get(wanted, wanted)
        return media if media in offers else None
    return negotiate(request.headers.get("Accept"), offers)


def serialise(result: QueryResult, media: str) -> Response:
    """Return the result in `media`, noting when the row cap cut it short."""
    if result.form == "graph":
        body = to_graph(result, GRAPH_TYPES[media])
    else:
        body = RESULT_TYPES[media](result)
    response = Response(body, content_type=f"{media}; charset=utf-8")
    response.vary.add("Accept")
    if result.truncated:
        response.headers["X-Row-Cap-Reached"] = "true"
    if request.values.get("format"):
        name = f"query-result.{EXTENSIONS.get(media, request.values['format'])}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def plain(status: int, message: str) -> Response:
    """Return a plain-text error response."""
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    """Answer a SPARQL query by the SPARQL 1.1 Protocol (GET, form POST, direct POST)."""
    try:
        text, defaults, named = params()
        if len(text) > state().settings.number("max_upload"):
            abort(413, description="the query is larger than the request-size limit")
        if not text.strip():
            if request.method == "GET" and request.accept_mimetypes.accept_html:
                return redirect(url_for("editor.editor"))
            raise ProtocolError("no query: send query= or an application/sparql-query body")
        result = answer(text, protocol_dataset(defaults, named))
    except (ProtocolError, QueryError) as err:
        return plain(400, str(err))
    except Busy as err:
        response = plain(429, str(err))
        response.headers["Retry-After"] = str(err.retry_after)
        return response
    except QueryTimeout as err:
        return plain(503, str(err))
    media = media_for(result)
    if media is None:
        return plain(
            406,
            "not acceptable: results are available as "
            + ", ".join(GRAPH_TYPES if result.form == "graph" else RESULT_TYPES),
        )
    response = serialise(result, media)
    for graph in where_kept(text):  # `GRAPH <…/partner/P>` names no graph: say where P's is
        response.headers.add(
            "Link",
            f'</graphs?graph={graph}>; rel="alternate"; '
            f'title="{graph} is kept in one graph per marking: '
            f'FROM NAMED <{graph}> with GRAPH ?g reads them"',
        )
    return response
