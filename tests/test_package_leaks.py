"""A package for a viewer holds exactly what the leak suite's independent oracle lets it see.

The oracle (tests/test_leaks.py) decides visibility from the content files alone, without
kg.access. A package made for each fixture viewer must name exactly the oracle's graphs for
that viewer, carry each partner graph with exactly the oracle's statements, and hold no
identifier, label, marking text or graph name of a record the viewer may not see, anywhere in
the file (data, labels, manifest).
"""

from __future__ import annotations

import tomllib

import pyoxigraph as ox
import pytest

from kg.package import container
from kg.package.canonical import canonical
from kg.package.manifest import Manifest
from kg.settings import ROOT
from tests.test_leaks import VIEWERS, forbidden, model
from tests.test_package import key_at, package

USERS = tomllib.loads((ROOT / "data" / "users.toml").read_text(encoding="utf-8"))["users"]


def spec(key: str) -> str:
    """Return the package viewer of a leak-suite fixture viewer: CODE@CLEARANCE, or public."""
    who = model().viewers[key]
    if who.user is None:
        return "public"
    entry = USERS[who.user]
    return f"{entry.get('nation') or entry['organisation']}@{entry['clearance']}"


@pytest.fixture(scope="module")
def signing(tmp_path_factory):
    return key_at(tmp_path_factory.mktemp("leak-key"))


@pytest.mark.parametrize("key", VIEWERS)
def test_a_package_holds_exactly_what_the_oracle_lets_its_viewer_see(key, store, signing):
    data = package(store, spec(key), signing)
    members = container.read(data, "p")
    manifest = Manifest.from_bytes(members["manifest.json"])
    found = model()
    who = found.viewers[key]
    assert {e.name for e in manifest.graphs} == found.graphs(who)
    expected = found.partner_graphs()
    for entry in manifest.graphs:
        if entry.kind == "partner":
            text = ox.serialize(list(expected[entry.name]), format=ox.RdfFormat.N_TRIPLES)
            assert members[entry.file] == canonical(text), entry.name
    leaked = sorted(s for s in forbidden(key) if s.encode() in data)
    assert leaked == [], f"{spec(key)}'s package holds {leaked[:5]}"


def test_the_fixture_viewers_see_different_graphs():
    """The test above would prove little if every viewer saw the same graphs."""
    found = model()
    graph_sets = {frozenset(found.graphs(found.viewers[k])) for k in VIEWERS}
    assert len(graph_sets) >= 4
    assert spec("FRA-S") == "FRA@FRA-S" and spec("NATO-NS") == "NATO@NATO-NS"
