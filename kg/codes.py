"""The codes a coded parameter may take in a viewer's dataset, and "did you mean" for the rest."""

from __future__ import annotations

import difflib

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.errors import KGError
from kg.namespaces import sparql_prefixes

ENGLISH = 'FILTER(LANG(?name) IN ("en", ""))'
SCHEME = "?iri skos:inScheme <{}> ; skos:notation ?notation ; skos:prefLabel ?name . " + ENGLISH
TYPED = "?iri a ?type ; rdfs:label ?name . " + ENGLISH + " VALUES ?type {{ {} }}"
PATTERNS = {  # parameter type -> what its known terms are, and what each is called in a message
    "mission-area": (SCHEME.format("https://w3id.org/csig/missionarea/scheme"), "mission area"),
    "data-type": (SCHEME.format("https://w3id.org/csig/datatype/scheme"), "data type"),
    "partner": (TYPED.format("csig:Nation csig:Organisation csig:Coalition"), "partner"),
    "coalition": (TYPED.format("csig:Coalition"), "coalition"),
    "standard": (TYPED.format("csig:DataStandard"), "standard"),
}
SUGGESTIONS = 3  # how many close matches an error offers


class UnknownValue(KGError):
    """A coded parameter value that names nothing in the viewer's dataset."""

    def __init__(self, param: str, kind: str, value: str, suggestions: list[dict], shape=True):
        self.param, self.value, self.suggestions = param, value, suggestions
        name = PATTERNS[kind][1]
        problem = (
            f"no {name} {value!r} in your dataset" if shape else f"{value!r} is not a {kind} code"
        )
        hint = "; did you mean " + " or ".join(s["code"] for s in suggestions) + "?"
        super().__init__(
            f"parameter {param}: {problem}"
            + (hint if suggestions else f"; see the list of {name}s")
        )


PREFIXES = sparql_prefixes(("csig", "skos", "rdfs"))


def known(store: GraphStore, dataset: Dataset, kind: str) -> list[dict]:
    """Return the terms of a coded type the dataset holds, each with its iri, code and label."""
    sparql = (
        PREFIXES
        + "SELECT ?iri (SAMPLE(?notation) AS ?code) (SAMPLE(?name) AS ?label) WHERE { "
        + PATTERNS[kind][0]
        + " } GROUP BY ?iri ORDER BY ?iri"
    )
    out = []
    for row in store.select(sparql, dataset):
        iri = row["iri"].value
        code = row["code"].value if "code" in row else iri.rsplit("/", 1)[-1]
        out.append({"iri": iri, "code": code, "label": row["label"].value})
    return out


def exists(store: GraphStore, dataset: Dataset, kind: str, iri: ox.NamedNode) -> bool:
    """Return whether the dataset holds `iri` as a term of the coded type `kind`."""
    return bool(store.query(PREFIXES + "ASK { " + PATTERNS[kind][0] + " }", dataset, {"iri": iri}))


def close(value: str, terms: list[dict], n: int = SUGGESTIONS) -> list[dict]:
    """Return the terms whose code or label is closest to `value`, best first.

    >>> terms = [{"code": "SDA", "label": "Space Domain Awareness"},
    ...          {"code": "PNT", "label": "Positioning, Navigation and Timing"}]
    >>> [t["code"] for t in close("SDAX", terms)]
    ['SDA']
    >>> [t["code"] for t in close("space domain", terms)]
    ['SDA']
    >>> close("zzzz", terms)
    []
    """
    keys: dict[str, dict] = {}  # code, label and IRI local name (TRK for DT.TRK) -> term
    for term in terms:
        local = term.get("iri", "").rsplit("/", 1)[-1]
        for key in (term["code"].lower(), term["label"].lower(), local.lower()):
            keys.setdefault(key, term)
    found = []
    for key in difflib.get_close_matches(value.lower(), keys, n=n * 2, cutoff=0.6):
        if key and keys[key] not in found:
            found.append(keys[key])
    return [{"code": t["code"], "label": t["label"]} for t in found[:n]]


def unknown(
    store: GraphStore, dataset: Dataset, param: str, kind: str, value: str, shape: bool = True
) -> UnknownValue:
    """Return the error for a value no term of `kind` in the dataset has, with close matches;
    `shape` is False when the value is not even shaped like a code."""
    return UnknownValue(param, kind, value, close(value, known(store, dataset, kind)), shape)
