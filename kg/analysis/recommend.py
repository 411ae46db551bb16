"""Recommend the standard adoptions that close the most interoperability gaps (greedy).

The recommender works on partner-level groups: the capabilities of one partner that use the
same set of standards for one data type in one direction, with their number. The gap count
between two groups is the product of their sizes when no standards are compatible, so an
adoption ("partner P takes up standard S for data type D") is scored by re-counting only the
gaps of P's groups for D: the work grows with partners and standards, not capability pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from kg.analysis.model import Model

Gap = tuple[str, str, str]  # producer capability, consumer capability, data type
Group = tuple[str, str, frozenset[str]]  # partner, direction, standards
Candidate = tuple[str, str, str]  # partner, standard, data type


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


def _standards(model: Model, adopted: set[Candidate]) -> dict:
    """Return (capability, direction, data type) -> standards, with adoptions added."""
    out: dict[tuple, set[str]] = defaultdict(set)
    owner = {}
    for i in model.interfaces:
        out[i.capability, i.direction, i.data_type].add(i.standard)
        owner[i.capability] = i.partner
    for (capability, _direction, dtype), stds in out.items():
        stds |= {s for p, s, d in adopted if p == owner[capability] and d == dtype}
    return out


def gaps(model: Model, adopted: set[Candidate] = frozenset()) -> set[Gap]:
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
            if (
                cdir == "consumes"
                and ctype == dtype
                and owner[cons] != owner[prod]
                and not pfam & {model.family(s) for s in cstd}
            ):
                found.add((prod, cons, dtype))
    return found


def groups(model: Model) -> dict[str, tuple[Counter, dict]]:
    """Return data type -> (Counter of (partner, direction, families) groups, their standards)."""
    stds = _standards(model, set())
    owner = {i.capability: i.partner for i in model.interfaces}
    out: dict[str, tuple[Counter, dict]] = {}
    for (cap, way, dtype), used in stds.items():
        if dtype in model.required:
            cells, names = out.setdefault(dtype, (Counter(), defaultdict(set)))
            key = (owner[cap], way, frozenset(model.family(s) for s in used))
            cells[key] += 1
            names[key] |= used
    return out


def _count(cells: Counter, partner: str | None = None) -> int:
    """Return the gaps among one data type's groups (only those touching `partner` if given)."""
    prods = [(g, n) for g, n in cells.items() if g[1] == "produces"]
    cons = [(g, n) for g, n in cells.items() if g[1] == "consumes"]
    if partner is None:
        return _pairs(prods, cons)
    return _pairs([x for x in prods if x[0][0] == partner], cons) + _pairs(
        [x for x in prods if x[0][0] != partner], [x for x in cons if x[0][0] == partner]
    )


def _pairs(prods: list, cons: list) -> int:
    """Return the capability pairs of producer and consumer groups of different partners
    that share no standard family."""
    return sum(
        pn * cn
        for prod, pn in prods
        for con, cn in cons
        if con[0] != prod[0] and prod[2].isdisjoint(con[2])
    )


def _adopt(cells: Counter, partner: str, family: str) -> Counter:
    """Return a data type's groups after `partner` adds a standard of `family` to its groups."""
    out: Counter = Counter()
    for (p, way, fams), n in cells.items():
        out[p, way, fams | {family} if p == partner else fams] += n
    return out


def _candidates(model: Model, by_type: dict) -> set[Candidate]:
    """Return adoptions that could close a gap: one side takes up the other side's standard."""
    out = set()
    for dtype, (cells, names) in by_type.items():
        for prod in (g for g in cells if g[1] == "produces"):
            for cons in (g for g in cells if g[1] == "consumes"):
                if prod[0] != cons[0] and prod[2].isdisjoint(cons[2]):
                    out |= {(cons[0], s, dtype) for s in names[prod] if s in model.current}
                    out |= {(prod[0], s, dtype) for s in names[cons] if s in model.current}
    return out


def _score(model: Model, by_type: dict, total: int, cand: Candidate, memo: dict) -> int:
    """Return the gap count after one adoption, re-counting only the gaps it touches."""
    partner, standard, dtype = cand
    cells = by_type[dtype][0]
    if (partner, dtype) not in memo:
        memo[partner, dtype] = _count(cells, partner)
    after = _count(_adopt(cells, partner, model.family(standard)), partner)
    return total - memo[partner, dtype] + after


def recommend(model: Model, k: int = 5) -> list[Adoption]:
    """Greedily pick up to k adoptions, each closing the most remaining gaps."""
    by_type = groups(model)
    current = sum(_count(cells) for cells, _ in by_type.values())
    picks = []
    for _ in range(k):
        memo: dict = {}
        scored = [
            (_score(model, by_type, current, c, memo), c) for c in _candidates(model, by_type)
        ]
        if not scored:
            break
        after, best = min(scored)
        if after >= current:
            break
        picks.append(Adoption(*best, before=current, after=after))
        cells, names = by_type[best[2]]
        adopted = _adopt(cells, best[0], model.family(best[1]))
        moved = defaultdict(set)
        for (p, way, fams), used in names.items():
            key = (p, way, fams | {model.family(best[1])}) if p == best[0] else (p, way, fams)
            moved[key] |= used | ({best[1]} if p == best[0] else set())
        by_type[best[2]] = (adopted, moved)
        current = after
    return picks
