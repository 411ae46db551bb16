"""Submissions over HTTP: validate and submit (JSON twins), the upload page, the context."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request

from kg.errors import KGError
from kg.submissions import check, read_bytes, submit
from kg.submissions.read import CONTEXT_FILE, format_of
from kg.web.auditing import audit
from kg.web.auth import current_user, require_user
from kg.web.state import state

bp = Blueprint("submissions", __name__)


def uploaded():
    """Return (bytes, file name, format) of the uploaded file or the raw body."""
    if "file" in request.files:
        upload = request.files["file"]
        name = upload.filename or "upload"
        return upload.read(), name, format_of(name)
    name = request.args.get("name", "request body")
    return request.get_data(), name, format_of(name, request.mimetype or None)


def parse_upload():
    """Parse the upload; answer 415 for an unknown type and 400 for unparseable input."""
    try:
        data, name, fmt = uploaded()
    except KGError as err:
        abort(415, description=str(err))
    return read_bytes(data, name, fmt, state().context.catalogue)


def partner_of_request(user) -> str:
    """Return the partner a submission is for: the form/query value or the user's own."""
    partner = (request.values.get("partner") or user.partner or "").upper()
    if not partner:
        abort(400, description="say which partner the data is for: partner=CODE")
    if "admin" not in user.roles and (
            "partner" not in user.roles or (user.partner or "").upper() != partner):
        abort(403, description=f"you may submit only your own partner's data, not {partner}'s")
    return partner


@bp.post("/api/submissions/validate")
def api_validate():
    """Validate an upload and return the report; nothing changes."""
    source = parse_upload()
    report = check(source, state().context, request.values.get("partner") or None)
    return jsonify(report.as_dict())


@bp.post("/api/submissions")
def api_submit():
    """Validate and accept an upload as the partner's new version (422 with the report)."""
    user = require_user()
    partner = partner_of_request(user)
    outcome = submit(state().store, parse_upload(), state().context, partner, user.name)
    body = outcome.report.as_dict()
    graph = f"https://w3id.org/csig/graph/partner/{partner}"
    if outcome.acceptance is None:
        audit("submit", "rejected", graph, detail="nothing changed")
        return jsonify(body), 422
    audit("submit", "accepted", graph, outcome.acceptance.version)
    body["accepted"] = {"partner": partner, "version": outcome.acceptance.version}
    body["changes"] = [{"capability": c.capability, "kind": c.kind,
                        "fields": {k: {"before": b, "after": a} for k, (b, a) in c.fields.items()}}
                       for c in outcome.changes]
    return jsonify(body), 201


@bp.route("/submit", methods=["GET", "POST"])
def upload_page():
    """Upload a file, see the report grouped by capability, and accept it if allowed."""
    user = current_user()
    report, accepted, error = None, None, ""
    if request.method == "POST":
        try:
            source = parse_upload()
            if request.form.get("action") == "accept":
                partner = partner_of_request(require_user())
                accepted = submit(state().store, source, state().context, partner,
                                  require_user().name)
                report = accepted.report
                audit("submit", "accepted" if accepted.acceptance else "rejected",
                      f"https://w3id.org/csig/graph/partner/{partner}",
                      accepted.acceptance.version if accepted.acceptance else None)
            else:
                report = check(source, state().context, request.form.get("partner") or None)
        except KGError as err:
            error = str(err)
    status = 422 if report is not None and not report.conforms else 400 if error else 200
    return render_template("submit.html", user=user, report=report, accepted=accepted,
                           error=error), status


@bp.get("/context.jsonld")
def context():
    """Serve the project's JSON-LD context (submissions may refer to it; it is never fetched)."""
    return Response(CONTEXT_FILE.read_bytes(), mimetype="application/ld+json")
