"""The network, the recommender and interoperability levels on graphs worked out by hand."""

from __future__ import annotations

import random

import pytest

from kg.analysis import Interface, Model, analyse, gaps, interoperability_level, recommend
from kg.compatibility import role_iri

A, B, C, D = ("https://w3id.org/csig/id/nation/" + c for c in ("AAA", "BBB", "CCC", "DDD"))
TRK, ORB = "dt:TRK", "dt:ORB"


def model(*rows, coalitions=None, families=None, current=None) -> Model:
    """Build a model from (capability, partner, direction, data type, standard) rows."""
    interfaces = [Interface(*r) for r in rows]
    stds = {i.standard for i in interfaces}
    return Model(
        interfaces,
        families or {},
        current if current is not None else stds,
        coalitions or {},
        {TRK, ORB},
    )


def test_recommender_closes_most_gaps_first():
    # A produces TRK with s1; B and C consume with s2; D consumes with s1 (no gap).
    m = model(
        ("a1", A, "produces", TRK, "s1"),
        ("b1", B, "consumes", TRK, "s2"),
        ("c1", C, "consumes", TRK, "s2"),
        ("d1", D, "consumes", TRK, "s1"),
    )
    assert gaps(m) == {("a1", "b1", TRK), ("a1", "c1", TRK)}
    picks = recommend(m, 5)
    assert [(p.partner, p.standard, p.before, p.after) for p in picks] == [(A, "s2", 2, 0)]


def test_recommender_greedy_order_and_family():
    m = model(
        ("a1", A, "produces", TRK, "old"),
        ("b1", B, "consumes", TRK, "new"),
        ("a2", A, "produces", ORB, "x"),
        ("b2", B, "consumes", ORB, "y"),
        ("c2", C, "consumes", ORB, "y"),
        families={"old": "fam", "new": "fam"},
    )
    assert gaps(m) == {("a2", "b2", ORB), ("a2", "c2", ORB)}  # old~new share a family
    picks = recommend(m, 5)
    assert [(p.partner, p.standard, p.data_type, p.before, p.after) for p in picks] == [
        (A, "y", ORB, 2, 0)
    ]


def test_recommender_skips_superseded_standards():
    m = model(("a1", A, "produces", TRK, "s1"), ("b1", B, "consumes", TRK, "s2"), current={"s2"})
    assert [(p.partner, p.standard) for p in recommend(m)] == [(A, "s2")]


def test_levels():
    rows = (
        ("a1", A, "produces", TRK, "s"),
        ("b1", B, "consumes", TRK, "s"),
        ("b2", B, "produces", ORB, "o"),
        ("a2", A, "consumes", ORB, "o"),
        ("c1", C, "produces", TRK, "s"),
        ("d1", D, "produces", ORB, "p"),
    )
    m = model(*rows, coalitions={A: {"X"}, B: {"X"}, D: {"X"}})
    assert interoperability_level(m, A, B).level == 4  # flows both ways, shared coalition
    assert interoperability_level(m, C, B).level == 3  # C -> B only
    assert interoperability_level(m, A, C).level == 2  # same standard, both produce
    assert interoperability_level(m, A, D).level == 1  # coalition, nothing compatible
    level = interoperability_level(m, C, D)
    assert level.level == 0 and level.name == "isolated"
    assert "shared coalitions: none" in level.facts


def test_network_islands_bridges_and_cut_partners():
    m = model(
        ("a", A, "produces", TRK, "s"),
        ("b", B, "consumes", TRK, "s"),
        ("b2", B, "produces", ORB, "o"),
        ("c", C, "consumes", ORB, "o"),
        ("d", D, "produces", ORB, "lonely"),
    )
    found = analyse(m)
    assert found.islands == [["AAA", "BBB", "CCC"], ["DDD"]]
    assert found.bridges == [("AAA", "BBB"), ("BBB", "CCC")]
    assert found.articulation_points == ["BBB"]
    assert found.standards[0]["standard"] in ("s", "o")


def related(*rows, roles=None, parallel=(), conversions=()) -> Model:
    """Build a model whose standards relate: roles, parallel pairs, (from, to) conversions."""
    from kg.compatibility import Conversion, Relations

    m = model(*rows)
    relations = Relations(roles={s: {role_iri(r) for r in rs} for s, rs in (roles or {}).items()})
    for a, b in parallel:
        relations.parallel.setdefault(a, {})[b] = ("rel:" + a + "-" + b, ())
        relations.parallel.setdefault(b, {})[a] = ("rel:" + a + "-" + b, ())
    for a, b in conversions:
        found = Conversion(f"rel:{a}-to-{b}", a, b, "a mapping", True, "nothing")
        relations.conversions.setdefault((a, b), []).append(found)
    m.relations = relations
    return m


def test_parallel_convertible_and_other_role_standards_make_no_gap():
    m = related(
        ("a1", A, "produces", TRK, "us-link"),
        ("b1", B, "consumes", TRK, "nato-link"),  # parallel: interoperate as they are
        ("a2", A, "produces", ORB, "tle"),
        ("b2", B, "consumes", ORB, "omm"),  # convertible: a translator, not a gap
        ("c2", C, "produces", ORB, "packets"),
        ("d2", D, "consumes", ORB, "xtce"),  # transport vs description: not compared
        ("c3", C, "produces", TRK, "tdm"),
        roles={
            "packets": ["transport"],
            "xtce": ["description"],
            "tle": ["format"],
            "omm": ["format"],
        },
        parallel=[("us-link", "nato-link")],
        conversions=[("tle", "omm")],
    )
    # only tdm -> nato-link is open: nothing connects them
    assert gaps(m) == {("c3", "b1", TRK)}
    picks = recommend(m, 5)
    assert [(p.partner, p.standard) for p in picks] == [(B, "tdm")]
    assert all(p.standard != "us-link" for p in picks)  # never the parallel of what B uses
    assert interoperability_level(m, A, B).level == 3  # parallel standards: a direct flow
    assert "family or translator only for: dt:ORB" in interoperability_level(m, A, B).facts
    assert analyse(m).islands == [["AAA", "BBB"], ["CCC"], ["DDD"]]  # no relation, other role


def test_assumed_interfaces_make_adoptions_unconfirmed():
    m = related(
        ("a1", A, "produces", TRK, "s1"),
        ("b1", B, "consumes", TRK, "s2"),
    )
    assert recommend(m)[0].confirmed == 1
    m.interfaces[0] = Interface("a1", A, "produces", TRK, "s1", None, True)
    assert recommend(m)[0].confirmed == 0


def random_model(seed: int) -> Model:
    """A model of random interfaces: several partners, capabilities sharing standards."""
    rng = random.Random(seed)
    rows = []
    for n in range(40):
        partner = rng.choice((A, B, C, D))
        for _ in range(rng.randint(1, 3)):
            direction = rng.choice(("produces", "consumes"))
            data_type = rng.choice((TRK, ORB))
            rows.append((f"c{n}", partner, direction, data_type, rng.choice(("s1", "s2", "s3"))))
    return model(*rows, families={"s3": "s1"} if seed % 2 else None)


@pytest.mark.parametrize("seed", range(8))
def test_recommender_counts_agree_with_counting_every_gap(seed):
    """Each adoption's before and after equal the gaps counted pair by pair after the picks."""
    m = random_model(seed)
    picks = recommend(m, 4)
    adopted: set = set()
    assert not picks or picks[0].before == len(gaps(m))
    for pick in picks:
        adopted.add((pick.partner, pick.standard, pick.data_type))
        assert pick.after == len(gaps(m, adopted)), pick
