"""Users and tokens: who a request or a `--as` option speaks for."""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kg.access import ANONYMOUS, Viewer, full_dataset, viewer_dataset
from kg.dataset import Dataset, GraphStore
from kg.errors import KGError
from kg.namespaces import ONTOLOGY_GRAPH, sparql_prefixes

ROLES = ("partner", "planner", "staff", "admin")


@dataclass(frozen=True)
class User:
    """A user from the users file; the token is kept only as its SHA-256 hash."""

    name: str
    token_sha256: str
    roles: tuple[str, ...]
    clearance: str = ""
    nation: str | None = None
    organisation: str | None = None
    partner: str | None = None


def hash_token(token: str) -> str:
    """Return the stored form of a token.

    >>> hash_token("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_users(path: Path) -> dict[str, User]:
    """Read the users file (TOML: one [users.NAME] table each)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise KGError(f"{path}: {err}") from err
    users = {}
    for name, entry in data.get("users", {}).items():
        roles = tuple(entry.get("roles", ()))
        bad = [r for r in roles if r not in ROLES]
        if bad or "token_sha256" not in entry:
            raise KGError(f"{path}: user {name}: needs token_sha256 and roles from {ROLES}")
        users[name] = User(
            name,
            entry["token_sha256"],
            roles,
            entry.get("clearance", ""),
            entry.get("nation"),
            entry.get("organisation"),
            entry.get("partner"),
        )
    return users


def authenticate(users: dict[str, User], token: str) -> User | None:
    """Return the user a bearer token belongs to, comparing hashes in constant time."""
    digest = hash_token(token)
    for user in users.values():
        if hmac.compare_digest(user.token_sha256, digest):
            return user
    return None


RANKS = sparql_prefixes(("csig",)) + "SELECT ?level ?rank WHERE { ?level csig:rank ?rank }"


def clearance_rank(store: GraphStore, level: str) -> int:
    """Return the rank of a clearance given as a level key such as 'US-S' or 'GBR-S'."""
    if not level:
        return 0
    ranks = {
        r["level"].value.rsplit("/", 1)[-1]: int(r["rank"].value)
        for r in store.select(RANKS, Dataset((ONTOLOGY_GRAPH,)))
    }
    if level not in ranks:
        raise KGError(f"unknown clearance {level!r}; use a level key such as US-S or NATO-NS")
    return ranks[level]


def viewer_of(store: GraphStore, user: User) -> Viewer:
    """Return the viewer a signed-in user is."""
    return Viewer(
        name=user.name,
        nation=user.nation,
        organisation=user.organisation,
        clearance=clearance_rank(store, user.clearance),
        roles=user.roles,
        partner=user.partner or user.nation or user.organisation,
        anonymous=False,
    )


def resolve_viewer(store: GraphStore, users: dict[str, User], name: str) -> Viewer | None:
    """Return the viewer for `--as NAME`: a user, 'public', or 'all' (None: every graph)."""
    if name in ("", "public", "anonymous"):
        return ANONYMOUS
    if name == "all":
        return None
    if name in users:
        return viewer_of(store, users[name])
    raise KGError(
        f"unknown viewer {name!r}: use 'public', 'all' or a user of the users file "
        f"({', '.join(sorted(users)) or 'none defined'})"
    )


def dataset_for(store: GraphStore, settings, name: str | None) -> Dataset:
    """Return the dataset of the viewer `--as` names (default: public)."""
    viewer = resolve_viewer(store, load_users(settings.path("users")), name or "public")
    return full_dataset(store) if viewer is None else viewer_dataset(store, viewer)
