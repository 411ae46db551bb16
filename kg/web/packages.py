"""Release packages on the web: each viewer downloads the package of their own dataset, and
administrators import a package from another store (verified whole, or refused with the reason).
"""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, abort, jsonify, render_template, request, send_file, url_for

from kg.errors import KGError
from kg.package import records
from kg.package.audience import spec_of
from kg.package.export import export
from kg.package.importing import import_package
from kg.package.keys import fingerprint, key_path, public_text, signing_key
from kg.package.verify import verify
from kg.web.auditing import audit
from kg.web.auth import current_user, forget_dataset, require_user
from kg.web.pages import wants_json
from kg.web.state import state

bp = Blueprint("packages", __name__)
YES = ("1", "true", "yes", "on")


def _key():
    return signing_key(key_path(state().settings))


def _admin():
    """Return the signed-in administrator, or answer 401 or 403."""
    user = require_user()
    if "admin" not in user.roles:
        abort(403, description="only administrators import release packages")
    return user


@bp.get("/packages")
@bp.get("/api/packages")
def packages_page():
    """Show the signed-in viewer's package, this store's public key and, for admins, imports."""
    user = current_user()
    admin = user is not None and "admin" in user.roles
    body = {
        "viewer": spec_of(user) if user else None,
        "key": public_text(_key()),
        "download": url_for("packages.download") if user else None,
        "imports": records.imported_packages(state().store) if admin else [],
    }
    if wants_json():
        return jsonify(body)
    return render_template(
        "packages.html",
        admin=admin,
        result=None,
        spec=body["viewer"],
        key=body["key"],
        download=body["download"],
        imports=body["imports"],
    )


@bp.get("/packages/download")
def download():
    """Send the release package of the signed-in viewer's own dataset (no one else's)."""
    user = require_user()
    spec = spec_of(user)
    asked = request.args.get("for")
    if asked is not None and asked != spec:
        audit("package", "forbidden", asked, detail=f"{user.name} asked for {asked}")
        abort(403, description=f"you may download only your own package ({spec})")
    out = io.BytesIO()
    done = export(state().store, spec, out, _key())
    audit("package", "downloaded", spec, detail=done.manifest.id)
    out.seek(0)
    day = dt.date.today().isoformat()
    return send_file(
        out,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"csig-package-{spec.replace('@', '-')}-{day}.zip",
    )


@bp.post("/packages/import")
@bp.post("/api/packages/import")
def import_action():
    """Verify an uploaded package against the trusted keys and import it whole, or refuse it."""
    user = _admin()
    upload = request.files.get("package")
    if upload is None:
        abort(400, description="send the package as the file field 'package'")
    trusted = [k for k in request.form.get("trust", "").split() if k]
    if not trusted:
        abort(400, description="give the sending store's public key in the field 'trust'")
    name = upload.filename or "package"
    try:
        data = upload.read()
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    try:
        verified = verify(data, name, trusted, state().store)
        outcome = import_package(
            state().store,
            verified,
            user.name,
            _codes("keep_local"),
            _codes("replace_local"),
            _confirmed(),
        )
    except KGError as err:
        audit("package", "refused", "", detail=f"{name}: {err}")
        return _answer({"refused": str(err)}, 422)
    viewer = verified.manifest.viewer
    if outcome.pending:
        audit("package", "pending", viewer, detail=f"{name} {outcome.package}")
        return _answer({"pending": _pending(outcome)}, 409)
    forget_dataset()
    audit("package", "imported", viewer, detail=f"{name} {outcome.package}")
    return _answer(
        {
            "imported": {
                "package": outcome.package,
                "viewer": viewer,
                "kind": verified.manifest.kind,
                "versions": outcome.versions,
                "written": list(outcome.written),
                "dropped": list(outcome.dropped),
                "kept": list(outcome.kept),
                "signer": fingerprint(verified.manifest.signer),
            }
        },
        201,
    )


def _answer(result: dict, status: int):
    """Answer an import: JSON for the API, else the packages page with the result."""
    if request.path.startswith("/api/"):
        return jsonify(result), status
    user = current_user()
    page = render_template(
        "packages.html",
        user=user,
        admin=True,
        result=result,
        viewer=spec_of(user),
        key=public_text(_key()),
        download=url_for("packages.download"),
        imports=records.imported_packages(state().store),
    )
    return page, 200 if status == 201 else status


def _codes(field: str) -> list[str]:
    """Return the partner codes of a form field: comma- or space-separated."""
    text = request.form.get(field, "").replace(",", " ")
    return [code.upper() for code in text.split()]


def _confirmed() -> bool:
    return request.form.get("confirm", "").strip().lower() in YES


def _pending(outcome) -> list[dict]:
    return [
        {
            "partner": d.partner,
            "version": d.version,
            "mode": d.mode,
            "user": d.user,
            "withdrawals": [{"identifier": w.identifier, "label": w.label} for w in d.withdrawals],
        }
        for d in outcome.pending
    ]
