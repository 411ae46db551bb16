"""A partner's versions on the web: history for everyone (as far as they may see), and for the
partner's own officers and administrators the full history, differences, confirmed rollback and
confirmed withdrawal of named capabilities. Every action is in the audit log.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from kg.errors import KGError
from kg.submissions import rollback, withdraw
from kg.submissions.history import compare_versions, history, last_version, version_triples
from kg.submissions.structure import Structure, identifier
from kg.web.auth import current_user, require_user
from kg.web.pages import answer
from kg.web.provenance import disclosed, may_manage
from kg.web.state import state
from kg.web.submissions import YES, answer_outcome, outcome_body, record

bp = Blueprint("versions", __name__)


def known_partner(code: str) -> str:
    """Return a partner code of the reference data (upper case), or answer 404."""
    code = code.upper()
    if code not in state().context.catalogue.partners:
        abort(404, description=f"no partner {code}")
    return code


def manager(code: str):
    """Return the signed-in user if they manage the partner's data; else 401 or 403."""
    user = require_user()
    if not may_manage(user, code):
        abort(
            403,
            description=f"only {code}'s own officers and administrators may see the "
            "full history, compare versions, roll back or withdraw",
        )
    return user


def current_capabilities(code: str) -> list[dict]:
    """Return the partner's current capabilities: identifier and label (managers only)."""
    store = state().store
    version = last_version(store, code)
    structure = Structure.of(version_triples(store, code, version) if version else [])
    return sorted(
        (
            {"identifier": identifier(c), "label": structure.label(c)}
            for c in structure.capabilities
        ),
        key=lambda c: c["label"].lower(),
    )


@bp.get("/partners/<code>/history")
@bp.get("/api/partners/<code>/history")
def history_page(code: str):
    """List the partner's versions as far as the viewer may know of them."""
    code = known_partner(code)
    manages = may_manage(current_user(), code)
    return answer(
        "history.html",
        code=code,
        manages=manages,
        versions=disclosed(code),
        capabilities=current_capabilities(code) if manages else [],
        label=state().context.labels.get(state().context.catalogue.partners[code], code),
    )


def _version_arg(name: str) -> int | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        abort(400, description=f"{name}={text!r}: give a version number")
    return int(text)


@bp.get("/partners/<code>/diff")
@bp.get("/api/partners/<code>/diff")
def diff_page(code: str):
    """Show what changed between two versions (default: the last two), by label."""
    code = known_partner(code)
    manager(code)
    old, new = _version_arg("from"), _version_arg("to")
    if (old is None) != (new is None):
        abort(400, description="give both from= and to=, or neither (the last two versions)")
    try:
        old, new, changes = compare_versions(state().store, code, old, new, state().context.labels)
    except KGError as err:
        abort(404, description=str(err))
    return answer(
        "diff.html",
        code=code,
        old=old,
        new=new,
        versions=[v.version for v in history(state().store, code)],
        changes=[asdict(c) for c in changes],
    )


@bp.post("/partners/<code>/rollback")
@bp.post("/api/partners/<code>/rollback")
def rollback_action(code: str):
    """Make an earlier version current again, as a new version, once confirmed."""
    code = known_partner(code)
    user = manager(code)
    version = _form_version()
    if not request.path.startswith("/api/") and not _confirmed():
        return _preview_rollback(code, version)
    outcome = rollback(state().store, state().context, code, version, user.name, _confirmed())
    return _finish(
        outcome, code, "rollback", f"roll back to version {version}", {"version": version}
    )


@bp.post("/partners/<code>/withdraw")
@bp.post("/api/partners/<code>/withdraw")
def withdraw_action(code: str):
    """Withdraw named capabilities as a new version (the web asks for a second click)."""
    code = known_partner(code)
    user = manager(code)
    names = _capabilities_asked()
    if not request.path.startswith("/api/") and not _confirmed():
        return _confirm_page(
            code,
            "withdraw",
            f"withdraw {len(names)} capabilit" + ("y" if len(names) == 1 else "ies"),
            [c for c in current_capabilities(code) if c["identifier"] in names],
            {"capability": names},
        )
    outcome = withdraw(state().store, state().context, code, user.name, names)
    return _finish(outcome, code, "withdraw", "", {})


def _finish(outcome, code: str, what: str, title: str, fields: dict):
    """Answer an action: JSON for the API; for the page a confirmation, or back to history."""
    if request.path.startswith("/api/"):
        return answer_outcome(outcome, code, what)
    if outcome.pending:
        record(outcome, code, what)
        return _confirm_page(code, what, title, [asdict(w) for w in outcome.withdrawals], fields)
    record(outcome, code, what)
    body = outcome_body(outcome, code)
    flash(
        f"{code} is now at version {body['accepted']['version']} ({what}; "
        f"{len(outcome.changes)} capability change(s))."
    )
    return redirect(url_for("versions.history_page", code=code))


def _preview_rollback(code: str, version: int):
    """Show what a rollback would change, with the button that carries it out."""
    try:
        now, old, changes = compare_versions(
            state().store, code, last_version(state().store, code), version, state().context.labels
        )
    except KGError as err:
        abort(404, description=str(err))
    gone = [{"identifier": c.capability, "label": c.label} for c in changes if c.kind == "removed"]
    return _confirm_page(
        code,
        "rollback",
        f"roll back to version {version}",
        gone,
        {"version": version},
        changes=[asdict(c) for c in changes],
        now=now,
    )


def _confirm_page(code: str, action: str, title: str, withdrawals: list, fields: dict, **more):
    return render_template(
        "confirm.html",
        code=code,
        action=action,
        title=title,
        withdrawals=withdrawals,
        fields=fields,
        **more,
    ), 409


def _form_version() -> int:
    text = str(_values().get("version", "")).strip()
    if not text.isdigit():
        abort(400, description="say which version to roll back to: version=N")
    return int(text)


def _capabilities_asked() -> list[str]:
    values = _values()
    names = values.get("capabilities") or values.get("capability") or []
    names = [names] if isinstance(names, str) else list(names)
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        abort(
            400,
            description="name the capabilities to withdraw: capability=IDENTIFIER "
            '(repeatable), or a JSON body {"capabilities": [...]}',
        )
    return [n.strip() for n in names]


def _confirmed() -> bool:
    value = _values().get("confirm", "")
    return value is True or str(value).strip().lower() in YES


def _values() -> dict:
    """Return the request's parameters: a JSON object body, or the form and query values."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400, description="the JSON body must be an object")
        return body
    return {k: (v if len(v) > 1 else v[0]) for k, v in request.values.lists()}
