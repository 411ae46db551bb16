"""One settings table: the single source for CLI options, `KG_*` variables and the README."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """A setting: its name, default and the help text shown in the CLI and README."""

    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        """Return the environment variable that sets this setting."""
        return "KG_" + self.name.upper()


SETTINGS = (
    Setting(
        "store",
        str(ROOT / ".kg" / "store"),
        "Embedded store folder, or a remote SPARQL 1.1 server as "
        "'sparql+QUERY_URL|UPDATE_URL|GRAPH_STORE_URL'.",
    ),
    Setting("content", str(ROOT), "Folder holding ontology/, shapes/ and data/."),
    Setting(
        "users",
        str(ROOT / "data" / "users.toml"),
        "Users file: token hashes, nation or organisation, roles, clearance.",
    ),
    Setting("host", "127.0.0.1", "Address the explorer listens on."),
    Setting("port", "5000", "Port the explorer listens on."),
    Setting("query_timeout", "10", "Seconds a SPARQL query may run before it is stopped."),
    Setting(
        "query_slots", "2", "SPARQL queries one viewer may run at once; one more is answered 429."
    ),
    Setting(
        "query_workers",
        "8",
        "SPARQL queries all viewers may run at once; more wait for a free worker.",
    ),
    Setting("row_cap", "10000", "Most rows a query returns."),
    Setting("max_upload", "20000000", "Largest request or upload, in bytes."),
    Setting("java", "java", "Java executable used by the HermiT reasoner."),
    Setting("audit_log", str(ROOT / ".kg" / "audit.log"), "Append-only audit log file."),
    Setting(
        "secure_cookies",
        "auto",
        "Mark the session cookie Secure: 'auto' (when the request came over HTTPS), "
        "'always' (behind a proxy that ends TLS) or 'never'.",
    ),
)

SETTING_NAMES = tuple(s.name for s in SETTINGS)
PATH_SETTINGS = ("store", "content", "users", "audit_log")  # files and folders, not values


@dataclass(frozen=True)
class Settings:
    """Resolved settings: defaults, overridden by `KG_*` variables, then by explicit values."""

    values: dict

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def path(self, name: str) -> Path:
        """Return a setting as a path."""
        return Path(self.values[name])

    def number(self, name: str) -> float:
        """Return a setting as a number."""
        return float(self.values[name])


def load_settings(overrides: dict | None = None) -> Settings:
    """Resolve every setting from its default, the environment and `overrides`."""
    values = {s.name: os.environ.get(s.env, s.default) for s in SETTINGS}
    for name, value in (overrides or {}).items():
        if name not in values:
            raise KeyError(f"unknown setting {name!r}")
        if value is not None:
            values[name] = str(value)
    return Settings(values)
