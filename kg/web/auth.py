"""Who is asking: bearer tokens for the API, a signed session cookie for the pages."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from kg.access import ANONYMOUS, Viewer, viewer_dataset, visible_graphs
from kg.store import Dataset
from kg.users import User, authenticate, viewer_of
from kg.web.cache import forget_generation, kept_today
from kg.web.state import state

bp = Blueprint("auth", __name__)


def current_user() -> User | None:
    """Return the signed-in user: from a bearer token, else from the session."""
    if "user" in g:
        return g.user
    header = request.headers.get("Authorization", "")
    user = None
    if header.lower().startswith("bearer "):
        user = authenticate(state().users, header[7:].strip())
        if user is None:
            abort(401, description="invalid bearer token")
    elif session.get("user") in state().users:
        user = state().users[session["user"]]
    g.user = user
    return user


def current_viewer() -> Viewer:
    """Return the viewer of this request (anonymous when nobody is signed in)."""
    if "viewer" not in g:
        user = current_user()
        g.viewer = ANONYMOUS if user is None else kept_today(
            user, "viewer", None, lambda: viewer_of(state().store, user))
    return g.viewer


def current_dataset() -> Dataset:
    """Return the dataset of this request's viewer: every surface answers from it."""
    if "dataset" not in g:
        viewer = current_viewer()
        g.dataset = kept_today(viewer, "dataset", None,
                               lambda: viewer_dataset(state().store, viewer))
    return g.dataset


def current_graphs() -> tuple[str, ...]:
    """Return the names of the graphs this request's viewer may see (no view is built)."""
    if "dataset" in g:
        return g.dataset.named
    viewer = current_viewer()
    return kept_today(viewer, "graphs", None,
                      lambda: tuple(sorted(visible_graphs(state().store, viewer))))


def forget_dataset() -> None:
    """Forget this request's dataset and store generation, after a write that changed them."""
    g.pop("dataset", None)
    forget_generation()


def require_user() -> User:
    """Return the signed-in user or answer 401 with a bearer challenge."""
    user = current_user()
    if user is None:
        abort(401, description="sign in: send 'Authorization: Bearer TOKEN'")
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
            return redirect(request.args.get("next") or url_for("pages.home"))
        error = "That token is not valid."
    return render_template("signin.html", error=error), (401 if error else 200)


@bp.post("/signout")
def signout():
    """Sign out: back to the public view."""
    session.clear()
    return redirect(url_for("pages.home"))
