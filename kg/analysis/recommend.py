"""Recommend the standard adoptions that close the most interoperability gaps (greedy).

A gap is a required exchange whose standards nothing connects: compared in a shared role, not
the same, parallel, one family or convertible (kg.compatibility, docs/analysis.md). The
recommender works on partner-level groups: the capabilities of one partner that use the same
standards (with their interface roles) for one data type in one direction, and whether those
interfaces are all sourced, with their number. The gap count between two groups is the product
of their sizes when nothing connects them, so an adoption ("partner P takes up standard S for
data type D") is scored by re-counting only the gaps of P's groups for D: the work grows with
partners and standards, not capability pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from kg.analysis.model import Model

Gap = tuple[str, str, str]  # producer capability, consumer capability, data type
Use = tuple[str, str | None]  # standard, the interface's own role
Group = tuple[str, str, frozenset[Use], bool]  # partner, direction, uses, all sourced
Candidate = tuple[str, str, str]  # partner, standard, data type


@dataclass(frozen=True)
class Adoption:
    """Partner adopts standard for data type; the gap count before and after.

    `confirmed` counts the closed gaps that rest only on sourced interfaces: an adoption
    closing none of those rests on assumptions.
    """

    partner: str
    standard: str
    data_type: str
    before: int
    after: int
    confirmed: int = 0

    @property
    def closed(self) -> int:
        """Return how many gaps this adoption closes."""
        return self.before - self.after


def _uses(model: Model, adopted: set[Candidate]) -> tuple[dict, dict]:
    """Return (capability, direction, data type) -> uses, with adoptions added, and sourcing."""
    out: dict[tuple, set[Use]] = defaultdict(set)
    sure: dict[tuple, bool] = {}
    owner = {}
    for i in model.interfaces:
        key = (i.capability, i.direction, i.data_type)
        out[key].add((i.standard, i.role))
        sure[key] = sure.get(key, True) and not i.assumed
        owner[i.capability] = i.partner
    for (capability, _direction, dtype), uses in out.items():
        uses |= {(s, None) for p, s, d in adopted if p == owner[capability] and d == dtype}
    return out, sure


def is_open(model: Model, producer: frozenset, consumer: frozenset, data_type: str) -> bool:
    """Return whether nothing connects a producer's uses to a consumer's (compared in a role)."""
    return model.best(producer, consumer, data_type).kind == "none"


def gaps(model: Model, adopted: set[Candidate] = frozenset()) -> set[Gap]:
    """Return the interoperability gaps: required exchanges whose standards nothing connects.

    A gap is a producer and a consumer capability of different partners, for a data type an
    exchange requirement names, compared in a shared role with nothing connecting them.
    """
    uses, _ = _uses(model, set(adopted))
    owner = {i.capability: i.partner for i in model.interfaces}
    found = set()
    for (prod, pdir, dtype), puse in uses.items():
        if pdir != "produces" or dtype not in model.required:
            continue
        for (cons, cdir, ctype), cuse in uses.items():
            if (
                cdir == "consumes"
                and ctype == dtype
                and owner[cons] != owner[prod]
                and is_open(model, frozenset(puse), frozenset(cuse), dtype)
            ):
                found.add((prod, cons, dtype))
    return found


def groups(model: Model) -> dict[str, Counter]:
    """Return data type -> Counter of (partner, direction, uses, all sourced) groups."""
    uses, sure = _uses(model, set())
    owner = {i.capability: i.partner for i in model.interfaces}
    out: dict[str, Counter] = {}
    for key, used in uses.items():
        cap, way, dtype = key
        if dtype in model.required:
            out.setdefault(dtype, Counter())[owner[cap], way, frozenset(used), sure[key]] += 1
    return out


def _count(model: Model, dtype: str, cells: Counter, partner: str | None = None) -> tuple:
    """Return (gaps, confirmed gaps) among one data type's groups, touching `partner` if given."""
    prods = [(g, n) for g, n in cells.items() if g[1] == "produces"]
    cons = [(g, n) for g, n in cells.items() if g[1] == "consumes"]
    if partner is None:
        return _pairs(model, dtype, prods, cons)
    mine = _pairs(model, dtype, [x for x in prods if x[0][0] == partner], cons)
    theirs = _pairs(
        model,
        dtype,
        [x for x in prods if x[0][0] != partner],
        [x for x in cons if x[0][0] == partner],
    )
    return mine[0] + theirs[0], mine[1] + theirs[1]


def _pairs(model: Model, dtype: str, prods: list, cons: list) -> tuple[int, int]:
    """Return the open capability pairs of producer and consumer groups of different partners,
    and how many of them rest only on sourced interfaces."""
    total = confirmed = 0
    for prod, pn in prods:
        for con, cn in cons:
            if con[0] != prod[0] and is_open(model, prod[2], con[2], dtype):
                total += pn * cn
                confirmed += pn * cn if prod[3] and con[3] else 0
    return total, confirmed


def _adopt(cells: Counter, partner: str, standard: str) -> Counter:
    """Return a data type's groups after `partner` adds `standard` to its groups."""
    out: Counter = Counter()
    for (p, way, uses, sure), n in cells.items():
        out[p, way, uses | {(standard, None)} if p == partner else uses, sure] += n
    return out


def _parallel_to_own(model: Model, cells: Counter, partner: str, standard: str) -> bool:
    """Return whether `standard` is a parallel specification of one `partner` already uses."""
    parallel = model.relations.parallel if model.relations else {}
    own = {s for (p, _, uses, _), _n in cells.items() if p == partner for s, _ in uses}
    return bool(own & set(parallel.get(standard, {})))


def _candidates(model: Model, by_type: dict) -> set[Candidate]:
    """Return adoptions that could close a gap: one side takes up the other side's standard.

    Never a parallel specification of a standard the adopter already uses: the two
    interoperate as they are, so the adopter would take up its own one instead.
    """
    out = set()
    for dtype, cells in by_type.items():
        for prod in (g for g in cells if g[1] == "produces"):
            for cons in (g for g in cells if g[1] == "consumes"):
                if prod[0] != cons[0] and is_open(model, prod[2], cons[2], dtype):
                    out |= {(cons[0], s, dtype) for s, _ in prod[2] if s in model.current}
                    out |= {(prod[0], s, dtype) for s, _ in cons[2] if s in model.current}
    return {c for c in out if not _parallel_to_own(model, by_type[c[2]], c[0], c[1])}


def _score(model: Model, by_type: dict, total: int, cand: Candidate, memo: dict) -> tuple:
    """Return the gap count after one adoption and the confirmed gaps it closes."""
    partner, standard, dtype = cand
    cells = by_type[dtype]
    if (partner, dtype) not in memo:
        memo[partner, dtype] = _count(model, dtype, cells, partner)
    before = memo[partner, dtype]
    after = _count(model, dtype, _adopt(cells, partner, standard), partner)
    return total - before[0] + after[0], before[1] - after[1]


def recommend(model: Model, k: int = 5) -> list[Adoption]:
    """Greedily pick up to k adoptions, each closing the most remaining gaps."""
    by_type = groups(model)
    current = sum(_count(model, d, cells)[0] for d, cells in by_type.items())
    picks = []
    for _ in range(k):
        memo: dict = {}
        scored = [
            (*_score(model, by_type, current, c, memo), c) for c in _candidates(model, by_type)
        ]
        if not scored:
            break
        after, confirmed, best = min(scored, key=lambda s: (s[0], s[2]))
        if after >= current:
            break
        picks.append(Adoption(*best, before=current, after=after, confirmed=confirmed))
        by_type[best[2]] = _adopt(by_type[best[2]], best[0], best[1])
        current = after
    return picks
