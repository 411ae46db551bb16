"""SPARQL 1.1 Graph Store HTTP Protocol at /graphs over partners' data."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from kg.errors import KGError
from kg.namespaces import GRAPH
from kg.submissions import merged_source, read_bytes, submit, withdraw
from kg.submissions.history import last_version
from kg.submissions.read import format_of
from kg.web.auditing import audit
from kg.web.auth import current_dataset, current_graphs, forget_dataset, require_user
from kg.web.state import state
from kg.web.submissions import answer_outcome, confirmed, record

bp = Blueprint("graphstore", __name__)
PARTNER_GRAPH = GRAPH + "partner/"
SERIALISATIONS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def requested_partner() -> str:
    """Return the partner code named by `?graph=`, or answer 400."""
    if "default" in request.args:
        abort(
            400,
            description="the default graph is not writable here; name a partner "
            f"graph: ?graph={PARTNER_GRAPH}CODE",
        )
    iri = request.args.get("graph", "")
    code = iri.removeprefix(PARTNER_GRAPH).strip("/")
    if not iri.startswith(PARTNER_GRAPH) or not code or "/" in code:
        abort(400, description=f"?graph= must be a partner graph: {PARTNER_GRAPH}CODE")
    return code.upper()


def visible_triples(partner: str) -> list[ox.Triple]:
    """Return the partner's current statements that this request's viewer may see."""
    prefix = f"{PARTNER_GRAPH}{partner}/"
    graphs = [g for g in current_graphs() if g.startswith(prefix)]
    return [t for g in graphs for t in state().store.triples(g)]


def etag_of(triples: list[ox.Triple]) -> str:
    """Return an entity tag for the statements a viewer sees of a partner."""
    lines = sorted(str(t) for t in triples)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


@bp.route("/graphs", methods=["GET", "HEAD"])
def get_graph():
    """Return a partner's current data, as far as the viewer may see it."""
    partner = requested_partner()
    triples = visible_triples(partner)
    if not triples:
        abort(404, description="no such graph, or nothing in it you may see")
    media = request.accept_mimetypes.best_match(list(SERIALISATIONS)) or "text/turtle"
    body = ox.serialize(triples, format=SERIALISATIONS[media])
    response = Response(b"" if request.method == "HEAD" else body, mimetype=media)
    response.headers["ETag"] = f'"{etag_of(triples)}"'
    response.headers["Content-Length"] = str(len(body))
    return response


def check_writer(partner: str):
    """Allow only the partner's own data stewards (or admins) to write; 401 / 403."""
    user = require_user()
    if "admin" in user.roles:
        return user
    if "partner" not in user.roles or (user.partner or "").upper() != partner:
        abort(403, description=f"you may write only your own partner's data, not {partner}'s")
    return user


def check_precondition(partner: str) -> None:
    """Refuse a write whose If-Match / If-None-Match no longer holds (412)."""
    current = f'"{etag_of(visible_triples(partner))}"'
    exists = last_version(state().store, partner) > 0
    if_match = request.headers.get("If-Match")
    if if_match and if_match != "*" and current not in [t.strip() for t in if_match.split(",")]:
        abort(
            412,
            description="the data changed since you read it (ETag mismatch); "
            "GET it again and reapply your change",
        )
    if if_match == "*" and not exists:
        abort(412, description="If-Match: * but the graph does not exist")
    if request.headers.get("If-None-Match") == "*" and exists:
        abort(412, description="If-None-Match: * but the graph already exists")


def read_body(partner: str):
    """Parse the request body in its declared media type (415 / 400 on failure)."""
    media = request.mimetype or ""
    try:
        fmt = format_of(f"{partner}-upload", media)
    except KGError as err:
        abort(415, description=str(err))
    try:
        return read_bytes(
            request.get_data(), f"request body ({media})", fmt, state().context.catalogue
        )
    except KGError as err:
        abort(400, description=str(err))


def write(partner: str, merge: bool):
    """Validate and accept a PUT (replace) or POST (RDF merge) body as the partner's new version.

    A PUT that would withdraw capabilities is carried out only when it is confirmed: by
    `If-Match` with the ETag the client read (it replaces exactly what it saw) or `confirm=true`;
    otherwise it answers 409 with the list.
    """
    user = check_writer(partner)
    source = read_body(partner)
    store = state().store
    with store.lock:  # the precondition and the acceptance see the same version
        check_precondition(partner)
        existed = bool(visible_triples(partner))
        if merge:
            source = merged_source(store, source, partner)
        confirm = confirmed() or bool(request.headers.get("If-Match"))
        outcome = submit(
            store,
            source,
            state().context,
            partner,
            user.name,
            "merge" if merge else "replace",
            confirm,
            current_dataset,
        )
    if outcome.acceptance is None:
        return answer_outcome(outcome, partner, "submit")
    record(outcome, partner, "submit")
    forget_dataset()  # a write may add a graph: the ETag is of what a GET now answers
    response = Response(status=204 if existed else 201)
    response.headers["ETag"] = f'"{etag_of(visible_triples(partner))}"'
    response.headers["Location"] = f"/graphs?graph={PARTNER_GRAPH}{partner}"
    return response


@bp.put("/graphs")
def put_graph():
    """Replace a partner's data (validated; nothing changes when it does not conform)."""
    return write(requested_partner(), merge=False)


@bp.post("/graphs")
def post_graph():
    """Merge statements into a partner's data; the merged result is validated."""
    return write(requested_partner(), merge=True)


@bp.delete("/graphs")
def delete_graph():
    """Withdraw a partner's data: a new, empty version; history is kept."""
    partner = requested_partner()
    user = check_writer(partner)
    store = state().store
    with store.lock:
        check_precondition(partner)
        if not visible_triples(partner):
            abort(404, description="no such graph")
        outcome = withdraw(store, state().context, partner, user.name)
    audit(
        "withdraw",
        "accepted",
        f"{PARTNER_GRAPH}{partner}",
        outcome.acceptance.version,
        f"all {len(outcome.withdrawals)} capabilities",
    )
    forget_dataset()
    return Response(status=204)
