"""Write a seeded synthetic coalition as partner submission Turtle files that pass the shapes.

Partners are real nation codes from data/reference/partners.ttl; interfaces use real standard
keys and the data types those standards carry (data/reference/standards.ttl); the vocabularies
(mission areas, kinds, orbits, statuses) come from ontology/vocab. Each partner prefers one or
two standards per data type, as nations do, so gaps and version mismatches appear naturally.
Usage: python benchmarks/synth.py SIZE OUT_DIR [--seed N]   (SIZE like 10k, 1M)
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.namespaces import BASE, CSIG, ID, PREFIXES  # noqa: E402

SKOS = PREFIXES["skos"]
TRIPLES_PER_CAPABILITY = 32  # measured on the generated files; used to size a run
HEADER = """@prefix csig: <https://w3id.org/csig/ont#> .
@prefix cap: <https://w3id.org/csig/id/capability/> .
@prefix nation: <https://w3id.org/csig/id/nation/> .
@prefix coalition: <https://w3id.org/csig/id/coalition/> .
@prefix std: <https://w3id.org/csig/id/standard/> .
@prefix ma: <https://w3id.org/csig/missionarea/> .
@prefix orbit: <https://w3id.org/csig/orbit/> .
@prefix status: <https://w3id.org/csig/status/> .
@prefix kind: <https://w3id.org/csig/kind/> .
@prefix dt: <https://w3id.org/csig/datatype/> .
@prefix cls: <https://w3id.org/csig/classification/> .
@prefix dissem: <https://w3id.org/csig/dissem/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


@dataclass
class Vocab:
    """The real codes a synthetic capability may use."""

    nations: list[str]
    coalitions: dict[str, list[str]]  # nation -> coalition codes it belongs to
    carriers: dict[str, list[str]]  # data type local name -> standard keys
    required: list[str]  # data types that exchange requirements name
    areas: list[str]
    kinds: list[str]
    orbits: list[str]
    statuses: list[str]
    current: set[str]  # standard keys with lifecycle current and no replacement


def parse_size(text: str) -> int:
    """Return a size such as '10k' or '1M' as a number of triples.

    >>> parse_size("10k"), parse_size("1M")
    (10000, 1000000)
    """
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def _triples(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def _locals(triples: list[ox.Triple], predicate: str, prefix: str) -> list[str]:
    """Return the sorted local names of subjects under `prefix` that have `predicate`."""
    return sorted(
        {
            t.subject.value.removeprefix(prefix)
            for t in triples
            if t.predicate.value == predicate and t.subject.value.startswith(prefix)
        }
    )


def load_vocab(root: Path = ROOT) -> Vocab:
    """Read the real codes from the reference data and the vocabularies."""
    partners = _triples(root / "data/reference/partners.ttl")
    members = _triples(root / "data/reference/coalitions.ttl")
    standards = _triples(root / "data/reference/standards.ttl")
    exchanges = _triples(root / "data/reference/exchanges.ttl")
    vocab = root / "ontology/vocab"
    nations = _locals(partners, SKOS + "notation", ID + "nation/")
    carriers: dict[str, list[str]] = {}
    for t in standards:
        if t.predicate.value == CSIG + "carries":
            carriers.setdefault(t.object.value.rsplit("/", 1)[-1], []).append(
                t.subject.value.rsplit("/", 1)[-1]
            )
    required = sorted(
        {
            t.object.value.rsplit("/", 1)[-1]
            for t in exchanges
            if t.predicate.value == CSIG + "dataType"
        }
        & set(carriers)
    )
    return Vocab(
        nations,
        _coalitions(members),
        {k: sorted(v) for k, v in carriers.items()},
        required,
        _concepts(vocab / "missionareas.ttl", "missionarea/"),
        _concepts(vocab / "kinds.ttl", "kind/"),
        _concepts(vocab / "orbits.ttl", "orbit/"),
        [
            s
            for s in _concepts(vocab / "statuses.ttl", "status/")
            if s not in ("retired", "cancelled")
        ],
        _current(standards),
    )


def _current(triples: list[ox.Triple]) -> set[str]:
    """Return the keys of current standards: lifecycle current, not replaced."""
    life = PREFIXES["lifecycle"] + "current"
    now = {t.subject.value for t in triples if t.object.value == life}
    gone = {
        t.subject.value
        for t in triples
        if t.predicate.value
        in (PREFIXES["dcterms"] + "isReplacedBy", CSIG + "functionallySupersededBy")
    }
    return {s.rsplit("/", 1)[-1] for s in now - gone}


def _concepts(path: Path, namespace: str) -> list[str]:
    """Return the local names of a scheme's concepts."""
    return _locals(_triples(path), SKOS + "inScheme", BASE + namespace)


def _coalitions(triples: list[ox.Triple]) -> dict[str, list[str]]:
    """Return nation code -> coalition codes, from the memberships."""
    member = {
        t.subject.value: t.object.value for t in triples if t.predicate.value == CSIG + "member"
    }
    out: dict[str, list[str]] = {}
    for t in triples:
        if t.predicate.value == CSIG + "coalition" and t.subject.value in member:
            who = member[t.subject.value].rsplit("/", 1)[-1]
            out.setdefault(who, []).append(t.object.value.rsplit("/", 1)[-1])
    return {k: sorted(set(v)) for k, v in out.items()}


def _marking(rng: random.Random, vocab: Vocab, nation: str) -> list[str]:
    """Return a marking's statements: mostly UNCLASSIFIED, some SECRET REL TO or NOFORN."""
    roll = rng.random()
    if roll < 0.85:
        return ["csig:classification cls:US-U", 'csig:markingText "UNCLASSIFIED"']
    if roll < 0.97:
        rel = [nation] if rng.random() < 0.5 else [nation, "USA" if nation != "USA" else "GBR"]
        groups = vocab.coalitions.get(nation, [])
        shared = [f"coalition:{groups[0]}"] if groups and rng.random() < 0.5 else []
        names = [f"nation:{n}" for n in sorted(set(rel))] + shared
        text = ", ".join(sorted(set(rel)) + [c.split(":")[1] for c in shared])
        return [
            "csig:classification cls:US-S",
            "csig:disseminationControl dissem:REL",
            f"csig:releasableTo {', '.join(names)}",
            f'csig:markingText "SECRET//REL TO {text}"',
        ]
    return [
        "csig:classification cls:US-S",
        "csig:disseminationControl dissem:NOFORN",
        'csig:markingText "SECRET//NOFORN"',
    ]


def _preferences(rng: random.Random, vocab: Vocab) -> dict[str, list[str]]:
    """Return a partner's preferred standards per data type (one or two)."""
    out = {}
    for dtype, stds in vocab.carriers.items():
        fresh = [s for s in stds if s in vocab.current] or stds
        pool = fresh if rng.random() < 0.9 else stds
        out[dtype] = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2))))
    return out


def capability(rng: random.Random, vocab: Vocab, nation: str, n: int, prefs: dict) -> str:
    """Return the Turtle of one capability with its interfaces and marking."""
    ident = f"syn-{nation.lower()}-{n}"
    iri = f"cap:{ident}"
    lines, parts = [], []
    for k in range(1, rng.randint(2, 6) + 1):
        dtype = rng.choice(vocab.required if rng.random() < 0.8 else list(vocab.carriers))
        pool = prefs[dtype] if rng.random() < 0.97 else vocab.carriers[dtype]
        way = "produces" if rng.random() < 0.55 else "consumes"
        node = f"<{ID}capability/{ident}/interface/{k}>"
        parts.append(f"csig:{way} {node}")
        lines.append(
            f"{node} a csig:Interface ; csig:dataType dt:{dtype} ; "
            f"csig:standard std:{rng.choice(pool)} ; csig:assumed true ."
        )
    mark = f"<{ID}capability/{ident}/marking>"
    lines.append(
        f"{mark} a csig:Marking ; csig:markingSystem cls:US ; "
        + " ; ".join(_marking(rng, vocab, nation))
        + " ."
    )
    year = rng.randint(2025, 2026) if rng.random() < 0.9 else rng.randint(2019, 2024)
    day = f"{year}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
    head = [
        f"{iri} a csig:Capability",
        f'dcterms:identifier "{ident}"',
        f'rdfs:label "Synthetic {nation} capability {n}"@en',
        f"csig:providedBy nation:{nation}",
        f"csig:missionArea ma:{rng.choice(vocab.areas)}",
        f"csig:orbitRegime orbit:{rng.choice(vocab.orbits)}",
        f"csig:status status:{rng.choice(vocab.statuses)}",
        f'csig:statusAsOf "{day}"^^xsd:date',
        f"csig:kind kind:{rng.choice(vocab.kinds)}",
        "dcterms:source <https://example.org/synthetic>",
        *parts,
        f"csig:hasMarking {mark}",
    ]
    return " ;\n    ".join(head) + " .\n" + "\n".join(lines) + "\n\n"


def generate(size: int, out: Path, seed: int = 7, partners: int = 30) -> dict[str, int]:
    """Write about `size` triples as one Turtle submission per partner; return capabilities."""
    rng = random.Random(seed)
    vocab = load_vocab()
    ranked = sorted(vocab.nations, key=lambda n: (-len(vocab.coalitions.get(n, [])), n))
    nations = ranked[:partners]
    total = max(len(nations), size // TRIPLES_PER_CAPABILITY)
    weights = sorted((rng.paretovariate(1.2) for _ in nations), reverse=True)
    shares = [max(1, round(total * w / sum(weights))) for w in weights]
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for nation, count in zip(nations, shares, strict=True):
        prefs = _preferences(rng, vocab)
        with (out / f"{nation}.ttl").open("w", encoding="utf-8") as fh:
            fh.write(f"# Synthetic submission of {nation} (seed {seed}): not real data.\n")
            fh.write(HEADER)
            for n in range(1, count + 1):
                fh.write(capability(rng, vocab, nation, n, prefs))
        written[nation] = count
    return written


def main() -> None:
    """Command line: write a synthetic coalition of the given size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", help="about how many triples, e.g. 10k, 100k, 1M")
    parser.add_argument("out", type=Path, help="folder for the partner Turtle files")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partners", type=int, default=30)
    args = parser.parse_args()
    written = generate(parse_size(args.size), args.out, args.seed, args.partners)
    print(f"{sum(written.values())} capabilities for {len(written)} partners in {args.out}")


if __name__ == "__main__":
    main()
