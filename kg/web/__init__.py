"""The explorer: a Flask application factory."""

from __future__ import annotations

import logging

from flask import Flask

from kg.settings import Settings, load_settings


def create_app(settings: Settings | dict | None = None) -> Flask:
    """Create the explorer app for `settings` (a Settings, or overrides as a dict)."""
    if not isinstance(settings, Settings):
        settings = load_settings(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = int(settings.number("max_upload"))
    app.config["SECRET_KEY"] = secret_key(settings)
    from kg.web.state import State

    app.extensions["kg"] = State.open(settings)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    from kg.web.csrf import protect

    protect(app, settings["secure_cookies"])
    warn_if_exposed(settings)
    return app


def warn_if_exposed(settings: Settings) -> None:
    """Log loudly when the query workers of an embedded store cannot leave the network."""
    if settings["store"].startswith("sparql+"):
        return
    from kg.worker import isolation_warning

    warning = isolation_warning()
    if warning:
        logging.getLogger(__name__).warning(warning)


def blueprints() -> list:
    """Return every blueprint of the app; each feature lives in its own module."""
    from kg.web import (
        auth,
        capabilities,
        dashboard,
        editor,
        endpoint,
        errors,
        graphstore,
        linked,
        matrices,
        missionareas,
        network,
        ontology,
        openapi,
        packages,
        pages,
        partners,
        reports,
        search,
        standards,
        strategy,
        submissions,
        versions,
    )

    return [
        pages.bp,
        dashboard.bp,
        auth.bp,
        errors.bp,
        graphstore.bp,
        submissions.bp,
        partners.bp,
        capabilities.bp,
        search.bp,
        missionareas.bp,
        standards.bp,
        strategy.bp,
        ontology.bp,
        linked.bp,
        endpoint.bp,
        editor.bp,
        openapi.bp,
        reports.bp,
        matrices.bp,
        network.bp,
        versions.bp,
        packages.bp,
    ]


def secret_key(settings: Settings) -> bytes:
    """Return the session-signing key, kept beside the store (created once)."""
    import secrets
    from pathlib import Path

    path = Path(settings["audit_log"]).with_name("session.key")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
    return path.read_bytes()
