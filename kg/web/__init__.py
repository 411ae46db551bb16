"""The explorer: a Flask application factory."""

from __future__ import annotations

from flask import Flask

from kg.settings import Settings, load_settings


def create_app(settings: Settings | dict | None = None) -> Flask:
    """Create the explorer app for `settings` (a Settings, or overrides as a dict)."""
    if not isinstance(settings, Settings):
        settings = load_settings(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = int(settings.number("max_upload"))
    from kg.web.state import State

    app.extensions["kg"] = State.open(settings)
    from kg.web import pages

    app.register_blueprint(pages.bp)
    return app
