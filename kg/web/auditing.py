"""Write the audit log from the web layer: who, what, which graph, which version, result."""

from __future__ import annotations

from flask import g, request, session

from kg.audit import Event, record
from kg.web.state import state


def who() -> str:
    """Return the name of the signed-in user, or how an anonymous caller is known.

    A request refused before it was signed in (a cross-site or token-less form post) is
    recorded under its session's user: whose session the refused request carried.
    """
    user = g.get("user")
    if user is None and "user" not in g:
        user = state().users.get(session.get("user"))
    return user.name if user else f"anonymous@{request.remote_addr or '-'}"


def audit(
    action: str, result: str, graph: str = "", version: int | None = None, detail: str = ""
) -> None:
    """Append one event for this request to the audit log."""
    record(
        state().settings.path("audit_log"),
        Event(action, who(), result, graph, version, detail or f"{request.method} {request.path}"),
    )
