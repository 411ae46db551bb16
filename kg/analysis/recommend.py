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


def _count(model: Model, dtype: str, cells: Counter) -> int:
    """Return the gaps among one data type's groups: each partner's, as the producer."""
    partners = {partner for partner, _, _, _ in cells}
    return sum(_across(model, dtype, *_sides(cells, p)[0::3])[0] for p in partners)


def _adopt(cells: Counter, partner: str, standard: str) -> Counter:
    """Return a data type's groups after `partner` adds `standard` to its groups."""
    out: Counter = Counter()
    for (p, way, uses, sure), n in cells.items():
        out[p, way, uses | {(standard, None)} if p == partner else uses, sure] += n
    return out


Side = dict[frozenset, list[int]]  # uses -> [capabilities, sourced capabilities]


def _sides(cells: Counter, partner: str) -> tuple[Side, Side, Side, Side]:
    """Return the producers and consumers of `partner`, then those of every other partner."""
    out: tuple[Side, Side, Side, Side] = ({}, {}, {}, {})
    for (p, way, uses, sure), n in cells.items():
        counts = out[2 * (p != partner) + (way == "consumes")].setdefault(uses, [0, 0])
        counts[0] += n
        counts[1] += n if sure else 0
    return out


def _with(side: Side, standard: str) -> Side:
    """Return a side whose uses each take up `standard` as well."""
    out: Side = {}
    for uses, (n, sure) in side.items():
        counts = out.setdefault(uses | {(standard, None)}, [0, 0])
        counts[0] += n
        counts[1] += sure
    return out


def _across(model: Model, dtype: str, prods: Side, cons: Side) -> tuple[int, int]:
    """Return the open pairs between producers and consumers of different partners."""
    total = confirmed = 0
    for uses, (n, sure) in prods.items():
        for used, (m, sourced) in cons.items():
            if is_open(model, uses, used, dtype):
                total += n * m
                confirmed += sure * sourced
    return total, confirmed


def _touching(model: Model, dtype: str, sides: tuple[Side, Side, Side, Side]) -> tuple[int, int]:
    """Return the gaps (and confirmed gaps) one partner takes part in, from its `_sides`."""
    mine_p, mine_c, their_p, their_c = sides
    out, back = _across(model, dtype, mine_p, their_c), _across(model, dtype, their_p, mine_c)
    return out[0] + back[0], out[1] + back[1]


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
        holders: dict[str, dict[frozenset, set[str]]] = {"produces": {}, "consumes": {}}
        for partner, way, uses, _ in cells:
            holders[way].setdefault(uses, set()).add(partner)
        for produced, makers in holders["produces"].items():
            for consumed, takers in holders["consumes"].items():
                if is_open(model, produced, consumed, dtype):
                    out |= _takeups(model, takers, makers, produced, dtype)
                    out |= _takeups(model, makers, takers, consumed, dtype)
    return {c for c in out if not _parallel_to_own(model, by_type[c[2]], c[0], c[1])}


def _takeups(model: Model, adopters: set, others: set, uses: frozenset, dtype: str) -> set:
    """Return each adopter's take-up of the other side's current standards, where the other
    side has a partner besides the adopter."""
    wanted = [s for s, _ in uses if s in model.current]
    return {(a, s, dtype) for a in adopters if others - {a} for s in wanted}


def _score(model: Model, by_type: dict, total: int, cand: Candidate, memo: dict) -> tuple:
    """Return the gap count after one adoption and the confirmed gaps it closes.

    Only the adopter's groups change, so only the gaps it takes part in are counted again.
    """
    partner, standard, dtype = cand
    if (partner, dtype) not in memo:
        sides = _sides(by_type[dtype], partner)
        memo[partner, dtype] = sides, _touching(model, dtype, sides)
    (mine_p, mine_c, their_p, their_c), before = memo[partner, dtype]
    adopted = (_with(mine_p, standard), _with(mine_c, standard), their_p, their_c)
    after = _touching(model, dtype, adopted)
    return total - before[0] + after[0], before[1] - after[1]


def recommend(model: Model, k: int = 5) -> list[Adoption]:
    """Greedily pick up to k adoptions, each closing the most remaining gaps."""
    by_type = groups(model)
    current = sum(_count(model, d, cells) for d, cells in by_type.items())
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
