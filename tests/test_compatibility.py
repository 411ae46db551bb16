"""How two standards relate in a role: a toy catalogue and the bundled reference data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.access import public_base_graphs
from kg.compatibility import load_relations, role_iri
from kg.store import Dataset, Store

TOY = Path(__file__).parent / "data" / "compatibility" / "relations.ttl"
STD = "https://w3id.org/csig/id/standard/"
REL = "https://w3id.org/csig/id/relation/"
DT = "https://w3id.org/csig/datatype/"
GRAPH = "https://w3id.org/csig/graph/reference/toy"


@pytest.fixture(scope="module")
def toy():
    store = Store()
    triples = ox.parse(path=str(TOY), format=ox.RdfFormat.TURTLE)
    store.load([(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), GRAPH)])
    return load_relations(store, Dataset.of([GRAPH]))


@pytest.fixture(scope="module")
def bundled(store):
    return load_relations(store, Dataset.of(public_base_graphs(store)))


@pytest.mark.parametrize(
    "producer,consumer,role,data_type,kind,relation",
    [
        ("us", "us", None, None, "same", None),
        ("us", "nato", None, None, "equivalent", "us-nato"),
        ("nato", "us", "format", None, "equivalent", "us-nato"),
        ("old", "new", None, None, "family", None),
        ("profile", "old", None, None, "family", None),
        ("old", "mean", None, DT + "ORB", "convertible", "old-to-mean"),
        ("old", "mean", None, DT + "TRK", "convertible", "old-to-mean-lossy"),
        ("old", "mean", None, None, "convertible", "old-to-mean"),
        ("mean", "old", None, None, "none", None),  # one way only
        ("new", "mean", None, None, "none", None),  # not chained through the family
        ("us", "service", None, DT + "TDL", "convertible", "nato-to-service"),  # via its twin
        ("us", "service", None, DT + "ORB", "none", None),  # the conversion is for TDL only
        ("us", "service", "api", None, "other-role", None),
        ("packets", "database", None, None, "other-role", None),
        ("packets", "database", "transport", None, "other-role", None),
        ("unrolled", "packets", None, None, "none", None),  # no recorded role: compared anyway
        ("mean", "service", None, None, "none", None),
    ],
)
def test_toy_verdicts(toy, producer, consumer, role, data_type, kind, relation):
    verdict = toy.compare(
        STD + producer, STD + consumer, role_iri(role) if role else None, data_type
    )
    assert verdict.kind == kind
    assert verdict.relation == (REL + relation if relation else None)
    assert verdict.connected == (kind in ("same", "equivalent", "family", "convertible"))


def test_toy_conversion_details(toy):
    lossless = toy.compare(STD + "old", STD + "mean", data_type=DT + "ORB").conversion
    assert (lossless.translation, lossless.lossless, lossless.loses) == (
        "Test keyword mapping",
        True,
        "Only layout.",
    )
    assert lossless.sources == (
        "https://www.example.org/mapping",
        "https://www.example.org/mapping-2",
    )
    lossy = toy.compare(STD + "old", STD + "mean", data_type=DT + "TRK").conversion
    assert (lossy.lossless, lossy.data_type) == (False, None)
    parallel = toy.compare(STD + "nato", STD + "us")
    assert parallel.sources == ("https://www.example.org/parallel",)


@pytest.mark.parametrize(
    "producer,consumer,data_type,kind,lossless",
    [
        ("link16-us", "link16-nato", "TDL", "equivalent", None),
        ("link16-nato", "link16-us", "TDL", "equivalent", None),
        ("ccsds-spp", "ccsds-xtce", "TMTC", "other-role", None),
        ("tle", "ccsds-omm", "ORB", "convertible", True),
        ("ccsds-omm", "tle", "ORB", "convertible", False),
        ("tle", "udl", "ORB", "convertible", False),
        ("ccsds-cdm", "udl", "CNJ", "convertible", False),
        ("udl", "ccsds-cdm", "CNJ", "none", None),
        ("ccsds-tdm", "udl", "TRK", "none", None),
        ("ccsds-tdm-b1", "ccsds-tdm", "TRK", "family", None),
        ("link16-us", "link11", "TDL", "convertible", False),  # STANAG 5616, via STANAG 5516
        ("jreap", "link16-nato", "TDL", "other-role", None),
    ],
)
def test_bundled_verdicts(bundled, producer, consumer, data_type, kind, lossless):
    verdict = bundled.compare(STD + producer, STD + consumer, data_type=DT + data_type)
    assert verdict.kind == kind
    if lossless is not None:
        assert verdict.conversion.lossless is lossless and verdict.conversion.translation
    if kind in ("equivalent", "convertible"):
        assert verdict.sources and all(s.startswith("https://") for s in verdict.sources)


def test_every_bundled_standard_has_a_role(bundled):
    assert len(bundled.roles) >= 100
    assert {r.rsplit("/", 1)[-1] for roles in bundled.roles.values() for r in roles} == {
        "format",
        "transport",
        "description",
        "api",
    }


GRADED = ("interoperability-gaps", "version-mismatch", "incompatible-standards")


@pytest.mark.parametrize("name", GRADED)
def test_graded_reports_agree_on_rdflib(scenario, tmp_path, name):
    """The reports read the model in portable SPARQL: rdflib's own engine gives the same rows."""
    import rdflib

    from kg import catalogue
    from kg.access import full_dataset

    dump = tmp_path / "scenario.nq"
    scenario.dump(dump)
    data = rdflib.Dataset(default_union=True)
    data.parse(str(dump), format="nquads")
    query = catalogue.get(name)
    ours = catalogue.run(scenario, query, full_dataset(scenario))
    answer = data.query(query.text)
    columns = ours.variables
    theirs = sorted(tuple(str(r[c]) if r[c] is not None else "" for c in columns) for r in answer)
    assert ours.rows and theirs == sorted(
        tuple(r[c].value if c in r else "" for c in columns) for r in ours.rows
    )
