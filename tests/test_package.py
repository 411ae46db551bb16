"""Release packages: canonical form, keys, labels, round trips, incremental chains, local data."""

from __future__ import annotations

import io
import os

import pyoxigraph as ox
import pytest

from kg.access import visible_graphs
from kg.dataset import Dataset
from kg.errors import KGError
from kg.integrity import verify as integrity
from kg.namespaces import CSIG, META_GRAPH, OWNERS_GRAPH, PREFIXES, partner_graph
from kg.package import container
from kg.package.audience import viewer_for
from kg.package.canonical import canonical, digest, graph_text, parse_canonical
from kg.package.export import export
from kg.package.importing import import_package
from kg.package.keys import key_path, parse_public, public_text, signing_key
from kg.package.labels import Level, banner, label_for, levels, parse_label, portion, to_xml
from kg.package.manifest import Manifest
from kg.package.verify import verify
from kg.store import Store
from kg.submissions import withdraw
from kg.submissions.history import history
from kg.submissions.structure import Structure, identifier

FRA = "FRA@FRA-S"
CLS, ID = PREFIXES["cls"], PREFIXES["id"]


# --- helpers shared with the other package tests ------------------------------------------------


def key_at(folder):
    """Return a signing key kept in `folder`."""
    return signing_key(folder / "signing.key")


def package(store, spec: str, key, since: bytes | None = None) -> bytes:
    """Return the bytes of a package for `spec`."""
    out = io.BytesIO()
    export(store, spec, out, key, since)
    return out.getvalue()


def receive(store, data: bytes, key, name: str = "package.zip", **options):
    """Verify a package against `key` and import it into `store`."""
    verified = verify(data, name, [public_text(key)], store)
    return import_package(store, verified, "tester", **options)


def hashes(store, spec: str) -> dict[str, str]:
    """Return the canonical hash of every graph of a viewer's dataset."""
    return {g: digest(graph_text(store, g)) for g in visible_graphs(store, viewer_for(store, spec))}


def copy(seed_dump) -> Store:
    store = Store()
    store.restore(seed_dump)
    return store


@pytest.fixture()
def key(tmp_path):
    return key_at(tmp_path)


@pytest.fixture()
def source(seed_dump):
    return copy(seed_dump)


def withdraw_one(store, context, partner: str, graph_key: str = "us-u") -> str:
    """Withdraw one capability of a partner's graph as a new version; return its identifier."""
    caps = Structure.of(store.triples(partner_graph(partner, graph_key))).capabilities
    name = identifier(sorted(caps, key=str)[0])
    withdraw(store, context, partner, "tester", [name])
    return name


# --- canonical form ----------------------------------------------------------------------------


def test_isomorphic_graphs_have_one_canonical_text_and_hash():
    one = b'_:a <http://p> _:b .\n_:b <http://q> "x" .\n<http://s> <http://p> _:a .\n'
    other = b'<http://s> <http://p> _:z .\n_:y <http://q> "x" .\n_:z <http://p> _:y .\n'
    assert canonical(one) == canonical(other)
    assert b"_:c14n0" in canonical(one)
    assert len(parse_canonical(canonical(one), "t")) == 3


@pytest.mark.parametrize(
    "text",
    [
        b'<http://b> <http://p> "1" .\n<http://a> <http://p> "1" .\n',  # not sorted
        b'<http://a> <http://p> "1" .\n<http://a> <http://p> "1" .\n',  # a statement twice
        b'<http://a> <http://p> "1"^^<http://www.w3.org/2001/XMLSchema#string> .\n',  # long form
        b'_:x <http://p> "1" .\n',  # a blank node not canonically labelled
        b'<http://a> <http://p> "1" .',  # no final newline
        b"<http://a> <http://p> .\n",  # not N-Triples
    ],
)
def test_a_graph_not_in_canonical_form_is_refused(text):
    with pytest.raises(KGError, match="t:"):
        parse_canonical(text, "t")


# --- keys --------------------------------------------------------------------------------------


def test_the_signing_key_is_made_once_beside_the_store_private_and_never_in_it(settings, runner):
    path = key_path(settings)
    assert path.parent == settings.path("store").resolve().parent and not path.exists()
    first = runner("package", "key")
    assert first.exit_code == 0 and first.output.startswith("ed25519:")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert runner("package", "key").output == first.output
    parse_public(first.output.strip())
    dump = settings.path("store").parent / "all.nq"
    assert runner("dump", str(dump)).exit_code == 0
    text = dump.read_text(encoding="utf-8")
    assert first.output.strip().removeprefix("ed25519:") not in text and "PRIVATE" not in text


def test_a_signing_key_others_may_read_is_refused(tmp_path):
    signing_key(tmp_path / "k")
    os.chmod(tmp_path / "k", 0o644)
    with pytest.raises(KGError, match="private"):
        signing_key(tmp_path / "k")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ed25519:",
        "rsa:AAAA",
        "ed25519:AAAA",
        "ed25519:" + "A" * 43 + "=x",
        "ed25519:" + "a" * 44,
    ],
)
def test_a_public_key_is_only_its_one_line_form(text):
    with pytest.raises(KGError, match="not a public key"):
        parse_public(text)


# --- labels ------------------------------------------------------------------------------------


def test_every_marking_of_the_data_makes_a_label_that_reads_back_the_same(store):
    from kg.access import partner_graphs

    known = levels(store)
    entries = partner_graphs(store)
    assert {e.marking.dissemination for e in entries} >= {
        None,
        PREFIXES["dissem"] + "REL",
        PREFIXES["dissem"] + "NOFORN",
    }
    for entry in entries:
        label = label_for(entry.marking, entry.graph.split("/")[-2], known)
        assert parse_label(to_xml(label, "2026-01-01T00:00:00Z"), "t") == (
            label,
            "2026-01-01T00:00:00Z",
        )


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<ConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0">'
        b"&b;</ConfidentialityLabel>",  # entity expansion
        b'<!DOCTYPE l SYSTEM "file:///etc/passwd"><l/>',  # an external DTD
        b"<ConfidentialityLabel/>",  # no namespace
        b'<ConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"/>',
    ],
)
def test_a_label_is_read_by_a_hardened_parser_and_by_structure(xml):
    with pytest.raises(KGError, match="t:"):
        parse_label(xml, "t")


@pytest.mark.parametrize(
    "level, label, notation, dissem, rel, marks",
    [
        ("US-U", "UNCLASSIFIED", "U", None, (), ("UNCLASSIFIED", "(U)")),
        ("US-S", "SECRET", "S", "NOFORN", (), ("SECRET//NOFORN", "(S//NF)")),
        (
            "US-S",
            "SECRET",
            "S",
            "REL",
            ("coalition/FVEY", "nation/GBR", "nation/USA"),
            ("SECRET//REL TO USA, GBR, FVEY", "(S//REL TO USA, GBR, FVEY)"),
        ),
        (
            "NATO-NC",
            "NATO CONFIDENTIAL",
            "NC",
            "REL",
            ("nation/FRA", "nation/DEU"),
            ("//NATO CONFIDENTIAL//REL TO DEU, FRA", "(//NC//REL TO DEU, FRA)"),
        ),
        ("GBR-S", "SECRET", "S", None, (), ("//GBR SECRET", "(//GBR S)")),
    ],
)
def test_banner_and_portion_marks_are_capco_style(level, label, notation, dissem, rel, marks):
    from kg.access import Marking

    marking = Marking(
        CLS + level.split("-")[0],
        CLS + level,
        PREFIXES["dissem"] + dissem if dissem else None,
        tuple(ID + r for r in rel),
        3,
    )
    known = {CLS + level: Level(3, label, notation)}
    assert (banner(marking, "USA", known), portion(marking, "USA", known)) == marks


# --- round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [FRA, "NATO@NATO-NS", "USA@US-TS", "public"])
def test_export_then_import_into_an_empty_store_gives_the_viewers_dataset(spec, source, key):
    data = package(source, spec, key)
    target = Store()
    outcome = receive(target, data, key)
    assert hashes(target, spec) == hashes(source, spec)
    assert set(target.graphs()) - set(hashes(target, spec)) <= {
        g
        for g in target.graphs()
        if g.startswith(
            (
                "https://w3id.org/csig/graph/history/",
                META_GRAPH,
                OWNERS_GRAPH,
                "https://w3id.org/csig/graph/view/",
            )
        )
    }
    assert integrity(target) == []
    for partner, version in outcome.versions.items():
        assert [(v.version, v.mode) for v in history(target, partner)] == [(version, "import")]


def test_imported_data_keeps_its_provenance(source, key):
    data = package(source, FRA, key)
    target = Store()
    outcome = receive(target, data, key, name="usa-for-fra.zip")
    rows = target.select(
        f"SELECT ?sig ?to ?v WHERE {{ <{ID}submission/USA/1> <{CSIG}importedFrom> ?p . "
        f"?p <{CSIG}signedBy> ?sig ; <{CSIG}releasedTo> ?to . "
        f"<{partner_graph('USA', 'us-u')}> <{CSIG}sourceVersion> ?v ; <{CSIG}importedFrom> ?p }}",
        Dataset((META_GRAPH,)),
    )
    assert [(r["sig"].value, r["to"].value, int(r["v"].value)) for r in rows] == [
        (public_text(key), FRA, 1)
    ]
    assert history(target, "USA")[0].source == "usa-for-fra.zip"
    assert outcome.package in history(target, "USA")[0].note


def test_a_package_names_graph_versions_not_the_partners_version_numbers(source, key, context):
    withdraw_one(source, context, "USA", "us-s-nf")  # a version FRA cannot see
    withdraw_one(source, context, "USA")  # and one it can
    manifest = Manifest.from_bytes(container.read(package(source, FRA, key), "p")["manifest.json"])
    versions = {e.name: e.version for e in manifest.graphs if e.partner == "USA"}
    assert versions == {partner_graph("USA", "us-u"): 2}  # not 3: the NOFORN change is hidden


# --- incremental packages ------------------------------------------------------------------------


def test_an_incremental_package_holds_what_changed_and_follows_its_chain(source, key, context):
    first = package(source, FRA, key)
    target = Store()
    receive(target, first, key)
    gone = withdraw_one(source, context, "USA")
    second = package(source, FRA, key, since=first)
    manifest = Manifest.from_bytes(container.read(second, "p")["manifest.json"])
    assert manifest.kind == "incremental"
    assert [e.name for e in manifest.graphs] == [partner_graph("USA", "us-u")]
    outcome = receive(target, second, key)
    assert outcome.versions == {"USA": 2}
    assert hashes(target, FRA) == hashes(source, FRA)
    assert f"capability/{gone}>" not in target.ntriples(partner_graph("USA", "us-u")).decode()
    third = package(source, FRA, key, since=second)
    assert Manifest.from_bytes(container.read(third, "p")["manifest.json"]).graphs == ()
    assert receive(target, third, key).versions == {}


def test_a_full_package_withdraws_what_left_the_viewers_dataset(source, key, context):
    target = Store()
    receive(target, package(source, FRA, key), key)
    caps = Structure.of(source.triples(partner_graph("CAN", "us-u"))).capabilities
    withdraw(source, context, "CAN", "tester", [identifier(c) for c in caps])
    outcome = receive(target, package(source, FRA, key), key)
    assert outcome.versions == {"CAN": 2}
    assert partner_graph("CAN", "us-u") not in target.graphs()
    assert [v.capabilities for v in history(target, "CAN")] == [len(caps), 0]
    assert hashes(target, FRA) == hashes(source, FRA)


def test_an_incremental_package_needs_an_earlier_package_of_this_store_for_that_viewer(
    source, key, tmp_path
):
    first = package(source, FRA, key)
    with pytest.raises(KGError, match="made for FRA@FRA-S, not FRA@FRA-DR"):
        package(source, FRA.replace("FRA-S", "FRA-DR"), key, since=first)
    with pytest.raises(KGError, match="not a package this store signed"):
        package(source, FRA, key_at(tmp_path / "other"), since=first)


# --- local data ----------------------------------------------------------------------------------


def test_an_import_never_replaces_data_submitted_here_unless_told_which(source, key, seed_dump):
    data = package(source, FRA, key)
    target = copy(seed_dump)  # every partner holds its bundled, locally seeded version
    before = target.generation()
    with pytest.raises(KGError, match=r"USA \(version 1, replace by seed-loader\).*--keep-local"):
        receive(target, data, key)
    assert target.generation() == before
    everyone = sorted(
        {
            e.partner
            for e in verify(data, "p", [public_text(key)], target).manifest.graphs
            if e.partner
        }
    )
    others = [p for p in everyone if p != "USA"]
    pending = receive(target, data, key, keep_local=others, replace_local=["USA"])
    assert target.generation() == before and [p.partner for p in pending.pending] == ["USA"]
    assert {w.identifier for w in pending.pending[0].withdrawals} == {
        "exercise-coalition-conjunction-screening-cell",
        "exercise-deep-space-tracking-feed",
    }
    done = receive(target, data, key, keep_local=others, replace_local=["USA"], confirm=True)
    assert done.versions == {"USA": 2} and set(done.kept) == set(others)
    assert [v.mode for v in history(target, "USA")] == ["replace", "import"]
    assert integrity(target) == []


def test_a_node_another_partner_owns_here_refuses_the_whole_package(source, key, seed_dump):
    data = package(source, FRA, key)
    target = Store()
    iri = ox.NamedNode(f"{ID}capability/skynet-5")
    owner = ox.NamedNode(f"{ID}nation/FRA")
    target.update(f"INSERT DATA {{ GRAPH <{OWNERS_GRAPH}> {{ {iri} <{CSIG}ownedBy> {owner} }} }}")
    before = target.generation()
    with pytest.raises(KGError, match="skynet-5> is GBR's in the package, but belongs to another"):
        receive(target, data, key)
    assert target.generation() == before and not target.graphs()[1:]
