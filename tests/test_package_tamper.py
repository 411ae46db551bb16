"""More than a hundred tamperings of release packages: every one refused, the store unchanged.

Tamperings of data, labels, manifest, signature and container are made on a full package
(imported into an empty store) and on an incremental one (imported into a store that holds
the package it follows), so a refusal can only come from the tampering. Packages re-signed
with the trusted key stand for a faulty or hostile sender: the importer still refuses a label
that disagrees with the data's marking, a graph the viewer may not see, and the like.
"""

from __future__ import annotations

import dataclasses
import io
import json
import random
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from kg.errors import KGError
from kg.namespaces import META_GRAPH, partner_graph
from kg.package import container
from kg.package.canonical import digest
from kg.package.keys import sign
from kg.package.manifest import Manifest
from kg.store import Store
from tests.test_package import FRA, copy, key_at, package, receive, withdraw_one

USA = partner_graph("USA", "us-u")
FRA_NC = partner_graph("FRA", "nato-nc-rel-deu-fra")
HIDDEN = partner_graph("USA", "us-s-nf")


@dataclass
class Kit:
    """The packages and stores every case starts from."""

    key: object
    other: object
    older: bytes  # a full package made before `full`
    full: bytes
    first: bytes  # an incremental package following `full`
    second: bytes  # an incremental package following `first`
    hidden: tuple[bytes, bytes]  # USA's NOFORN graph and its label, as a package would carry it
    empty: Store
    chained: Store  # holds `full`, imported


@pytest.fixture(scope="module")
def kit(tmp_path_factory, seed_dump, context) -> Kit:
    folder = tmp_path_factory.mktemp("tamper")
    key, other = key_at(folder), key_at(folder / "other")
    source = copy(seed_dump)
    older = package(source, FRA, key)
    full = package(source, FRA, key)
    withdraw_one(source, context, "USA")
    first = package(source, FRA, key, since=full)
    withdraw_one(source, context, "USA")
    second = package(source, FRA, key, since=first)
    usa = package(source, "USA@US-TS", key)
    members, manifest = _open(usa)
    entry = next(e for e in manifest.graphs if e.name == HIDDEN)
    chained = Store()
    receive(chained, full, key)
    return Kit(
        key,
        other,
        older,
        full,
        first,
        second,
        (members[entry.file], members[entry.label]),
        Store(),
        chained,
    )


def _open(data: bytes) -> tuple[dict[str, bytes], Manifest]:
    members = container.read(data, "p")
    return members, Manifest.from_bytes(members["manifest.json"])


def _write(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    container.write(members.items(), out)
    return out.getvalue()


def _file(data: bytes, graph: str, label: bool = False) -> str:
    entry = next(e for e in _open(data)[1].graphs if e.name == graph)
    return entry.label if label else entry.file


def edit(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """Change one member; the container stays well formed, the manifest as it was."""
    members = dict(_open(data)[0])
    members[name] = change(members[name])
    return _write(members)


def resign(data: bytes, key, manifest_change=lambda m: m, member_change=lambda m, ms: None):
    """Change members and the manifest (hashes and state kept true), and sign it with `key`."""
    members, manifest = _open(data)
    members = dict(members)
    manifest = manifest_change(member_change(manifest, members) or manifest)
    graphs = tuple(
        dataclasses.replace(
            e, sha256=digest(members[e.file]), label_sha256=digest(members[e.label])
        )
        for e in manifest.graphs
    )
    listed = {e.name: e.sha256 for e in graphs}
    state = (
        listed
        if manifest.kind == "full"
        else {g: listed.get(g, h) for g, h in manifest.state.items()}
    )
    manifest = dataclasses.replace(manifest, graphs=graphs, state=state)
    members["manifest.json"] = manifest.to_bytes()
    members["manifest.sig"] = sign(key, members["manifest.json"])
    return _write(members)


def lines(change: Callable[[list[bytes]], list[bytes]]) -> Callable[[bytes], bytes]:
    return lambda text: b"".join(change(text.splitlines(keepends=True)))


def text(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, 1)

    return change


def manifest_json(change: Callable[[dict], None]) -> Callable[[bytes], bytes]:
    def rewrite(data: bytes) -> bytes:
        body = json.loads(data)
        change(body)
        return (json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()

    return rewrite


# --- the cases: name -> (which package and target, how to tamper, what the refusal says) ----------

STATEMENTS = {
    "drop the first statement": lines(lambda ls: ls[1:]),
    "drop the last statement": lines(lambda ls: ls[:-1]),
    "add a statement": lines(lambda ls: ls + [b'<https://w3id.org/csig/id/x> <http://p> "1" .\n']),
    "repeat a statement": lines(lambda ls: ls + ls[-1:]),
    "swap two statements": lines(lambda ls: [ls[1], ls[0], *ls[2:]]),
    "change a literal": text(b'"', b'"X'),
    "change an IRI": text(b"<https://w3id.org/csig/", b"<https://w3id.org/csiG/"),
    "add an empty line": lambda d: d + b"\n",
    "end a line with CRLF": text(b" .\n", b" .\r\n"),
    "drop the final newline": lambda d: d[:-1],
}
LABELS = {
    "classification": text(b"<Classification>", b"<Classification>TOP "),
    "drop a release value": text(b"<GenericValue>DEU</GenericValue>", b""),
    "add a release value": text(
        b"<GenericValue>DEU</GenericValue>",
        b"<GenericValue>DEU</GenericValue><GenericValue>USA</GenericValue>",
    ),
    "category type": text(b'Type="PERMISSIVE"', b'Type="RESTRICTIVE"'),
    "namespace": text(b"confidentialitymetadatalabel:1:0", b"confidentialitymetadatalabel:1:1"),
    "policy": text(b"classification/NATO", b"classification/US"),
    "creation time": text(b"<CreationDateTime>2", b"<CreationDateTime>1"),
    "an entity": text(b"?>", b'?><!DOCTYPE x [<!ENTITY e "SECRET">]>'),
    "whitespace": text(b"\n", b"\n "),
}
MANIFEST = {
    "viewer": lambda b: b.update({"for": "GBR@GBR-S"}),
    "a marking": lambda b: b["graphs"][1]["marking"].update({"rank": 4}),
    "a hash": lambda b: b["graphs"][1].update({"sha256": "0" * 64}),
    "an entry removed": lambda b: b["graphs"].pop(),
    "an entry repeated": lambda b: b["graphs"].append(b["graphs"][0]),
    "the creation time": lambda b: b.update({"created": "2030-01-01T00:00:00.000000Z"}),
    "the kind": lambda b: b.update({"kind": "incremental"}),
    "the state": lambda b: b["state"].update({META_GRAPH: "0" * 64}),
    "the source": lambda b: b["source"].update({"store": "0" * 16}),
    "a banner": lambda b: b["graphs"][1].update({"banner": "UNCLASSIFIED//REL TO FRA"}),
}
SIGNATURES = {
    "first digit": lambda s: (b"1" if s[:1] == b"0" else b"0") + s[1:],
    "last digit": lambda s: s[:-2] + (b"1" if s[-2:-1] == b"0" else b"0") + b"\n",
    "upper case": lambda s: s.upper(),
    "no newline": lambda s: s[:-1],
    "a trailing space": lambda s: s[:-1] + b" \n",
    "empty": lambda s: b"",
    "truncated": lambda s: s[:64] + b"\n",
    "raw bytes": lambda s: bytes.fromhex(s.decode().strip()),
}


def _cases() -> dict[str, tuple[str, Callable[[Kit], bytes], str]]:
    """Return every case: (package kind, how to make it, a fragment of the refusal or '')."""
    cases: dict = {}
    for what, change in STATEMENTS.items():
        for where, base, graph in (
            ("full", "full", "https://w3id.org/csig/graph/ontology"),
            ("full", "full", USA),
            ("incremental", "first", USA),
        ):
            name = f"{base} {graph.rsplit('/', 2)[-2:]}: {what}"
            cases[name] = (
                where,
                lambda k, b=base, g=graph, c=change: edit(
                    getattr(k, b), _file(getattr(k, b), g), c
                ),
                "",
            )
    for what in ("drop the first statement", "add a statement", "change a literal"):
        cases[f"full, manifest hash updated, not signed: {what}"] = (
            "full",
            lambda k, c=(STATEMENTS[what]): _rehash_unsigned(k.full, USA, c),
            "signature does not verify",
        )
    for what, change in LABELS.items():
        cases[f"full label of FRA's NATO graph: {what}"] = (
            "full",
            lambda k, c=change: edit(k.full, _file(k.full, FRA_NC, label=True), c),
            "",
        )
    for what in ("classification", "creation time", "whitespace"):
        cases[f"incremental label: {what}"] = (
            "incremental",
            lambda k, c=LABELS[what]: edit(k.first, _file(k.first, USA, label=True), c),
            "",
        )
    for what, change in MANIFEST.items():
        cases[f"full manifest: {what}"] = (
            "full",
            lambda k, c=change: edit(k.full, "manifest.json", manifest_json(c)),
            "",
        )
    for what, change in (
        ("follows", lambda b: b["follows"].update({"id": "urn:uuid:x"})),
        ("removed", lambda b: b["removed"].append(USA)),
        ("state", lambda b: b["state"].pop(USA)),
    ):
        cases[f"incremental manifest: {what}"] = (
            "incremental",
            lambda k, c=change: edit(k.first, "manifest.json", manifest_json(c)),
            "",
        )
    for what, change in SIGNATURES.items():
        cases[f"full signature: {what}"] = (
            "full",
            lambda k, c=change: edit(k.full, "manifest.sig", c),
            "",
        )
    cases["full signature: another key's"] = (
        "full",
        lambda k: edit(
            k.full, "manifest.sig", lambda s: sign(k.other, _open(k.full)[0]["manifest.json"])
        ),
        "signature does not verify",
    )
    cases["full signature: another package's"] = (
        "full",
        lambda k: edit(k.full, "manifest.sig", lambda s: _open(k.older)[0]["manifest.sig"]),
        "signature does not verify",
    )
    cases.update(_container_cases())
    cases.update(_flip_cases())
    cases.update(_hostile_cases())
    cases.update(_chain_cases())
    return cases


def _rehash_unsigned(data: bytes, graph: str, change) -> bytes:
    members, manifest = _open(data)
    members = dict(members)
    entry = next(e for e in manifest.graphs if e.name == graph)
    members[entry.file] = change(members[entry.file])
    body = json.loads(members["manifest.json"])
    for item in body["graphs"]:
        if item["name"] == graph:
            item["sha256"] = digest(members[entry.file])
            item["statements"] = members[entry.file].count(b"\n")
    body["state"][graph] = digest(members[entry.file])
    members["manifest.json"] = (json.dumps(body, indent=1, sort_keys=True) + "\n").encode()
    return _write(members)


def _zip_with(data: bytes, extra=(), skip=(), method=zipfile.ZIP_STORED, comment=b"") -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", method) as archive:
        warnings.simplefilter("ignore")  # a name written twice is the point of one case
        for name, body in _open(data)[0].items():
            if name not in skip:
                archive.writestr(name, body)
        for name, body in extra:
            archive.writestr(name, body)
        archive.comment = comment
    return out.getvalue()


def _container_cases() -> dict:
    def members(k: Kit) -> dict[str, bytes]:
        return dict(_open(k.full)[0])

    def without(k: Kit, pick: Callable[[str], bool]) -> bytes:
        return _write({n: b for n, b in members(k).items() if not pick(n)})

    return {
        "container: an extra member": (
            "full",
            lambda k: _write(members(k) | {"notes.txt": b"hello"}),
            "not in the manifest",
        ),
        "container: a label missing": (
            "full",
            lambda k: without(k, lambda n: n == "labels/0002.xml"),
            "missing",
        ),
        "container: a graph missing": (
            "full",
            lambda k: without(k, lambda n: n == "graphs/0003.nt"),
            "missing",
        ),
        "container: a member twice": (
            "full",
            lambda k: _zip_with(k.full, extra=[("graphs/0002.nt", b"")]),
            "twice",
        ),
        "container: deflated members": (
            "full",
            lambda k: _zip_with(k.full, method=zipfile.ZIP_DEFLATED),
            "uncompressed",
        ),
        "container: written by another ZIP writer": (
            "full",
            lambda k: _zip_with(k.full),
            "not the one kg writes",
        ),
        "container: a comment": ("full", lambda k: _zip_with(k.full, comment=b"x"), ""),
        "container: a byte before it": ("full", lambda k: b"\0" + k.full, ""),
        "container: a byte after it": ("full", lambda k: k.full + b"\0", ""),
        "container: a member renamed": (
            "full",
            lambda k: _write(
                {n.replace("labels/0002.xml", "labels/0002.XML"): b for n, b in members(k).items()}
            ),
            "",
        ),
        "container: the manifest missing": (
            "full",
            lambda k: without(k, lambda n: n == "manifest.json"),
            "manifest",
        ),
        "container: not a ZIP file": ("full", lambda k: k.full[30:], "not a package"),
    }


def _flip_cases() -> dict:
    """Single bits flipped in single bytes: spread over the file, and in each kind of member."""
    cases = {}
    for i in range(36):
        cases[f"flip byte {i + 1}/36 of the file"] = (
            "full",
            lambda k, i=i: _flip(k.full, _spread(len(k.full), i, 36)),
            "",
        )
    for name in ("manifest.json", "manifest.sig", "graphs/0001.nt", "labels/0001.xml"):
        for where in ("header", "first", "last"):
            cases[f"flip the {where} byte of {name}"] = (
                "full",
                lambda k, n=name, w=where: _flip(k.full, _offset(k.full, n, w)),
                "",
            )
    return cases


def _spread(size: int, i: int, parts: int) -> int:
    return min(size - 1, size * i // parts + random.Random(i).randrange(max(1, size // parts)))


def _offset(data: bytes, name: str, where: str) -> int:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    start = info.header_offset + 30 + len(name)
    return {"header": info.header_offset + 14, "first": start, "last": start + info.file_size - 1}[
        where
    ]


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01 if changed[at] not in (0x0A,) else 0x20
    return bytes(changed)


def _hostile_cases() -> dict:
    """Packages the trusted key signed, which the importer must refuse all the same."""

    def graph_entry(name):
        return lambda m: next(e for e in m.graphs if e.name == name)

    def add_hidden(k: Kit):
        def change(manifest: Manifest, members: dict) -> Manifest:
            usa = graph_entry(USA)(manifest)
            members["graphs/9999.nt"], members["labels/9999.xml"] = k.hidden
            hidden = dataclasses.replace(
                usa,
                name=HIDDEN,
                file="graphs/9999.nt",
                label="labels/9999.xml",
                statements=k.hidden[0].count(b"\n"),
                banner="SECRET//NOFORN",
                portion="(S//NF)",
                marking=dataclasses.replace(
                    usa.marking,
                    classification=usa.marking.classification.replace("US-U", "US-S"),
                    rank=3,
                    dissemination=("https://w3id.org/csig/dissem/NOFORN"),
                ),
            )
            return dataclasses.replace(manifest, graphs=(*manifest.graphs, hidden))

        return resign(k.full, k.key, member_change=change)

    def rewrite_member(graph: str, label: bool, change):
        def apply(manifest: Manifest, members: dict) -> None:
            entry = graph_entry(graph)(manifest)
            name = entry.label if label else entry.file
            members[name] = change(members[name])
            if not label:
                fixed = dataclasses.replace(entry, statements=members[name].count(b"\n"))
                return dataclasses.replace(
                    manifest, graphs=tuple(fixed if e.name == graph else e for e in manifest.graphs)
                )
            return None

        return apply

    def entry_change(graph: str, **values):
        return lambda m: dataclasses.replace(
            m,
            graphs=tuple(
                dataclasses.replace(e, **values) if e.name == graph else e for e in m.graphs
            ),
        )

    rel = b"<https://w3id.org/csig/ont#releasableTo> <https://w3id.org/csig/id/nation/DEU> .\n"
    return {
        "signed: a label that disagrees with the data's marking": (
            "full",
            lambda k: resign(
                k.full,
                k.key,
                member_change=rewrite_member(
                    FRA_NC,
                    True,
                    text(
                        b"<Classification>NATO CONFIDENTIAL", b"<Classification>NATO UNCLASSIFIED"
                    ),
                ),
            ),
            "the label says NATO UNCLASSIFIED",
        ),
        "signed: a label made at another time": (
            "full",
            lambda k: resign(
                k.full,
                k.key,
                member_change=rewrite_member(
                    FRA_NC, True, text(b"<CreationDateTime>2", b"<CreationDateTime>1")
                ),
            ),
            "made at 1",
        ),
        "signed: a graph the viewer may not see": (
            "full",
            add_hidden,
            "not releasable to FRA@FRA-S",
        ),
        "signed: data marked otherwise than the manifest says": (
            "full",
            lambda k: resign(
                k.full,
                k.key,
                member_change=rewrite_member(
                    FRA_NC,
                    False,
                    lambda d: b"".join(
                        line for line in d.splitlines(keepends=True) if not line.endswith(rel)
                    ),
                ),
            ),
            "in the data, but the manifest says",
        ),
        "signed: a wrong banner": (
            "full",
            lambda k: resign(k.full, k.key, entry_change(FRA_NC, banner="UNCLASSIFIED")),
            "banner",
        ),
        "signed: the meta graph as reference data": (
            "full",
            lambda k: resign(
                k.full,
                k.key,
                entry_change("https://w3id.org/csig/graph/reference/partners", name=META_GRAPH),
            ),
            "not the name of a reference graph",
        ),
        "signed: data not in canonical form": (
            "full",
            lambda k: resign(
                k.full,
                k.key,
                member_change=rewrite_member(USA, False, lines(lambda ls: [ls[1], ls[0], *ls[2:]])),
            ),
            "canonical form",
        ),
        "signed: a statement that belongs to no capability": (
            "full",
            lambda k: resign(
                k.full,
                k.key,
                member_change=rewrite_member(
                    USA,
                    False,
                    lines(
                        lambda ls: sorted(
                            ls + [b'<https://w3id.org/csig/id/nation/USA> <http://p> "x" .\n']
                        )
                    ),
                ),
            ),
            "belong to no capability",
        ),
        "signed: a wrong statement count": (
            "full",
            lambda k: resign(k.full, k.key, entry_change(USA, statements=1)),
            "statements",
        ),
        "signed: for a viewer who may not see a graph": (
            "full",
            lambda k: resign(k.full, k.key, lambda m: dataclasses.replace(m, viewer="GBR@GBR-S")),
            "not releasable to GBR@GBR-S",
        ),
    }


def _chain_cases() -> dict:
    return {
        "chain: the second incremental before the first": (
            "incremental",
            lambda k: k.second,
            "in the order they were made",
        ),
        "chain: the full package again": ("incremental", lambda k: k.full, "imported already"),
        "chain: an older full package": ("incremental", lambda k: k.older, "before the last"),
        "chain: signed by an untrusted key": (
            "incremental",
            lambda k: resign(k.first, k.other),
            "signature does not verify",
        ),
        "chain: following another package": (
            "incremental",
            lambda k: resign(
                k.first,
                k.key,
                lambda m: dataclasses.replace(
                    m, follows={**m.follows, "manifest_sha256": "0" * 64}
                ),
            ),
            "in the order",
        ),
        "chain: a state that does not follow": (
            "incremental",
            lambda k: resign(
                k.first,
                k.key,
                lambda m: dataclasses.replace(
                    m, state={g: h for g, h in m.state.items() if "CAN" not in g}
                ),
            ),
            "does not follow",
        ),
    }


CASES = _cases()


def test_there_are_more_than_a_hundred_tamperings():
    assert len(CASES) >= 100


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_tampered_package_is_refused_and_changes_nothing(name, kit):
    kind, make, reason = CASES[name]
    target = kit.empty if kind == "full" else kit.chained
    data = make(kit)
    before = (target.generation(), target.graphs())
    with pytest.raises(KGError) as refused:
        receive(target, data, kit.key)
    assert reason in str(refused.value)
    assert (target.generation(), target.graphs()) == before


def test_the_untampered_packages_import(kit):
    """The control: what the cases start from is accepted, in order."""
    assert receive(kit.chained, kit.first, kit.key).versions == {"USA": 2}
    assert receive(kit.chained, kit.second, kit.key).versions == {"USA": 3}
    assert receive(Store(), kit.full, kit.key).versions
