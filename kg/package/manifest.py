"""The manifest of a release package: what it holds, for whom, from whom, and each graph's hash.

The manifest is the one signed document of a package: the detached Ed25519 signature covers
its bytes, and it binds every graph file and every label file by SHA-256, so the signature
covers the whole package (the STANAG 4778 idea of binding a label to its data). It is read
strictly: a key that is missing, unknown or of the wrong type refuses the package.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from kg.access import Marking
from kg.errors import KGError

FORMAT = "csig-release-package/1"
KINDS = ("full", "incremental")
GRAPH_KINDS = ("ontology", "reference", "partner")


@dataclass(frozen=True)
class Entry:
    """One graph of a package: where its data and label are, their hashes, and its marking."""

    name: str
    kind: str
    file: str
    sha256: str
    statements: int
    label: str
    label_sha256: str
    banner: str
    portion: str
    partner: str | None = None
    partner_iri: str | None = None
    version: int | None = None
    marking: Marking | None = None


@dataclass(frozen=True)
class Manifest:
    """A package's manifest: identity, creation, source, viewer, chain and graphs."""

    id: str
    created: str
    signer: str
    store: str
    viewer: str
    kind: str
    graphs: tuple[Entry, ...]
    state: dict[str, str]
    removed: tuple[str, ...] = ()
    follows: dict[str, str] | None = None  # {"id": ..., "manifest_sha256": ...}
    format: str = field(default=FORMAT)

    def to_bytes(self) -> bytes:
        """Return the manifest as the JSON document that is signed."""
        body = {
            "format": self.format,
            "id": self.id,
            "created": self.created,
            "source": {"signer": self.signer, "store": self.store},
            "for": self.viewer,
            "kind": self.kind,
            "follows": self.follows,
            "graphs": [_entry_json(e) for e in self.graphs],
            "removed": list(self.removed),
            "state": dict(sorted(self.state.items())),
        }
        return (json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes, where: str = "manifest.json") -> Manifest:
        """Read a manifest; anything but exactly the documented shape is refused."""
        try:
            body = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise KGError(f"{where}: not a JSON manifest: {err}") from err
        read = Reader(where)
        read.keys(
            body,
            "",
            (
                "format",
                "id",
                "created",
                "source",
                "for",
                "kind",
                "follows",
                "graphs",
                "removed",
                "state",
            ),
        )
        if read.text(body, "format") != FORMAT:
            raise KGError(f"{where}: format {body['format']!r}; this kg reads {FORMAT}")
        source = read.keys(body["source"], "source", ("signer", "store"))
        return cls(
            id=read.text(body, "id"),
            created=read.time(body, "created"),
            signer=read.text(source, "signer"),
            store=read.text(source, "store"),
            viewer=read.text(body, "for"),
            kind=read.choice(body, "kind", KINDS),
            graphs=tuple(
                _entry(read, g, f"graphs[{i}]")
                for i, g in enumerate(read.typed(body, "graphs", list))
            ),
            state=_state(read, body),
            removed=tuple(read.strings(body, "removed")),
            follows=_follows(read, body),
        )


def timestamp() -> str:
    """Return the time now as manifests write it: UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _entry_json(entry: Entry) -> dict:
    marking = entry.marking
    return {
        "name": entry.name,
        "kind": entry.kind,
        "file": entry.file,
        "sha256": entry.sha256,
        "statements": entry.statements,
        "label": entry.label,
        "label_sha256": entry.label_sha256,
        "banner": entry.banner,
        "portion": entry.portion,
        "partner": entry.partner,
        "partner_iri": entry.partner_iri,
        "version": entry.version,
        "marking": None
        if marking is None
        else {
            "system": marking.system,
            "classification": marking.classification,
            "dissemination": marking.dissemination,
            "releasable": list(marking.releasable),
            "rank": marking.rank,
        },
    }


ENTRY_KEYS = (
    "name",
    "kind",
    "file",
    "sha256",
    "statements",
    "label",
    "label_sha256",
    "banner",
    "portion",
    "partner",
    "partner_iri",
    "version",
    "marking",
)
MARKING_KEYS = ("system", "classification", "dissemination", "releasable", "rank")


def _entry(read: Reader, body, where: str) -> Entry:
    read.keys(body, where, ENTRY_KEYS)
    kind = read.choice(body, "kind", GRAPH_KINDS, where)
    if kind == "partner":
        owner = (
            read.text(body, "partner", where),
            read.text(body, "partner_iri", where),
            read.number(body, "version", where),
            _marking(read, body["marking"], where + ".marking"),
        )
    else:
        owner = tuple(read.absent(body, k, where) for k in ENTRY_KEYS[-4:])
    return Entry(
        read.text(body, "name", where),
        kind,
        read.text(body, "file", where),
        read.text(body, "sha256", where),
        read.number(body, "statements", where),
        read.text(body, "label", where),
        read.text(body, "label_sha256", where),
        read.text(body, "banner", where),
        read.text(body, "portion", where),
        *owner,
    )


def _marking(read: Reader, body, where: str) -> Marking:
    read.keys(body, where, MARKING_KEYS)
    return Marking(
        system=read.text(body, "system", where),
        classification=read.text(body, "classification", where),
        dissemination=read.text(body, "dissemination", where, required=False),
        releasable=tuple(read.strings(body, "releasable", where)),
        rank=read.number(body, "rank", where),
    )


def _state(read: Reader, body) -> dict[str, str]:
    state = read.typed(body, "state", dict)
    if not all(isinstance(v, str) for v in state.values()):
        raise KGError(f"{read.where}: state maps graph names to SHA-256 hashes")
    return state


def _follows(read: Reader, body) -> dict[str, str] | None:
    if body["follows"] is None:
        return None
    follows = read.keys(body["follows"], "follows", ("id", "manifest_sha256"))
    return {k: read.text(follows, k, "follows") for k in ("id", "manifest_sha256")}


@dataclass(frozen=True)
class Reader:
    """Strict readers of JSON values that name where a value is wrong."""

    where: str

    def fail(self, path: str, what: str) -> KGError:
        return KGError(f"{self.where}: {path or 'the manifest'}: {what}")

    def keys(self, body, path: str, expected: tuple[str, ...]) -> dict:
        if not isinstance(body, dict) or set(body) != set(expected):
            raise self.fail(path, f"expected exactly the keys {', '.join(expected)}")
        return body

    def typed(self, body: dict, key: str, kind: type, path: str = ""):
        if not isinstance(body[key], kind) or isinstance(body[key], bool):
            raise self.fail(f"{path}.{key}".lstrip("."), f"expected a {kind.__name__}")
        return body[key]

    def text(self, body: dict, key: str, path: str = "", required: bool = True) -> str | None:
        if body[key] is None and not required:
            return None
        value = self.typed(body, key, str, path)
        if not value:
            raise self.fail(f"{path}.{key}".lstrip("."), "is empty")
        return value

    def time(self, body: dict, key: str) -> str:
        value = self.text(body, key)
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None or not value.endswith("Z"):
            raise self.fail(key, "expected a UTC date and time such as 2026-12-04T10:00:00Z")
        return value

    def number(self, body: dict, key: str, path: str = "", required: bool = True) -> int | None:
        if body[key] is None and not required:
            return None
        value = self.typed(body, key, int, path)
        if value < 0:
            raise self.fail(f"{path}.{key}".lstrip("."), "is negative")
        return value

    def strings(self, body: dict, key: str, path: str = "") -> list[str]:
        values = self.typed(body, key, list, path)
        if not all(isinstance(v, str) and v for v in values) or len(set(values)) != len(values):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected distinct, non-empty texts")
        return values

    def choice(self, body: dict, key: str, choices: tuple[str, ...], path: str = "") -> str:
        value = self.text(body, key, path)
        if value not in choices:
            raise self.fail(f"{path}.{key}".lstrip("."), f"expected one of {', '.join(choices)}")
        return value

    def absent(self, body: dict, key: str, path: str) -> None:
        if body[key] is not None:
            raise self.fail(f"{path}.{key}", "only partner graphs carry one")
        return None
