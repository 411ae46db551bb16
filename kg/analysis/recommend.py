"""Recommend the standard adoptions that close the most interoperability gaps (greedy)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg.analysis.model import Model

Gap = tuple[str, str, str]  # producer capability, consumer capability, data type


@dataclass(frozen=True)
class Adoption:
    """Partner adopts standard for data type; the gap count before and after."""

    partner: str
    standard: str
    data_type: str
    before: int
    after: int

    @property
    def closed(self) -> int:
        """Return how many gaps this adoption closes."""
        return self.before - self.after


def _standards(model: Model, adopted: set[tuple[str, str, str]]) -> dict:
    """Return (capability, direction, data type) -> standards, with adoptions added."""
    out: dict[tuple, set[str]] = defaultdict(set)
    owner = {}
    for i in model.interfaces:
        out[i.capability, i.direction, i.data_type].add(i.standard)
        owner[i.capability] = i.partner
    for (capability, _direction, dtype), stds in out.items():
        stds |= {s for p, s, d in adopted if p == owner[capability] and d == dtype}
    return out


def gaps(model: Model, adopted: set[tuple[str, str, str]] = frozenset()) -> set[Gap]:
    """Return the interoperability gaps: required exchanges with no compatible standard.

    A gap is a producer and a consumer capability of different partners, for a data type an
    exchange requirement names, with no pair of standards in the same family.
    """
    stds = _standards(model, set(adopted))
    owner = {i.capability: i.partner for i in model.interfaces}
    found = set()
    for (prod, pdir, dtype), pstd in stds.items():
        if pdir != "produces" or dtype not in model.required:
            continue
        pfam = {model.family(s) for s in pstd}
        for (cons, cdir, ctype), cstd in stds.items():
            if cdir == "consumes" and ctype == dtype and owner[cons] != owner[prod] \
                    and not pfam & {model.family(s) for s in cstd}:
                found.add((prod, cons, dtype))
    return found


def _candidates(model: Model, open_gaps: set[Gap]) -> set[tuple[str, str, str]]:
    """Return adoptions that could close a gap: one side takes up the other side's standard."""
    stds = _standards(model, set())
    owner = {i.capability: i.partner for i in model.interfaces}
    out = set()
    for prod, cons, dtype in open_gaps:
        out |= {(owner[cons], s, dtype) for s in stds[prod, "produces", dtype]
                if s in model.current}
        out |= {(owner[prod], s, dtype) for s in stds[cons, "consumes", dtype]
                if s in model.current}
    return out


def recommend(model: Model, k: int = 5) -> list[Adoption]:
    """Greedily pick up to k adoptions, each closing the most remaining gaps."""
    adopted: set[tuple[str, str, str]] = set()
    current = gaps(model)
    picks = []
    for _ in range(k):
        scored = [(len(gaps(model, adopted | {c})), c) for c in _candidates(model, current)]
        if not scored:
            break
        after, best = min(scored, key=lambda pair: (pair[0], pair[1]))
        if after >= len(current):
            break
        picks.append(Adoption(*best, before=len(current), after=after))
        adopted.add(best)
        current = gaps(model, adopted)
    return picks
