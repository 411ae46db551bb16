"""Submissions over HTTP: validate and submit in a mode (JSON twins), the upload page, the context.

A replace that would withdraw capabilities is carried out only when confirmed: the JSON API
answers 409 with the list unless `confirm=true`; the page shows the list and keeps the upload
for a second click.
"""

from __future__ import annotations

import time
from dataclasses import asdict

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from kg.errors import KGError
from kg.submissions import check, read_bytes, submit
from kg.submissions.history import last_version
from kg.submissions.read import CONTEXT_FILE, format_of
from kg.web.auditing import audit
from kg.web.auth import current_dataset, current_user, require_user
from kg.web.pending import Upload, pending
from kg.web.state import state
from kg.web.viewer_cache import kept

bp = Blueprint("submissions", __name__)
MODES = ("replace", "merge")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES = ("1", "true", "yes", "on")


def uploaded() -> tuple[bytes, str, str]:
    """Return (bytes, file name, format) of the uploaded file or the raw body (415 if unknown)."""
    try:
        if "file" in request.files:
            upload = request.files["file"]
            name = upload.filename or "upload"
            return upload.read(), name, format_of(name)
        name = request.args.get("name", "request body")
        return request.get_data(), name, format_of(name, request.mimetype or None)
    except KGError as err:
        abort(415, description=str(err))


def parse(data: bytes, name: str, fmt: str):
    """Parse an upload with the reference codes (a KGError names the file, row or line)."""
    return read_bytes(data, name, fmt, state().context.catalogue)


def partner_of_request(user) -> str:
    """Return the partner a submission is for: the form/query value or the user's own."""
    partner = (request.values.get("partner") or user.partner or "").upper()
    if not partner:
        abort(400, description="say which partner the data is for: partner=CODE")
    if "admin" not in user.roles and (
        "partner" not in user.roles or (user.partner or "").upper() != partner
    ):
        abort(403, description=f"you may submit only your own partner's data, not {partner}'s")
    return partner


def requested_mode() -> str:
    """Return the submission mode asked for (default replace), or answer 400."""
    mode = request.values.get("mode", "replace").strip().lower()
    if mode not in MODES:
        abort(
            400,
            description=f"mode {mode!r}: use replace (the file becomes the partner's "
            "whole set) or merge (add or update only the capabilities sent); "
            "to withdraw capabilities use /api/partners/CODE/withdraw",
        )
    return mode


def confirmed() -> bool:
    """Return whether the request confirms the withdrawals it causes."""
    return request.values.get("confirm", "").strip().lower() in YES


def outcome_body(outcome, partner: str) -> dict:
    """Return a submission's outcome as JSON: report, version, changes, withdrawals."""
    body = outcome.report.as_dict()
    body["withdrawals"] = [asdict(w) for w in outcome.withdrawals]
    if outcome.acceptance:
        body["accepted"] = {"partner": partner, "version": outcome.acceptance.version}
        body["changes"] = [
            {
                "capability": c.capability,
                "label": c.label,
                "kind": c.kind,
                "fields": {k: {"before": b, "after": a} for k, (b, a) in c.fields.items()},
            }
            for c in outcome.changes
        ]
    return body


def record(outcome, partner: str, what: str) -> None:
    """Write a submission's outcome to the audit log."""
    graph = f"https://w3id.org/csig/graph/partner/{partner}"
    if outcome.pending:
        audit(
            what,
            "pending",
            graph,
            detail=f"would withdraw {len(outcome.withdrawals)}; nothing changed until confirmed",
        )
    elif outcome.acceptance is None:
        audit(what, "rejected", graph, detail="nothing changed")
    else:
        audit(
            what,
            "accepted",
            graph,
            outcome.acceptance.version,
            f"{len(outcome.changes)} capability change(s)",
        )


def answer_outcome(outcome, partner: str, what: str):
    """Answer 201 (accepted), 409 (withdrawals to confirm) or 422 (report), and audit it."""
    record(outcome, partner, what)
    body = outcome_body(outcome, partner)
    if outcome.pending:
        body.update(
            status=409,
            error="Conflict",
            message=(
                f"this would withdraw {len(outcome.withdrawals)} of {partner}'s capabilities "
                "(listed in withdrawals); nothing was changed. Send it again with confirm=true to "
                "withdraw them, or with mode=merge to add or update only the capabilities sent"
            ),
        )
        return jsonify(body), 409
    return jsonify(body), 422 if outcome.acceptance is None else 201


@bp.post("/api/submissions/validate")
def api_validate():
    """Validate an upload and return the report; nothing changes."""
    source = parse(*uploaded())
    report = check(source, state().context, request.values.get("partner") or None)
    return jsonify(report.as_dict())


@bp.post("/api/submissions")
def api_submit():
    """Validate and accept an upload in a mode; 409 lists withdrawals to confirm, 422 the report."""
    user = require_user()
    partner, mode = partner_of_request(user), requested_mode()
    outcome = submit(
        state().store,
        parse(*uploaded()),
        state().context,
        partner,
        user.name,
        mode,
        confirmed(),
        current_dataset,
    )
    return answer_outcome(outcome, partner, "submit")


@bp.route("/submit", methods=["GET", "POST"])
def upload_page():
    """Upload a file, see the report grouped by capability, accept it, confirm withdrawals."""
    page = {
        "user": current_user(),
        "report": None,
        "accepted": None,
        "error": "",
        "pending_key": "",
        "withdrawals": (),
        "mode": request.values.get("mode", "replace"),
        "max_upload_mb": f"{(current_app.config['MAX_CONTENT_LENGTH'] or 0) / 1e6:g}",
    }
    if request.method == "POST":
        try:
            page.update(_handle(request.form.get("action", "validate")))
        except KGError as err:
            page["error"] = str(err)
    report = page["report"]
    status = 422 if report is not None and not report.conforms else 400 if page["error"] else 200
    return render_template("submit.html", **page), status


def _handle(action: str) -> dict:
    """Carry out one action of the upload page and return what the page shows."""
    if action == "validate":
        source = parse(*uploaded())
        return {"report": check(source, state().context, request.form.get("partner") or None)}
    user = require_user()
    if action in ("confirm", "merge"):
        upload = _confirmed_upload(user)
        data, name, fmt, partner = upload.data, upload.name, upload.format, upload.partner
        mode, confirm = ("merge", False) if action == "merge" else ("replace", True)
    else:
        (data, name, fmt), partner = uploaded(), partner_of_request(user)
        mode, confirm = requested_mode(), False
    outcome = submit(
        state().store,
        parse(data, name, fmt),
        state().context,
        partner,
        user.name,
        mode,
        confirm,
        current_dataset,
    )
    record(outcome, partner, "submit")
    shown = {
        "report": outcome.report,
        "accepted": outcome,
        "mode": mode,
        "withdrawals": outcome.withdrawals,
    }
    if outcome.pending:
        version = last_version(state().store, partner)
        shown["pending_key"] = pending().keep(
            Upload(user.name, partner, name, data, fmt, version, time.monotonic())
        )
    return shown


def _confirmed_upload(user) -> Upload:
    """Return the kept upload a confirmation names, unchanged since it was shown."""
    upload = pending().take(request.form.get("pending", ""), user.name)
    if upload is None:
        raise KGError("that confirmation has expired or is not yours; upload the file again")
    now = last_version(state().store, upload.partner)
    if now != upload.version:
        raise KGError(
            f"{upload.partner}'s data changed since the list was shown (now version "
            f"{now}); upload the file again to see what it would withdraw"
        )
    return upload


@bp.get("/submit/template.<kind>")
def template(kind: str):
    """Download the blank template: CSV with a documented header, or XLSX with drop-downs."""
    from kg.submissions.template import csv_template, xlsx_template
    from kg.submissions.vocabularies import store_lists

    if kind == "csv":
        return Response(
            csv_template(levels_file()),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=capabilities.csv"},
        )
    if kind != "xlsx":
        abort(404, description=f"no template .{kind}: the templates are .csv and .xlsx")
    lists = kept("template-lists", None, lambda: store_lists(state().store, current_dataset()))
    return Response(
        xlsx_template(levels_file(), lists or None),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=capabilities.xlsx"},
    )


def levels_file():
    """Return the classification vocabulary file of the served content, as the CLI finds it."""
    return state().context.content.ontology / "vocab" / "classification.ttl"


@bp.get("/context.jsonld")
def context():
    """Serve the project's JSON-LD context (submissions may refer to it; it is never fetched)."""
    return Response(CONTEXT_FILE.read_bytes(), mimetype="application/ld+json")
