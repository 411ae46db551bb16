"""The leak suite: every viewer's answers equal those over an independent copy of what it may see.

The expected side is computed here from the content files alone, without kg.access: each seed
capability's marking is read from data/partners/, its rank from the classification scheme and
the viewer's coalitions (valid today) from data/reference/coalitions.ttl. A fresh pyoxigraph
store then holds the public graphs and, under the real graph names, only the partner graphs
the viewer may see; the adversarial queries in tests/data/leaks/ run against both.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import socket
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.access import viewer_dataset
from kg.errors import KGError
from kg.settings import ROOT
from kg.sparql import run_query
from kg.store import Store
from kg.users import hash_token, load_users, viewer_of

LEAKS = Path(__file__).parent / "data" / "leaks"
BASE = "https://w3id.org/csig/"
CSIG = BASE + "ont#"
GRAPH = BASE + "graph/"
NATION = BASE + "id/nation/"
COALITION = BASE + "id/coalition/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
IDENTIFIER = "http://purl.org/dc/terms/identifier"
NOFORN = BASE + "dissem/NOFORN"
REL = BASE + "dissem/REL"
NOWHERE = GRAPH + "partner/ZZZ/no-such-graph"
ZERO = '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'


# --- the independent model ----------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One seed capability with every statement that travels with it (interfaces, marking)."""

    partner: str
    iri: str
    provider: str
    rank: int
    dissemination: str | None
    releasable: frozenset[str]
    graph: str
    triples: tuple[ox.Triple, ...]
    strings: frozenset[str]

    @property
    def public(self) -> bool:
        return self.rank == 0 and self.dissemination is None


@dataclass(frozen=True)
class Who:
    """A fixture viewer: a demo user (or nobody) as the suite itself understands it."""

    key: str
    user: str | None = None
    token: str | None = None
    nation: str | None = None
    organisation: str | None = None
    rank: int = 0
    coalitions: frozenset[str] = frozenset()

    @property
    def identities(self) -> set[str]:
        ids = set()
        if self.nation:
            ids.add(NATION + self.nation)
        if self.organisation:
            ids.add(COALITION + self.organisation)
        return ids


@dataclass
class Model:
    """The content as read straight from the files."""

    ranks: dict[str, int]
    base: dict[str, list[ox.Triple]]
    records: list[Record]
    memberships: list[tuple[str, str, dt.date | None, dt.date | None]]
    viewers: dict[str, Who] = field(default_factory=dict)

    def visible(self, who: Who) -> list[Record]:
        return [r for r in self.records if may_see(who, r)]

    def hidden(self, who: Who) -> list[Record]:
        return [r for r in self.records if not may_see(who, r)]

    def graphs(self, who: Who) -> set[str]:
        """Return the graph names `who` may see: public base graphs and visible partner ones."""
        return set(self.base) | {r.graph for r in self.visible(who)}

    def partner_graphs(self) -> dict[str, list[ox.Triple]]:
        graphs: dict[str, list[ox.Triple]] = {}
        for record in self.records:
            graphs.setdefault(record.graph, []).extend(record.triples)
        return graphs


def may_see(who: Who, record: Record) -> bool:
    """The marking rules, written out plainly."""
    if record.public:
        return True
    if who.user is None or who.rank < record.rank:
        return False
    if record.provider in who.identities:
        return True  # a provider always sees its own data, NOFORN included
    if record.dissemination != REL:
        return False  # NOFORN and any other control: the provider only
    return bool(record.releasable & (who.identities | who.coalitions))


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


def graph_name(
    partner: str, system: str, level: str, dissem: str | None, releasable: frozenset[str]
) -> str:
    """Name a partner graph: .../partner/P/<system>-<level>[-nf|-rel][-<release list>]."""
    system_name = _local(system)
    level_name = _local(level)
    if level_name.startswith(system_name + "-"):
        level_name = level_name[len(system_name) + 1 :]
    parts = [system_name, level_name]
    if dissem:
        parts.append({NOFORN: "nf", REL: "rel"}.get(dissem, "x"))
    parts += sorted(_local(r) for r in releasable)
    return f"{GRAPH}partner/{partner}/{'-'.join(parts).lower()}"


def _parse(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def _objects(triples: list[ox.Triple], subject: str, predicate: str) -> list[str]:
    return [
        t.object.value
        for t in triples
        if t.subject.value == subject and t.predicate.value == predicate
    ]


def _date(literal: str | None, end: bool) -> dt.date | None:
    """Read an xsd:date or xsd:gYear; a bare year ends on 31 December when it is an end."""
    if not literal:
        return None
    if re.fullmatch(r"\d{4}", literal):
        return dt.date(int(literal), 12, 31) if end else dt.date(int(literal), 1, 1)
    return dt.date.fromisoformat(literal[:10])


def _records(path: Path, ranks: dict[str, int]) -> list[Record]:
    triples = _parse(path)
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    records = []
    for subject, own in by_subject.items():
        if not any(
            t.predicate.value == RDF_TYPE and t.object.value == CSIG + "Capability" for t in own
        ):
            continue
        (marking,) = _objects(own, subject, CSIG + "hasMarking")
        (provider,) = _objects(own, subject, CSIG + "providedBy")
        parts = [
            o
            for p in ("produces", "consumes", "hasInterface")
            for o in _objects(own, subject, CSIG + p)
        ]
        closure = own + by_subject.get(marking, [])
        closure += [t for part in parts for t in by_subject.get(part, [])]
        mark = by_subject.get(marking, [])
        (system,) = _objects(mark, marking, CSIG + "markingSystem")
        (level,) = _objects(mark, marking, CSIG + "classification")
        dissem = (_objects(mark, marking, CSIG + "disseminationControl") or [None])[0]
        releasable = frozenset(_objects(mark, marking, CSIG + "releasableTo"))
        strings = {subject, marking, *parts}
        strings |= set(_objects(own, subject, IDENTIFIER) + _objects(own, subject, RDFS_LABEL))
        strings |= set(_objects(mark, marking, CSIG + "markingText"))
        records.append(
            Record(
                partner=path.stem,
                iri=subject,
                provider=provider,
                rank=ranks[level],
                dissemination=dissem,
                releasable=releasable,
                graph=graph_name(path.stem, system, level, dissem, releasable),
                triples=tuple(closure),
                strings=frozenset(strings),
            )
        )
    return records


@functools.lru_cache(maxsize=1)
def model() -> Model:
    """Read the content files and the demo users into the independent model."""
    ranks = {
        t.subject.value: int(t.object.value)
        for t in _parse(ROOT / "ontology" / "vocab" / "classification.ttl")
        if t.predicate.value == CSIG + "rank"
    }
    ontology = sorted((ROOT / "ontology").glob("*.ttl"))
    ontology += sorted((ROOT / "ontology" / "vocab").glob("*.ttl"))
    base = {GRAPH + "ontology": [t for p in ontology for t in _parse(p)]}
    for path in sorted((ROOT / "data" / "reference").glob("*.ttl")):
        base[f"{GRAPH}reference/{path.stem}"] = _parse(path)
    coalitions = base[GRAPH + "reference/coalitions"]
    memberships = []
    for t in coalitions:
        if t.predicate.value == RDF_TYPE and t.object.value == CSIG + "Membership":
            node = t.subject.value
            (member,) = _objects(coalitions, node, CSIG + "member")
            (coalition,) = _objects(coalitions, node, CSIG + "coalition")
            start = (_objects(coalitions, node, CSIG + "startDate") or [None])[0]
            end = (_objects(coalitions, node, CSIG + "endDate") or [None])[0]
            memberships.append((member, coalition, _date(start, False), _date(end, True)))
    records = [
        r
        for path in sorted((ROOT / "data" / "partners").glob("*.ttl"))
        for r in _records(path, ranks)
    ]
    found = Model(ranks, base, records, memberships)
    found.viewers = _viewers(found)
    return found


def _viewers(found: Model) -> dict[str, Who]:
    """The fixture viewers, read from data/users.toml; the demo token is 'demo-' + name."""
    users = tomllib.loads((ROOT / "data" / "users.toml").read_text(encoding="utf-8"))["users"]
    today = dt.date.today()
    viewers = {"anonymous": Who("anonymous")}
    for key, name in (
        ("USA-TS", "usa-planner"),
        ("GBR-S", "gbr-officer"),
        ("FRA-S", "fra-officer"),
        ("JPN-S", "jpn-officer"),
        ("NZL-C", "nzl-officer"),
        ("NATO-NS", "nato-staff"),
        ("DEU-S", "deu-officer"),
    ):
        entry = users[name]
        token = f"demo-{name}"
        assert hash_token(token) == entry["token_sha256"], f"demo token of {name} changed"
        who = Who(
            key,
            name,
            token,
            entry.get("nation"),
            entry.get("organisation"),
            found.ranks[BASE + "classification/" + entry["clearance"]],
        )
        coalitions = frozenset(
            coalition
            for member, coalition, start, end in found.memberships
            if member in who.identities
            and (start is None or start <= today)
            and (end is None or today <= end)
        )
        viewers[key] = Who(who.key, name, token, who.nation, who.organisation, who.rank, coalitions)
    return viewers


VIEWERS = ("anonymous", "USA-TS", "GBR-S", "FRA-S", "JPN-S", "NZL-C", "NATO-NS", "DEU-S")


@functools.lru_cache(maxsize=16)
def copy_of(key: str) -> ox.Store:
    """A fresh store holding only what viewer `key` may see, under the real graph names.

    The default graph is the RDF merge (set union) of the visible graphs, as SPARQL defines a
    dataset's default graph; each visible graph is also a named graph.
    """
    found = model()
    who = found.viewers[key]
    graphs = dict(found.base)
    graphs |= {g: ts for g, ts in found.partner_graphs().items() if g in found.graphs(who)}
    store = ox.Store()
    union = {t for ts in graphs.values() for t in ts}
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in union)
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
        for g, ts in graphs.items()
        for t in ts
    )
    return store


def forbidden(key: str) -> set[str]:
    """Strings that must never reach viewer `key`: hidden records' IRIs, names, markings."""
    found = model()
    who = found.viewers[key]
    shown = {s for r in found.visible(who) for s in r.strings}
    hidden = {s for r in found.hidden(who) for s in r.strings | {r.graph}}
    return {s for s in hidden - shown if len(s) > 3}


# --- queries and outcomes -------------------------------------------------------------------


@dataclass(frozen=True)
class LeakQuery:
    name: str
    text: str
    refused: bool
    http: bool

    @property
    def from_graphs(self) -> list[str]:
        """The graphs FROM / FROM NAMED name, resolving BASE and prefixed names."""
        text = re.sub(r"(?m)#.*$", "", self.text)
        base = (re.findall(r"BASE\s*<([^>]*)>", text, re.I) or [""])[0]
        prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", text, re.I))
        names = []
        for iri, prefix, local in re.findall(
            r"\bFROM\s+(?:NAMED\s+)?(?:<([^>]*)>|([\w-]*):([\w-]*))", text, re.I
        ):
            if prefix or local:
                names.append(prefixes[prefix] + local)
            else:
                names.append(iri if "://" in iri else base + iri)
        return names


def leak_queries() -> list[LeakQuery]:
    queries = []
    for path in sorted(LEAKS.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = [line for line in text.splitlines() if line.startswith("#")]
        assert any(line.startswith("# tries: ") for line in header), f"{path.name}: no comment"
        queries.append(LeakQuery(path.stem, text, "# refused" in header, "# http" in header))
    return queries


def _term(term) -> str:
    return "_:b" if isinstance(term, ox.BlankNode) else str(term)


def _triple(t: ox.Triple) -> str:
    return f"{_term(t.subject)} {_term(t.predicate)} {_term(t.object)}"


def _error(message: str) -> tuple:
    """An error outcome: the message with the IRIs it names blanked."""
    return ("error", re.sub(r"<[^>]*>", "<IRI>", message.strip()))


def outcome_of(answer) -> tuple:
    """A comparable outcome: ASK boolean, or a multiset of rows / triples (blank nodes merged)."""
    if isinstance(answer, ox.QueryBoolean):
        return ("ask", bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return ("graph", Counter(_triple(t) for t in answer))
    names = [v.value for v in answer.variables]
    rows = Counter(tuple((n, _term(s[n])) for n in names if s[n] is not None) for s in answer)
    return ("select", tuple(names), rows)


def real_outcome(store: Store, dataset, text: str) -> tuple:
    try:
        result = run_query(store, text, dataset)
    except KGError as err:
        return _error(str(err))
    except Exception as err:  # noqa: BLE001 - anything else is a difference, reported as such
        return ("crash", repr(err))
    if result.form == "ask":
        return ("ask", result.boolean)
    if result.form == "graph":
        return ("graph", Counter(_triple(t) for t in result.triples))
    rows = Counter(tuple((n, _term(r[n])) for n in result.variables if n in r) for r in result.rows)
    return ("select", tuple(result.variables), rows)


def expected_outcome(key: str, query: LeakQuery) -> tuple:
    """What `key` must get: refusal, or the copy's answer.

    The copy holds no graph the viewer may not see, so a FROM of a hidden graph reads an empty
    graph there, exactly as a FROM of a graph that does not exist.
    """
    if query.refused:
        return ("refused",)
    try:
        return outcome_of(copy_of(key).query(query.text))
    except SyntaxError as err:
        return ("syntax", str(err))


def same(expected: tuple, got: tuple) -> bool:
    if expected[0] == "refused":
        return got[0] == "error" and "is not allowed" in got[1]
    if expected[0] == "syntax":
        return got[0] == "error" and "malformed" in got[1]
    return expected == got


# Differences found by this suite that are accepted for now, reported apart from the ones the
# suite fails on. Empty: the FROM-resolution and SERVICE-bypass findings were fixed.
KNOWN: dict[str, str] = {}


def describe(expected: tuple, got: tuple) -> str:
    if expected[0] in ("graph", "select") and got[0] == expected[0]:
        rows_e, rows_g = expected[-1], got[-1]
        return (
            f"missing {list((rows_e - rows_g).items())[:3]} "
            f"extra {list((rows_g - rows_e).items())[:3]}"
        )
    return f"expected {str(expected)[:300]} got {str(got)[:300]}"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def viewers(store) -> dict:
    """The real system's viewer objects for the fixture viewers (None: anonymous)."""
    users = load_users(ROOT / "data" / "users.toml")
    return {
        key: (viewer_of(store, users[who.user]) if who.user else None)
        for key, who in model().viewers.items()
    }


def real_dataset(store, viewers, key):
    from kg.access import ANONYMOUS

    return viewer_dataset(store, viewers[key] or ANONYMOUS)


# --- tests ----------------------------------------------------------------------------------


def test_independent_copy_matches_the_store_graph_by_graph(store):
    """The model's split of the seed files gives exactly the store's partner graphs."""
    mine = model().partner_graphs()
    real = [g for g in store.graphs() if g.startswith(GRAPH + "partner/")]
    assert sorted(mine) == real
    for graph in real:
        assert {str(t) for t in mine[graph]} == {str(t) for t in store.triples(graph)}, graph
    for graph, triples in model().base.items():
        named = {str(t) for t in triples if not str(t).startswith("_:") and "_:" not in str(t)}
        stored = {str(t) for t in store.triples(graph) if "_:" not in str(t)}
        assert named == stored and len(set(triples)) == len(store.triples(graph)), graph


def test_model_applies_the_marking_rules_as_the_brief_states():
    """Cross-check of the model itself on the four fictional exercise records."""
    found = model()
    exercise = {r.iri.rsplit("/", 1)[-1]: r for r in found.records if not r.public}
    assert sorted(exercise) == [
        "exercise-coalition-conjunction-screening-cell",
        "exercise-deep-space-tracking-feed",
        "exercise-franco-german-sar-tasking",
        "exercise-sovereign-geo-inspection-tasking",
    ]
    sees = {
        key: sorted(
            r.iri.rsplit("/", 1)[-1].split("-")[1] for r in found.visible(who) if not r.public
        )
        for key, who in found.viewers.items()
    }
    assert sees == {
        "anonymous": [],
        "USA-TS": ["coalition", "deep", "sovereign"],
        "GBR-S": ["coalition", "sovereign"],
        "FRA-S": ["franco"],
        "JPN-S": [],
        "NZL-C": [],
        "NATO-NS": [],
        "DEU-S": ["franco"],
    }


def test_enough_adversarial_queries():
    queries = leak_queries()
    assert len(queries) >= 50
    assert sum(q.http for q in queries) >= 15
    assert len({q.name for q in queries}) == len(queries)


def test_viewer_datasets_hold_the_independent_graphs(store, viewers):
    """Named graphs: exactly the visible ones; default graph: them, or a view of their union."""
    for key in VIEWERS:
        real = real_dataset(store, viewers, key)
        expected = model().graphs(model().viewers[key])
        assert set(real.named) == expected, key
        if set(real.default) != expected:
            (view,) = real.default
            assert view not in expected, key
            union = {str(t) for g in expected for t in store.triples(g)}
            assert {str(t) for t in store.triples(view)} == union, key


def test_view_graphs_cannot_be_named(store, viewers):
    """No viewer can name a view graph (its own or a more privileged profile's)."""
    views = {
        g
        for key in VIEWERS
        for g in real_dataset(store, viewers, key).default
        if g not in model().graphs(model().viewers[key])
    }
    checked = 0
    for key in VIEWERS:
        dataset = real_dataset(store, viewers, key)
        for view in views:
            for clause in ("FROM", "FROM NAMED"):
                text = f"SELECT (COUNT(*) AS ?n) {clause} <{view}> WHERE {{ ?s ?p ?o }}"
                nowhere = real_outcome(store, dataset, text.replace(view, NOWHERE))
                assert nowhere == ("select", ("n",), Counter({(("n", ZERO),): 1}))
                assert real_outcome(store, dataset, text) == nowhere, (key, view)
            text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{view}> {{ ?s ?p ?o }} }}"
            assert real_outcome(store, dataset, text) == outcome_of(copy_of(key).query(text))
            checked += 1
    print(f"\nview graphs: {len(views)} views × {len(VIEWERS)} viewers = {checked} checked")


def test_leak_suite(store, viewers):
    """Every (viewer, query) answer through run_query equals the independent copy's answer."""
    queries = leak_queries()
    differences, known, pairs = [], [], 0
    for key in VIEWERS:
        dataset = real_dataset(store, viewers, key)
        nowhere = real_outcome(store, dataset, f"SELECT * FROM <{NOWHERE}> {{ ?s ?p ?o }}")
        assert nowhere[0] == "select" and not nowhere[-1]
        for query in queries:
            pairs += 1
            got = real_outcome(store, dataset, query.text)
            expected = expected_outcome(key, query)
            if not same(expected, got):
                line = f"{key} × {query.name}: {describe(expected, got)}"
                (known if query.name in KNOWN else differences).append(line)
    print(
        f"\nleak suite: {len(VIEWERS)} viewers × {len(queries)} queries = {pairs} pairs, "
        f"{len(differences)} differences, {len(known)} known (see KNOWN)"
    )
    assert not differences, "\n".join(differences)


# --- over HTTP ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http(module_app):
    """A client of the module's app (queries only read)."""
    return module_app.test_client()


def headers(key: str, accept: str) -> dict:
    who = model().viewers[key]
    found = {"Accept": accept}
    if who.token:
        found["Authorization"] = f"Bearer {who.token}"
    return found


def http_outcome(client, key: str, text: str, **graphs) -> tuple:
    body = re.sub(r"(?m)^\s*(#|PREFIX|BASE).*$", "", text)
    graph_form = re.match(r"\s*(CONSTRUCT|DESCRIBE)", body, re.I) is not None
    accept = "application/n-triples" if graph_form else "application/sparql-results+json"
    response = client.post("/sparql", data={"query": text, **graphs}, headers=headers(key, accept))
    if response.status_code == 400:
        return _error(response.get_data(as_text=True))
    assert response.status_code == 200, (key, text, response.status_code)
    assert response.headers.get("X-Row-Cap-Reached") != "true", (key, text)
    if graph_form:
        triples = ox.parse(response.data, ox.RdfFormat.N_TRIPLES)
        return ("graph", Counter(_triple(q.triple) for q in triples))
    return outcome_of(ox.parse_query_results(response.data, ox.QueryResultsFormat.JSON))


def test_leak_suite_over_http(http):
    """A subset of the queries through /sparql with each viewer's bearer token."""
    queries = [q for q in leak_queries() if q.http]
    differences, known, pairs = [], [], 0
    for key in VIEWERS:
        nowhere = http_outcome(http, key, f"SELECT * FROM <{NOWHERE}> {{ ?s ?p ?o }}")
        assert nowhere[0] == "select" and not nowhere[-1]
        for query in queries:
            pairs += 1
            got = http_outcome(http, key, query.text)
            expected = expected_outcome(key, query)
            if not same(expected, got):
                line = f"{key} × {query.name}: {describe(expected, got)}"
                (known if query.name in KNOWN else differences).append(line)
    print(
        f"\nleak suite over HTTP: {len(VIEWERS)} viewers × {len(queries)} queries = {pairs} "
        f"pairs, {len(differences)} differences, {len(known)} known (see KNOWN)"
    )
    assert not differences, "\n".join(differences)


def test_protocol_graph_parameters(http, store, viewers):
    """default-graph-uri / named-graph-uri: a hidden graph answers exactly as a missing one."""
    found = model()
    views = {
        g
        for key in VIEWERS
        for g in real_dataset(store, viewers, key).default
        if g not in found.graphs(found.viewers[key])
    }
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    graphs = sorted(r.graph for r in found.records if not r.public)
    graphs += [GRAPH + "partner/USA/us-u", GRAPH + "meta", GRAPH + "history/USA/1/us-s-nf"]
    graphs += sorted(views)
    differences, pairs = [], 0
    for key in VIEWERS:
        visible = found.graphs(found.viewers[key])
        for parameter, text in (("default-graph-uri", count), ("named-graph-uri", named)):
            nowhere = http_outcome(http, key, text, **{parameter: NOWHERE})
            assert nowhere[0] == "select"
            for graph in graphs:
                pairs += 1
                got = http_outcome(http, key, text, **{parameter: graph})
                clause = "FROM" if parameter == "default-graph-uri" else "FROM NAMED"
                scoped = text.replace("WHERE", f"{clause} <{graph}> WHERE")
                expected = outcome_of(copy_of(key).query(scoped))
                if expected != got or (graph not in visible and got != nowhere):
                    differences.append(f"{key} {parameter}={graph}: {describe(expected, got)}")
    print(f"protocol graph parameters: {pairs} pairs, {len(differences)} differences")
    assert not differences, "\n".join(differences)


# --- minimal reproductions of what the suite found --------------------------------------------


def test_service_hidden_behind_a_quote_is_refused(store):
    """SECURITY: `<'>` desynchronises kg.sparql.inspect, and SERVICE then reaches the network.

    Reproduction: `SELECT * WHERE { BIND((1<'>') AS ?z) SERVICE <http://127.0.0.1:PORT/>
    { ?s ?p ?o } BIND('' AS ?w) }` through run_query (or POST /sparql, any viewer): the
    tokenizer reads `<'>` as an IRI, then takes `') AS ?z) SERVICE ... BIND('` for a string.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    reached, done = [], threading.Event()

    def accept() -> None:  # count and drop every connection, so nothing waits on a reply
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            reached.append(1)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    text = (
        f"SELECT * WHERE {{ BIND((1<'>') AS ?z) SERVICE SILENT <http://127.0.0.1:{port}/> "
        "{ ?s ?p ?o } BIND('' AS ?w) }"
    )
    try:
        outcome = real_outcome(store, viewer_dataset(store), text)
    finally:
        done.set()
        thread.join()
        listener.close()
    assert len(reached) == 0, "the SERVICE request reached the local listener"
    assert outcome[0] == "error" and "SERVICE is not allowed" in outcome[1], outcome


def test_default_graph_is_a_set_union(store):
    """A statement asserted in two public reference graphs must count once, not twice."""
    text = "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/csig/id/org/USSF> ?p ?o }"
    expected = outcome_of(copy_of("anonymous").query(text))
    assert real_outcome(store, viewer_dataset(store), text) == expected


def test_from_prefixed_name_of_a_hidden_graph_reads_as_empty(store):
    for prefix in ("gp", "é", "日本"):
        text = (
            f"PREFIX {prefix}: <{GRAPH}partner/USA/> "
            f"SELECT (COUNT(*) AS ?n) FROM {prefix}:us-s-nf WHERE {{ ?s ?p ?o }}"
        )
        assert real_outcome(store, viewer_dataset(store), text) == (
            "select",
            ("n",),
            Counter({(("n", ZERO),): 1}),
        )


def test_from_relative_iri_of_a_visible_graph_is_allowed(store):
    text = f"BASE <{GRAPH}partner/USA/> SELECT (COUNT(*) AS ?n) FROM <us-u> WHERE {{ ?s ?p ?o }}"
    expected = outcome_of(copy_of("anonymous").query(text))
    assert real_outcome(store, viewer_dataset(store), text) == expected


def test_from_named_prefixed_name_of_a_visible_graph_is_allowed(store):
    text = (
        f"PREFIX gp: <{GRAPH}partner/USA/> "
        "SELECT ?g (COUNT(*) AS ?n) FROM NAMED gp:us-u WHERE { GRAPH ?g { ?s ?p ?o } } "
        "GROUP BY ?g"
    )
    expected = outcome_of(copy_of("anonymous").query(text))
    assert real_outcome(store, viewer_dataset(store), text) == expected
