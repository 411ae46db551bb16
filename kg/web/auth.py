"""Who is asking: bearer tokens for the API, a signed session cookie for the pages."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from kg.access import ANONYMOUS, Viewer, viewer_dataset, visible_graphs
from kg.dataset import Dataset
from kg.users import User, authenticate, viewer_of
from kg.web.cache import forget_generation, kept_today
from kg.web.csrf import TOKEN_FREE, UNSAFE, local_target
from kg.web.state import state

bp = Blueprint("auth", __name__)


def current_user() -> User | None:
    """Return the signed-in user: from a bearer token, else from the session.

    Any `Authorization` header that is not a valid bearer token is answered 401 (never read
    as the public viewer). The session cookie signs in pages only: API and protocol writes
    need the bearer token, which no other site can make a browser send.
    """
    if "user" in g:
        return g.user
    user = None
    if "Authorization" in request.headers:
        user = bearer_user(request.headers["Authorization"])
    elif session.get("user") in state().users and not token_only():
        user = state().users[session["user"]]
    g.user = user
    return user


def bearer_user(header: str) -> User:
    """Return the user of an `Authorization: Bearer TOKEN` header, or answer 401."""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":  # the header is not echoed: it may hold a secret
        refuse(
            "only bearer tokens are accepted: send 'Authorization: Bearer TOKEN'", "invalid_request"
        )
    user = authenticate(state().users, token.strip()) if token.strip() else None
    if user is None:
        refuse("invalid bearer token", "invalid_token")
    return user


def refuse(description: str, error: str = "") -> None:
    """Answer 401 with a bearer challenge, naming the error when a credential was sent."""
    challenge = WWWAuthenticate("bearer", {"realm": "csig", **({"error": error} if error else {})})
    raise Unauthorized(description=description, www_authenticate=challenge)


def token_only() -> bool:
    """Return whether this request must authenticate by bearer token (an API or protocol write)."""
    return request.method in UNSAFE and request.path.startswith(TOKEN_FREE)


def current_viewer() -> Viewer:
    """Return the viewer of this request (anonymous when nobody is signed in)."""
    if "viewer" not in g:
        user = current_user()
        g.viewer = (
            ANONYMOUS
            if user is None
            else kept_today(user, "viewer", None, lambda: viewer_of(state().store, user))
        )
    return g.viewer


def current_dataset() -> Dataset:
    """Return the dataset of this request's viewer: every surface answers from it."""
    if "dataset" not in g:
        viewer = current_viewer()
        g.dataset = kept_today(
            viewer, "dataset", None, lambda: viewer_dataset(state().store, viewer)
        )
    return g.dataset


def current_graphs() -> tuple[str, ...]:
    """Return the names of the graphs this request's viewer may see (no view is built)."""
    if "dataset" in g:
        return g.dataset.named
    viewer = current_viewer()
    return kept_today(
        viewer, "graphs", None, lambda: tuple(sorted(visible_graphs(state().store, viewer)))
    )


def forget_dataset() -> None:
    """Forget this request's dataset and store generation, after a write that changed them."""
    g.pop("dataset", None)
    forget_generation()


def require_user() -> User:
    """Return the signed-in user or answer 401 with a bearer challenge."""
    user = current_user()
    if user is None:
        refuse("sign in: send 'Authorization: Bearer TOKEN'")
    return user


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """Sign in with a token; the session then carries the user's viewer dataset."""
    error = ""
    if request.method == "POST":
        user = authenticate(state().users, request.form.get("token", "").strip())
        if user:
            session.clear()
            session["user"] = user.name
            return redirect(local_target(request.args.get("next")) or url_for("dashboard.home"))
        error = "That token is not valid."
    return render_template("signin.html", error=error), (401 if error else 200)


@bp.post("/signout")
def signout():
    """Sign out: back to the public view."""
    session.clear()
    return redirect(url_for("dashboard.home"))
