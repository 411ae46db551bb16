"""Defences against cross-site requests: form tokens, session cookie flags, origins, redirects.

Pages change state only by form posts that carry Flask-WTF's synchroniser token. The JSON API
and the SPARQL / Graph Store protocol endpoints take no token: they authenticate writes by a
bearer token, which a browser never adds to a cross-site request, and the session cookie is
`SameSite=Lax`, so a browser sends it with no cross-site POST, PUT or DELETE. Any
state-changing request whose `Origin` (or `Sec-Fetch-Site`) says another site is refused.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
TOKEN_FREE = ("/api/", "/graphs", "/sparql")  # bearer-token API and protocol endpoints
DEFAULT_PORTS = {"http": 80, "https": 443}


class SessionCookies(SecureCookieSessionInterface):
    """The signed session cookie, `Secure` when the request came over HTTPS (or always)."""

    def __init__(self, secure: str = "auto"):
        self.secure = secure

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return whether the cookie may travel only over HTTPS."""
        if self.secure in ("always", "never"):
            return self.secure == "always"
        return request.is_secure


def protect(app: Flask, secure_cookies: str = "auto") -> None:
    """Give `app` CSRF tokens, safe session cookies and the cross-site origin check."""
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True, WTF_CSRF_TIME_LIMIT=None
    )  # a token lives as long as its session
    app.session_interface = SessionCookies(secure_cookies)
    csrf = CSRFProtect(app)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(TOKEN_FREE):
            csrf.exempt(app.view_functions[rule.endpoint])
    app.before_request(refuse_cross_site)


def refuse_cross_site() -> None:
    """Answer 403 to a state-changing request that a browser says came from another site."""
    if request.method not in UNSAFE:
        return
    origin = request.headers.get("Origin")
    if origin is not None and not same_origin(origin, request.host_url):
        abort(403, description=f"cross-site request refused: the request came from {origin}")
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403, description="cross-site request refused")


def _origin(url: str) -> tuple:
    parts = urlsplit(url.strip())
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return ("invalid",)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def same_origin(origin: str, host_url: str) -> bool:
    """Return whether an `Origin` header names this server (scheme, host and port).

    >>> same_origin("http://localhost:5000", "http://localhost:5000/")
    True
    >>> same_origin("null", "http://localhost/"), same_origin("https://evil.example", "https://csig/")
    (False, False)
    """
    mine = _origin(host_url)
    return origin != "null" and _origin(origin) == mine


def local_target(value: str | None) -> str | None:
    """Return a redirect target only if it is a path on this site, rebuilt from its parts.

    The value is read as a browser reads it (tabs and newlines dropped, `\\` as `/`), and
    anything with a scheme or a host, or a path not starting with one `/`, is refused.

    >>> local_target("/partners?x=1"), local_target("//evil.example/x")
    ('/partners?x=1', None)
    >>> local_target("https://evil.example"), local_target("/\\\\evil.example")
    (None, None)
    >>> local_target("/\\t/evil.example"), local_target(" //evil.example")
    (None, None)
    """
    if not value:
        return None
    cleaned = "".join(c for c in value if c not in "\t\n\r").strip("\x00 ").replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("//"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
